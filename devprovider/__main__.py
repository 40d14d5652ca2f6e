"""`python -m devprovider --port 9000`; see devprovider.cli."""

from devprovider.cli import main

main()
