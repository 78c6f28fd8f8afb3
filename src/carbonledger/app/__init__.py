"""The application layer: one function per user job.

The CLI, the REST API, the dashboard and the demo call these and nothing deeper; each takes a
workspace (and, from the API on, a user) and returns plain results.
"""

from carbonledger.app.analysis import (
    RunRef,
    base_year,
    change,
    facilities,
    facility,
    footprint,
    forecast,
    hotspots,
    intensity,
    inventory,
    quality,
    reconciliation,
    run_totals,
    scope3_table,
    shipments,
    uncertainty,
)
from carbonledger.app.data import (
    ImportResult,
    import_file,
    import_kinds,
    list_batches,
    remove_batch,
    replace_batch,
    validate_file,
)
from carbonledger.app.docs import write_reference_docs
from carbonledger.app.factors import (
    DEFAULT_STAGE_ORDER,
    Estimate,
    FactorLibrary,
    ReleaseInfo,
    SelectionPolicy,
    add_factor_release,
    build_factor_releases,
    estimate,
    factor_library,
    verify_factor_releases,
    workspace_library,
)
from carbonledger.app.periods import lock, periods, restate
from carbonledger.app.record import estimate_one_record, estimate_record
from carbonledger.app.reports import (
    FORMATS,
    DashboardPanel,
    bundled_font,
    dashboard_panels,
    disclosure_files,
    evidence,
    render_report,
    report_context,
)
from carbonledger.app.server import serve_workspace
from carbonledger.app.view import RunView, open_run
from carbonledger.app.workspace import (
    create_workspace,
    history,
    list_runs,
    open_if_workspace,
    open_workspace,
)
from carbonledger.options import DEFAULT_PARETO_SHARE, DEFAULT_SAMPLES, DIMENSIONS
from carbonledger.report.context import ReportContext
from carbonledger.run import CalculationResult, calculate
from carbonledger.store import StoredBatch, StoredRun, Workspace
from carbonledger.validate import ValidationReport

__all__ = [
    "DEFAULT_PARETO_SHARE",
    "DEFAULT_SAMPLES",
    "DEFAULT_STAGE_ORDER",
    "DIMENSIONS",
    "FORMATS",
    "CalculationResult",
    "DashboardPanel",
    "Estimate",
    "FactorLibrary",
    "ImportResult",
    "ReleaseInfo",
    "ReportContext",
    "RunRef",
    "RunView",
    "SelectionPolicy",
    "StoredBatch",
    "StoredRun",
    "ValidationReport",
    "Workspace",
    "add_factor_release",
    "base_year",
    "build_factor_releases",
    "bundled_font",
    "calculate",
    "change",
    "create_workspace",
    "dashboard_panels",
    "disclosure_files",
    "estimate",
    "estimate_one_record",
    "estimate_record",
    "evidence",
    "facilities",
    "facility",
    "factor_library",
    "footprint",
    "forecast",
    "history",
    "hotspots",
    "import_file",
    "import_kinds",
    "intensity",
    "inventory",
    "list_batches",
    "list_runs",
    "lock",
    "open_if_workspace",
    "open_run",
    "open_workspace",
    "periods",
    "quality",
    "reconciliation",
    "remove_batch",
    "render_report",
    "replace_batch",
    "report_context",
    "restate",
    "run_totals",
    "scope3_table",
    "serve_workspace",
    "shipments",
    "uncertainty",
    "validate_file",
    "verify_factor_releases",
    "workspace_library",
    "write_reference_docs",
]
