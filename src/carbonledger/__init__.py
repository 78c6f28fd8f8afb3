"""carbonledger: measure, analyse and reduce the carbon footprint of large companies.

The public API is what ``__all__`` lists: the workspace and its settings, the jobs users do
most (import, calculate, inventory, report, estimate), units and the error base class. Every
other job is in :mod:`carbonledger.app`; rooms (``carbonledger.units``, ``carbonledger.factors``
...) have their own ``__all__``. Names load on first use, so ``import carbonledger`` is fast.
"""

from __future__ import annotations

import importlib
import warnings
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from carbonledger.app import (
        add_factor_release,
        calculate,
        estimate,
        estimate_record,
        import_file,
        inventory,
        open_run,
        render_report,
        report_context,
        validate_file,
    )
    from carbonledger.errors import CarbonLedgerError, ValidationError
    from carbonledger.factors import FactorLibrary, default_library
    from carbonledger.inventory import totals
    from carbonledger.methods import register_method
    from carbonledger.options import WorkspaceConfig
    from carbonledger.schema import get_schema, schema_kinds
    from carbonledger.store import Workspace
    from carbonledger.units import convert, ureg

__version__ = metadata.version("carbonledger")

#: Public name -> module it comes from.
_PUBLIC = {
    "CarbonLedgerError": "carbonledger.errors",
    "FactorLibrary": "carbonledger.factors",
    "ValidationError": "carbonledger.errors",
    "Workspace": "carbonledger.store",
    "WorkspaceConfig": "carbonledger.options",
    "add_factor_release": "carbonledger.app",
    "calculate": "carbonledger.app",
    "convert": "carbonledger.units",
    "default_library": "carbonledger.factors",
    "estimate": "carbonledger.app",
    "estimate_record": "carbonledger.app",
    "get_schema": "carbonledger.schema",
    "import_file": "carbonledger.app",
    "inventory": "carbonledger.app",
    "open_run": "carbonledger.app",
    "register_method": "carbonledger.methods",
    "render_report": "carbonledger.app",
    "report_context": "carbonledger.app",
    "schema_kinds": "carbonledger.schema",
    "totals": "carbonledger.inventory",
    "ureg": "carbonledger.units",
    "validate_file": "carbonledger.app",
}
#: Names of the last release that moved: each warns once used, for one release.
_DEPRECATED = {
    "CalculationResult": "carbonledger.app",
    "ConfigError": "carbonledger.errors",
    "Estimate": "carbonledger.app",
    "FactorError": "carbonledger.errors",
    "FactorNotFoundError": "carbonledger.errors",
    "ImportResult": "carbonledger.app",
    "IntegrityError": "carbonledger.errors",
    "PeriodLockedError": "carbonledger.errors",
    "ReleaseInfo": "carbonledger.factors",
    "SchemaError": "carbonledger.errors",
    "SelectionPolicy": "carbonledger.factors",
    "UnitError": "carbonledger.errors",
    "WorkspaceError": "carbonledger.errors",
    "get_engine": "carbonledger.engine",
    "gwp": "carbonledger.units",
    "reconcile": "carbonledger.inventory",
    "scope3_coverage": "carbonledger.inventory",
    "workspace_library": "carbonledger.app",
}

__all__ = [
    "CarbonLedgerError",
    "FactorLibrary",
    "ValidationError",
    "Workspace",
    "WorkspaceConfig",
    "__version__",
    "add_factor_release",
    "calculate",
    "convert",
    "default_library",
    "estimate",
    "estimate_record",
    "get_schema",
    "import_file",
    "inventory",
    "open_run",
    "register_method",
    "render_report",
    "report_context",
    "schema_kinds",
    "totals",
    "ureg",
    "validate_file",
]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
    elif name in _DEPRECATED:
        warnings.warn(
            f"carbonledger.{name} is deprecated; use {_DEPRECATED[name]}.{name}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(_DEPRECATED[name]), name)
    else:
        raise AttributeError(f"module 'carbonledger' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
