"""`python -m cinepass ...` runs the command line."""

from cinepass.cli.main import main

main()
