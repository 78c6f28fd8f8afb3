"""Credits: the registry of credit blocks (serial ranges of registries' formats), holdings,
splits, transfers and retirements with their invariants.

The quality assessment, buyer eligibility, neutrality claims (ISO 14068-1, PAS 2060) and
compliance caps build on these (issue "credits and claims").
"""

from carbonledger.credits.holdings import Event, Holding, Holdings, Retirement, Status
from carbonledger.credits.serials import SerialBlock, SerialError, parse_serial, serial_formats

__all__ = [
    "Event",
    "Holding",
    "Holdings",
    "Retirement",
    "SerialBlock",
    "SerialError",
    "Status",
    "parse_serial",
    "serial_formats",
]
