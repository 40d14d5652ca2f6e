"""`python -m devacquirer --port 9100`; see devacquirer.cli."""

from devacquirer.cli import main

main()
