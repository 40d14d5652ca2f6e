"""`python -m bench.topups`: the scenario's table, in its own process."""

import sys

from bench.topups import main

sys.exit(main(sys.argv[1:]))
