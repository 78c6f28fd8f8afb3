"""The ``carbonledger`` command line: a thin shell over the Python API."""

from carbonledger.cli.app import app, main

__all__ = ["app", "main"]
