"""carbonledger: measure, analyse and reduce the carbon footprint of large companies.

The public API is what ``__all__`` lists; modules whose names start with an underscore are
private. Rooms (``carbonledger.units``, ``carbonledger.schema`` ...) have their own ``__all__``.
"""

from importlib import metadata

from carbonledger.engine import get_engine
from carbonledger.errors import (
    CarbonLedgerError,
    ConfigError,
    FactorError,
    FactorNotFoundError,
    IntegrityError,
    PeriodLockedError,
    SchemaError,
    UnitError,
    ValidationError,
    WorkspaceError,
)
from carbonledger.factors import FactorLibrary, ReleaseInfo, SelectionPolicy, default_library
from carbonledger.inventory import reconcile, scope3_coverage, totals
from carbonledger.options import WorkspaceConfig
from carbonledger.pipeline import (
    CalculationResult,
    Estimate,
    ImportResult,
    add_factor_release,
    calculate,
    estimate,
    import_file,
    validate_file,
    workspace_library,
)
from carbonledger.record import estimate_record
from carbonledger.schema import get_schema, schema_kinds
from carbonledger.store import Workspace
from carbonledger.units import convert, gwp, ureg

__version__ = metadata.version("carbonledger")

__all__ = [
    "CalculationResult",
    "CarbonLedgerError",
    "ConfigError",
    "Estimate",
    "FactorError",
    "FactorLibrary",
    "FactorNotFoundError",
    "ImportResult",
    "IntegrityError",
    "PeriodLockedError",
    "ReleaseInfo",
    "SchemaError",
    "SelectionPolicy",
    "UnitError",
    "ValidationError",
    "Workspace",
    "WorkspaceConfig",
    "WorkspaceError",
    "__version__",
    "add_factor_release",
    "calculate",
    "convert",
    "default_library",
    "estimate",
    "estimate_record",
    "get_engine",
    "get_schema",
    "gwp",
    "import_file",
    "reconcile",
    "schema_kinds",
    "scope3_coverage",
    "totals",
    "ureg",
    "validate_file",
    "workspace_library",
]
