"""`python -m bench.usage [--json]`: the usage scenario in a process of its own."""

import sys

from bench.usage.run import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
