"""``python -m carbonledger``: the command line, as the ``carbonledger`` command."""

from carbonledger.cli import main

main()
