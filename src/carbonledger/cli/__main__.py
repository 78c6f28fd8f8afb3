"""``python -m carbonledger.cli``: the command line."""

from carbonledger.cli.app import main

main()
