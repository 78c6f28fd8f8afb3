"""The thin orchestrator: one-shot calls composed of public steps.

``import_file`` is :func:`carbonledger.ingest.read_table`, then
:func:`carbonledger.validate.validate_table`, then :meth:`Workspace.store_batch`; ``estimate`` is
:func:`carbonledger.methods.calculate_activity` on one activity row. Callers may run the steps
themselves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from carbonledger.calculation import (
    CalculationInputs,
    ledger_schema,
    reference_ledger,
    relational_ledger,
)
from carbonledger.engine import RelationalEngine, get_engine
from carbonledger.errors import CarbonLedgerError, PeriodLockedError, ValidationError
from carbonledger.factors import (
    FactorLibrary,
    ReleaseInfo,
    Selection,
    SelectionPolicy,
    default_library,
    user_release,
    write_release,
)
from carbonledger.factors.releases import packaged_dir
from carbonledger.ingest import read_table
from carbonledger.inventory import Inventory, build_inventory, consolidation_shares, intensities
from carbonledger.inventory.base_year import base_year_recalculation
from carbonledger.inventory.forecast import forecast as forecast_emissions
from carbonledger.inventory.hotspots import (
    change_decomposition,
    change_summary,
    previous_period,
)
from carbonledger.inventory.ledger_sql import latest_year
from carbonledger.inventory.uncertainty import DEFAULT_SAMPLES
from carbonledger.methods import METHODS, FactorContext, calculate_activity
from carbonledger.options import DEFAULT_GWP_SET
from carbonledger.provenance import RunManifest, parquet_bytes, sha256_bytes
from carbonledger.report.context import ReportContext
from carbonledger.schema import get_schema
from carbonledger.store import BatchInfo, StoredBatch, StoredRun, Workspace
from carbonledger.store.periods import covering_lock
from carbonledger.units import gwp_set_name
from carbonledger.validate import SOURCE_ROW, ValidationReport, validate_table

__all__ = [
    "REFERENCE_KINDS",
    "USER_FACTORS_DIR",
    "CalculationResult",
    "Estimate",
    "ImportResult",
    "add_factor_release",
    "base_year",
    "boundary_shares",
    "calculate",
    "estimate",
    "forecast",
    "gather_inputs",
    "import_file",
    "inventory",
    "report_context",
    "reporting_period",
    "validate_file",
    "workspace_library",
]

#: Folder of a workspace that holds its users' factor releases.
USER_FACTORS_DIR = "factors"


@dataclass(frozen=True)
class ImportResult:
    """Outcome of an import.

    Attributes
    ----------
    batch : StoredBatch
        The batch holding the records.
    created : bool
        ``False`` when the same file (or the same content) was already stored.
    report : ValidationReport
        Findings, including warnings that did not stop the import.
    """

    batch: StoredBatch
    created: bool
    report: ValidationReport


def _refuse_locked_periods(workspace: Workspace, table: pa.Table, path: str | Path) -> None:
    if "period" not in table.column_names:
        return
    for month in sorted({m for m in table["period"].to_pylist() if m}):
        if lock := covering_lock(workspace, month):
            raise PeriodLockedError(
                f"{path}: records for {month} fall in period {lock.period}, locked since "
                f"{lock.at} (version {lock.version}); restate the period with a reason first"
            )


def validate_file(
    kind: str, path: str | Path, sheet: str | None = None, strict: bool = False
) -> ValidationReport:
    """Validate a file as an activity kind without storing anything.

    Parameters
    ----------
    kind : str
        Activity kind (see :func:`carbonledger.schema.schema_kinds`).
    path : str or Path
        CSV, XLSX or Parquet file.
    sheet : str, optional
        Worksheet of a workbook.
    strict : bool, default False
        Count warnings as errors.
    """
    frame, meta = read_table(path, sheet)
    return validate_table(frame, meta, get_schema(kind), strict).report


def import_file(
    workspace: Workspace,
    kind: str,
    path: str | Path,
    sheet: str | None = None,
    strict: bool = False,
) -> ImportResult:
    """Read, validate and store a file as an immutable batch of one activity kind.

    Nothing is written unless every record passes; importing the same file again returns the
    existing batch.

    Raises
    ------
    ValidationError
        Carrying the :class:`ValidationReport` when the file breaks a rule.
    PeriodLockedError
        When records fall in a locked period (restate it first).
    """
    schema = get_schema(kind)
    frame, meta = read_table(path, sheet)
    if existing := workspace.find_batch(kind, meta.sha256):
        return ImportResult(existing, False, ValidationReport(meta.path, kind, len(frame)))
    validated = validate_table(frame, meta, schema, strict)
    if validated.table is None:
        raise ValidationError(validated.report)
    _refuse_locked_periods(workspace, validated.table, meta.path)
    info = BatchInfo(kind, meta.path, meta.sha256, meta.format, meta.encoding, meta.sheet)
    batch, created = workspace.store_batch(info, validated.table)
    return ImportResult(batch, created, validated.report)


@dataclass(frozen=True)
class Estimate:
    """One activity's emissions, gas by gas.

    Attributes
    ----------
    rows : list of dict
        Per gas: mass [kg], CO2e [kg], factor id, release, match level, year gap, stage.
    co2e : float
        Total [kg CO2e] (biogenic CO2 excluded).
    biogenic_co2 : float
        Biogenic CO2 reported apart [kg].
    gwp_set : str
        GWP set requested.
    """

    rows: list[dict[str, Any]]
    co2e: float
    biogenic_co2: float
    gwp_set: str

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON output."""
        return {
            "co2e_kg": self.co2e,
            "biogenic_co2_kg": self.biogenic_co2,
            "gwp_set": self.gwp_set,
            "gases": self.rows,
        }


def estimate(
    activity_key: str,
    quantity: float,
    unit: str,
    region: str = "WORLD",
    year: int | None = None,
    gwp_set: str = DEFAULT_GWP_SET,
    heating_value_basis: str | None = None,
    policy: SelectionPolicy | None = None,
    library: FactorLibrary | None = None,
) -> Estimate:
    """Estimate one activity through the same method code the engine uses.

    Parameters
    ----------
    activity_key : str
        Factor key such as ``fuel/natural_gas`` (see ``carbonledger factors search``).
    quantity : float
        Amount of activity, in ``unit``.
    unit : str
        Unit of ``quantity`` (``therm``, ``L``, ``kWh``, ``tkm`` ...).
    region : str, default "WORLD"
        Where the activity took place (``US``, ``CN-GD``, ``EGRID-CAMX`` ...).
    year : int, optional
        Year of the activity (default: the current year; older factors are used by policy).
    gwp_set : str
        GWP set for CO2e.
    heating_value_basis : {"HHV", "LHV"}, optional
        Basis of an energy quantity.
    policy : SelectionPolicy, optional
        Selection policy.
    library : FactorLibrary, optional
        Factor library (default: the packaged releases).

    Raises
    ------
    FactorNotFoundError
        If no factor qualifies under the policy.

    Examples
    --------
    >>> round(estimate("fuel/natural_gas", 1000, "therm", "US", 2025,
    ...                heating_value_basis="HHV").co2e, 2)
    5311.45
    """
    activity = pa.table(
        {
            "request_id": [0],
            "activity_key": [activity_key],
            "region": [region],
            "year": [year if year is not None else datetime.now(UTC).year],
            "quantity": [float(quantity)],
            "unit": [unit],
            "heating_value_basis": pa.array([heating_value_basis], pa.string()),
        }
    )
    result = calculate_activity(activity, library or default_library(), gwp_set, policy)
    if result.missing.num_rows:
        Selection(result.rows, result.missing).raise_if_missing()
    rows = result.rows.to_pylist()
    return Estimate(
        rows=rows,
        co2e=sum(r["co2e"] or 0.0 for r in rows),
        biogenic_co2=sum(r["mass"] for r in rows if r["biogenic"]),
        gwp_set=gwp_set_name(gwp_set),
    )


References = Mapping[str, pa.Table]


def _entities(references: References) -> pa.Table:
    if "entities" not in references:
        raise CarbonLedgerError("no entities imported: the organisational boundary needs them")
    return references["entities"]


def inventory(
    workspace: Workspace,
    run_id: str | None = None,
    period: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    references: References | None = None,
) -> Inventory:
    """The consolidated inventory of a run (default: the latest) for a period (default: the
    run's, or the latest year the run holds: an inventory is of one reporting period).

    The boundary approach, GWP set and scope 3 exclusions are the workspace's; ``samples`` and
    ``seed`` drive the Monte Carlo uncertainty. ``references`` are the workspace's reference
    tables when the caller has gathered them already (:func:`gather_inputs`).
    """
    lock = covering_lock(workspace, period) if period and run_id is None else None
    stored = workspace.get_run(lock.run_id if lock else run_id)
    references = references or gather_inputs(workspace).references
    return build_inventory(
        workspace.ledger_path(stored),
        _entities(references),
        run_id=stored.run_id,
        approach=workspace.config.consolidation,
        gwp_set=stored.gwp_set,
        period=reporting_period(workspace, stored, period),
        exclusions=workspace.config.scope3_exclusions,
        samples=samples,
        seed=seed,
    )


def reporting_period(workspace: Workspace, stored: StoredRun, period: str | None) -> str | None:
    """The period an analysis of a run is of: the one asked for, else the run's, else the
    latest year the run holds (never a sum of years)."""
    return period or stored.period or latest_year(workspace.ledger_path(stored))


def boundary_shares(workspace: Workspace, references: References | None = None) -> pa.Table:
    """Each entity's consolidated share under the workspace's approach (see
    :func:`~carbonledger.inventory.consolidation_shares`)."""
    entities = _entities(references or gather_inputs(workspace).references)
    return consolidation_shares(entities.to_pylist(), workspace.config.consolidation)


def forecast(
    workspace: Workspace,
    years: Sequence[int],
    run_id: str | None = None,
    references: References | None = None,
) -> dict[str, Any]:
    """Next years' emissions of the workspace by scope, from a run holding at least one year
    (two or more give activity trends); see :mod:`carbonledger.inventory.forecast`."""
    stored = workspace.get_run(run_id)
    references = references or gather_inputs(workspace).references
    return {
        "run_id": stored.run_id,
        **forecast_emissions(
            workspace.ledger_path(stored),
            references["facilities"],
            _entities(references),
            workspace_library(workspace),
            list(years),
            boundary_shares(workspace, references),
        ),
    }


def report_context(
    workspace: Workspace,
    run_id: str | None = None,
    period: str | None = None,
    references: References | None = None,
) -> ReportContext:
    """Everything a report renders: the inventory of a period and its context.

    The base-year record is included where the run holds the base year's data, the change
    from the same period a year earlier where the run holds that period's data.
    ``references`` as for :func:`inventory`.
    """
    references = references or gather_inputs(workspace).references
    inv = inventory(workspace, run_id, period, references=references)
    stored = workspace.get_run(inv.run_id)
    earlier = previous_period(inv.period)
    year_on_year = (
        change_summary(
            change_decomposition(
                workspace.ledger_path(stored),
                earlier,
                str(inv.period),
                boundary_shares(workspace, references),
            ),
            earlier,
            str(inv.period),
        )
        if earlier
        else None
    )
    used = {r.split("@", 1)[0] for r in stored.manifest.get("factor_releases", [])}
    releases = [m for m in workspace_library(workspace).manifests() if m["release_id"] in used]
    try:
        base = base_year(workspace, inv.run_id, references)
    except CarbonLedgerError:
        base = None
    entities = _entities(references)
    return ReportContext(
        organisation=workspace.config.organisation,
        inventory=inv,
        base_year=base,
        year_on_year=year_on_year,
        intensities=intensities(inv, references["denominators"]),
        releases=releases,
        run_manifest=stored.manifest,
        facility_names=_names(references.get("facilities"), "facility_id"),
        entity_names=_names(entities, "entity_id"),
    )


def _names(table: pa.Table | None, key: str) -> dict[str, str]:
    if table is None:
        return {}
    return dict(zip(table[key].to_pylist(), table["name"].to_pylist(), strict=True))


def base_year(
    workspace: Workspace, run_id: str | None = None, references: References | None = None
) -> dict[str, Any]:
    """The workspace's base year, its events and whether they recalculate it [t CO2e].

    The run (default: the latest) must hold the base year's data.
    """
    stored = workspace.get_run(run_id)
    references = references or gather_inputs(workspace).references
    config = workspace.config
    record = base_year_recalculation(
        workspace.ledger_path(stored),
        _entities(references),
        references["base_year_events"],
        base_year=config.base_year,
        approach=config.consolidation,
        threshold=config.recalculation_threshold,
    )
    if not record["original"]["total"]:
        raise CarbonLedgerError(
            f"run {stored.run_id[:12]} has no data for the base year {config.base_year}"
        )
    return {"run_id": stored.run_id, **record}


def workspace_library(workspace: Workspace) -> FactorLibrary:
    """The packaged releases plus the workspace's own factor releases."""
    return FactorLibrary([packaged_dir(), workspace.root / USER_FACTORS_DIR])


def add_factor_release(
    workspace: Workspace, path: str | Path, info: ReleaseInfo, sheet: str | None = None
) -> dict[str, Any]:
    """Validate a ``user_factors`` file and add it to the workspace as an immutable release.

    Raises
    ------
    ValidationError
        With a report naming file, row and column when a row is invalid; nothing is written.
    FactorError
        If a release of that id already exists.
    """
    frame, meta = read_table(path, sheet)
    validated = validate_table(frame, meta, get_schema("user_factors"))
    if validated.table is None:
        raise ValidationError(validated.report)
    build, manifest = user_release(validated.table, info, meta.path, meta.sha256)
    return write_release(workspace.root / USER_FACTORS_DIR, build, manifest)


#: Kinds read as reference tables (merged across batches) rather than calculated.
REFERENCE_KINDS = (
    "facilities",
    "entities",
    "electricity_prices",
    "energy_instruments",
    "spend_mapping",
    "spend_coverage",
    "fx_rates",
    "price_index",
    "package_types",
    "device_models",
    "denominators",
    "base_year_events",
    "allocation_keys",
)
_DEFAULT_SPEND_MAPPING = ("data", "spend_mapping_default.csv")
_OPTIONAL_KINDS = (
    "energy_instruments",
    "electricity_prices",
    "spend_coverage",
    "denominators",
    "base_year_events",
    "allocation_keys",
)


@dataclass(frozen=True)
class CalculationResult:
    """Outcome of :func:`calculate`.

    Attributes
    ----------
    run : StoredRun
        The run and its ledger.
    created : bool
        ``False`` when a run with the same fingerprint was already stored.
    """

    run: StoredRun
    created: bool


def gather_inputs(workspace: Workspace, period: str | None = None) -> CalculationInputs:
    """The batches of every method's kind and the merged reference tables.

    Raises
    ------
    CarbonLedgerError
        If two batches of a reference kind define the same key (e.g. one facility twice).
    """
    batches = {
        method.kind: [
            (b.batch_id, workspace.root / b.parquet_path) for b in workspace.batches(method.kind)
        ]
        for method in METHODS
    }
    references: dict[str, pa.Table] = {}
    for kind in REFERENCE_KINDS:
        stored = workspace.batches(kind)
        if stored:
            references[kind] = _merge(kind, [workspace.read_batch(b.batch_id) for b in stored])
    if "spend_mapping" not in references:
        references["spend_mapping"] = default_spend_mapping()
    for kind in _OPTIONAL_KINDS:  # none imported: an empty table, so the methods still run
        if kind not in references:
            schema = get_schema(kind).arrow_schema().append(pa.field(SOURCE_ROW, pa.int64()))
            references[kind] = schema.empty_table()
    return CalculationInputs(batches, references, period)


def default_spend_mapping() -> pa.Table:
    """The packaged default spend mapping, read and validated like a user's file."""
    path = resources.files("carbonledger").joinpath(*_DEFAULT_SPEND_MAPPING)
    with resources.as_file(path) as file:
        frame, meta = read_table(file)
        validated = validate_table(frame, meta, get_schema("spend_mapping"), strict=True)
    validated.report.raise_if_failed(strict=True)
    assert validated.table is not None
    return validated.table


def _merge(kind: str, tables: list[pa.Table]) -> pa.Table:
    merged = pa.concat_tables(tables)
    key = list(get_schema(kind).primary_key)
    rows = merged.select(key).to_pylist()
    seen: set[tuple[Any, ...]] = set()
    for row in rows:
        value = tuple(row.values())
        if value in seen:
            raise CarbonLedgerError(f"{kind}: {dict(row)} is defined in more than one batch")
        seen.add(value)
    return merged


def calculate(
    workspace: Workspace,
    period: str | None = None,
    engine: str = "duckdb",
    memory_limit: str | None = None,
    strict: bool = False,
) -> CalculationResult:
    """Run every method over the imported batches and store the emission ledger.

    The run id is the fingerprint of the run manifest (input batch hashes, factor releases and
    their table hashes, GWP set, options, library versions), so the same inputs give the same
    run; the ledger is written sorted, so they also give the same bytes.

    Parameters
    ----------
    workspace : Workspace
    period : str, optional
        ``YYYY`` or ``YYYY-MM``.
    engine : {"duckdb", "reference", "spark"}
    memory_limit : str, optional
        Memory limit of the DuckDB engine (it spills to disk beyond it), e.g. ``"4GB"``.
    strict : bool, default False
        Refuse factor fallbacks (region, year).
    """
    if period and (lock := covering_lock(workspace, period)) and lock.run_id:
        return CalculationResult(workspace.get_run(lock.run_id), False)  # signed off: as locked
    config = workspace.config
    library = workspace_library(workspace)
    policy = SelectionPolicy(
        strict=strict,
        proxy_regions=tuple(config.proxy_regions),
        later_years=config.later_year_factors,
    )
    context = FactorContext(library, config.gwp_set, policy)
    inputs = gather_inputs(workspace, period)
    releases = {
        r: {t: e["sha256"] for t, e in library.manifest(r)["tables"].items()}
        for r in library.release_ids
    }
    manifest = RunManifest(
        inputs={kind: [b for b, _ in batches] for kind, batches in inputs.batches.items()}
        | {kind: _table_hash(t) for kind, t in inputs.references.items()},
        factor_releases=[f"{r}@{_digest(releases[r])}" for r in sorted(releases)],
        gwp_set=config.gwp_set,
        options={
            "period": period,
            "engine": engine,
            "strict": strict,
            "proxy_regions": list(config.proxy_regions),
            "later_year_factors": config.later_year_factors,
        },
    )
    run_id = manifest.fingerprint()
    if existing := next((r for r in workspace.runs() if r.run_id == run_id), None):
        return CalculationResult(existing, False)
    staged = workspace.staging_path()
    try:
        rows, reports = _write_ledger(staged, engine, memory_limit, inputs, context, run_id)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    run, created = workspace.store_run(
        staged,
        {
            "run_id": run_id,
            "created_at": manifest.created_at,
            "period": period,
            "engine": engine,
            "gwp_set": config.gwp_set,
            "rows": rows,
            "manifest": {**json.loads(manifest.to_json()), "reports": reports},
        },
    )
    return CalculationResult(run, created)


def _write_ledger(
    path: Path,
    engine_name: str,
    memory_limit: str | None,
    inputs: CalculationInputs,
    context: FactorContext,
    run_id: str,
) -> tuple[int, dict[str, Any]]:
    if engine_name == "reference":
        table = reference_ledger(METHODS, inputs, context, run_id)
        path.write_bytes(parquet_bytes(table))
        return table.num_rows, {}
    options = {"memory_limit": memory_limit} if memory_limit and engine_name == "duckdb" else {}
    engine = get_engine(engine_name, **options)
    try:
        assert isinstance(engine, RelationalEngine)
        plan = relational_ledger(engine, METHODS, inputs, context, run_id)
        if not plan.parts:
            path.write_bytes(parquet_bytes(ledger_schema().empty_table()))
            return 0, plan.reports
        engine.write_ordered(plan.parts, path)
    finally:
        engine.close()
    return int(pq.ParquetFile(path).metadata.num_rows), plan.reports


def _table_hash(table: pa.Table) -> str:
    return sha256_bytes(parquet_bytes(table))


def _digest(tables: dict[str, str]) -> str:
    return sha256_bytes(json.dumps(tables, sort_keys=True).encode())[:16]
