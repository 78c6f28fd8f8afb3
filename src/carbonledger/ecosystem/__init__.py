"""Scope 3+: ecosystem programmes, their methodologies, the programme ledger, progress toward
goals and verified lots. Nothing here enters or nets against the inventory's totals."""

from carbonledger.ecosystem.ledger import LEDGER_COLUMNS, ledger_sql
from carbonledger.ecosystem.lots import Lot, LotBook, LotError, lot_serial
from carbonledger.ecosystem.methodology import (
    NO_FACTOR,
    FactorSpec,
    FieldSpec,
    Methodology,
    base_scale,
    load_methodologies,
)
from carbonledger.ecosystem.progress import (
    FORECAST_METHOD,
    Programme,
    portfolio_progress,
    programme_progress,
)

__all__ = [
    "FORECAST_METHOD",
    "LEDGER_COLUMNS",
    "NO_FACTOR",
    "FactorSpec",
    "FieldSpec",
    "Lot",
    "LotBook",
    "LotError",
    "Methodology",
    "Programme",
    "base_scale",
    "ledger_sql",
    "load_methodologies",
    "lot_serial",
    "portfolio_progress",
    "programme_progress",
]
