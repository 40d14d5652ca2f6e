"""`python -m bench.usage [--exports] [--json]`: the usage scenario in a process of its own
(`--exports`: only the exports, on a database of the big line's million records)."""

import sys

from bench.usage.run import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
