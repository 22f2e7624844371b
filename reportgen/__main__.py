"""``python -m reportgen`` runs the same command line as ``reportgen``."""

from reportgen.cli import main

main()
