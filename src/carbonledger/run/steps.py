"""A calculation as public steps, shaped like PyPSA's ``optimize``.

:func:`calculate` is :func:`prepare` (gather the inputs once, choose factors' policy, write the
manifest whose fingerprint is the run id) -> :func:`check` (every method's reference tables are
there) -> :func:`build` (the ledger plan, per method) -> :func:`execute` (the engine writes the
ledger's ordered parts, one per method, to staged files) -> :func:`store` (the parts and the
manifest through the workspace's write path). Callers may run the steps themselves, e.g. to
look at a plan.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from carbonledger.engine import RelationalEngine, get_engine
from carbonledger.errors import CarbonLedgerError
from carbonledger.factors import FactorLibrary, SelectionPolicy
from carbonledger.factors.releases import packaged_dir
from carbonledger.methods import FactorContext, Method, registered_methods
from carbonledger.options import WorkspaceConfig, check_period
from carbonledger.provenance import RunManifest, parquet_bytes, sha256_bytes
from carbonledger.run.inputs import RunInputs, gather_inputs
from carbonledger.run.plan import LedgerPlan, ledger_schema, relational_ledger
from carbonledger.run.reference import reference_ledger
from carbonledger.store import StoredRun, Workspace
from carbonledger.store.periods import covering_lock, current_locks

__all__ = [
    "CalculationResult",
    "RunSetup",
    "build",
    "calculate",
    "check",
    "check_inputs",
    "execute",
    "prepare",
    "store",
    "workspace_inputs",
    "workspace_library",
    "workspace_policy",
]


@dataclass(frozen=True)
class CalculationResult:
    """Outcome of :func:`calculate`.

    Attributes
    ----------
    run : StoredRun
        The run and its ledger.
    created : bool
        ``False`` when a run with the same fingerprint was already stored (or the period is
        locked with its signed-off run).
    """

    run: StoredRun
    created: bool


@dataclass(frozen=True)
class RunSetup:
    """Everything a run is computed from, fixed before anything is computed.

    Attributes
    ----------
    run_id : str
        Fingerprint of :attr:`manifest`.
    manifest : RunManifest
    methods : tuple of Method
    inputs : RunInputs
    context : FactorContext
    engine : str
    memory_limit : str, optional
    carried : dict of str to list of Path
        Locked periods the run covers, with the ledger parts of the run each was signed off with:
        their rows are that run's, never recomputed.
    """

    run_id: str
    manifest: RunManifest
    methods: tuple[Method, ...]
    inputs: RunInputs
    context: FactorContext
    engine: str
    memory_limit: str | None
    carried: dict[str, list[Path]] = field(default_factory=dict)


def workspace_library(workspace: Workspace) -> FactorLibrary:
    """The packaged releases plus the workspace's own factor releases: those registered in its
    metadata store, so a folder a crashed write left behind is never read."""
    return FactorLibrary([packaged_dir(), *workspace.factor_release_folders()])


def workspace_inputs(workspace: Workspace, period: str | None = None) -> RunInputs:
    """The inputs of every registered method's kind and the reference tables, gathered once."""
    return gather_inputs(workspace, [m.kind for m in registered_methods()], period)


def workspace_policy(config: WorkspaceConfig, strict: bool = False) -> SelectionPolicy:
    """The factor selection policy a workspace's settings make (proxies, later years, GWP
    mixing); every calculation of the workspace, whole run or one record, selects under it."""
    return SelectionPolicy(
        strict=strict,
        proxy_regions=tuple(config.proxy_regions),
        later_years=config.later_year_factors,
        fuel_proxy_regions=tuple(config.fuel_proxy_regions),
        co2e_gwp_set=config.gwp_set if config.gwp_mixing == "refuse" else None,
    )


def prepare(
    workspace: Workspace,
    period: str | None = None,
    engine: str = "duckdb",
    memory_limit: str | None = None,
    strict: bool = False,
    methods: Sequence[Method] | None = None,
) -> RunSetup:
    """Gather the inputs and write the run's manifest (its fingerprint is the run id)."""
    config = workspace.config
    library = workspace_library(workspace)
    policy = workspace_policy(config, strict)
    chosen = tuple(methods) if methods is not None else registered_methods()
    inputs = gather_inputs(workspace, [m.kind for m in chosen], period)
    carried = {
        lock.period: workspace.ledger_files(workspace.get_run(lock.run_id))
        for lock in current_locks(workspace)
        if lock.run_id and (period is None or lock.period.startswith(period))
    }
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
            "fuel_proxy_regions": list(config.fuel_proxy_regions),
            "gwp_mixing": config.gwp_mixing,
            "locked_periods": {
                lock.period: lock.run_id
                for lock in current_locks(workspace)
                if lock.period in carried
            },
            "later_year_factors": config.later_year_factors,
        },
    )
    return RunSetup(
        run_id=manifest.fingerprint(),
        manifest=manifest,
        methods=chosen,
        inputs=inputs,
        context=FactorContext(library, config.gwp_set, policy),
        engine=engine,
        memory_limit=memory_limit,
        carried=carried,
    )


def check(setup: RunSetup) -> None:
    """Check, before running, that every method with input has what its spec requires (see
    :func:`check_inputs`)."""
    check_inputs(setup.methods, setup.inputs)


def check_inputs(methods: Sequence[Method], inputs: RunInputs) -> None:
    """Check that every method with input has its spec's reference tables and that its
    in-memory input tables have the spec's required columns (stored batches have them by
    their schema).

    Raises
    ------
    CarbonLedgerError
        Naming the method and what is missing.
    """
    for method in methods:
        batches = inputs.batches.get(method.kind)
        if not batches:
            continue
        missing = [k for k in method.references if k not in inputs.references]
        if missing:
            raise CarbonLedgerError(
                f"{method.name} reads {method.kind} and needs {', '.join(missing)}: "
                "import them first"
            )
        for batch_id, source in batches:
            if isinstance(source, pa.Table):
                absent = [c for c in method.spec.required if c not in source.column_names]
                if absent:
                    raise CarbonLedgerError(
                        f"{method.name}: the {method.kind} table {batch_id!r} has no column "
                        f"{', '.join(absent)} (its spec requires {', '.join(method.spec.required)})"
                    )


def build(setup: RunSetup, engine: RelationalEngine) -> LedgerPlan:
    """The ledger plan of a run on a relational engine (one ordered part per method)."""
    return relational_ledger(engine, setup.methods, setup.inputs, setup.context, setup.run_id)


def execute(setup: RunSetup, staging: Callable[[], Path]) -> tuple[list[Path], dict[str, Any]]:
    """Compute the ledger into fresh files from ``staging``: its ordered part files and the
    methods' reports. The rows of the locked periods the run covers are their signed-off
    runs' (:attr:`RunSetup.carried`)."""
    if not setup.carried:
        return _compute(setup, staging)
    computed, reports = _compute(setup, staging)
    try:
        return carry_locked_periods(computed, setup.carried, staging), reports
    finally:
        for path in computed:
            path.unlink(missing_ok=True)


def carry_locked_periods(
    computed: list[Path], carried: dict[str, list[Path]], staging: Callable[[], Path]
) -> list[Path]:
    """The ``computed`` parts without the rows of the locked periods, then, for each locked
    period, its rows from its signed-off ledger: new part files, written batch by batch (memory
    stays bounded)."""
    periods = sorted(carried)
    schema = pq.read_schema(computed[0])

    def copy(sources: list[Path], keep: Callable[[pa.RecordBatch], pa.Array]) -> Path:
        target = staging()
        with pq.ParquetWriter(target, schema, compression="zstd") as writer:
            for source in sources:
                for batch in pq.ParquetFile(source).iter_batches():
                    kept = batch.filter(keep(batch))
                    columns = [kept.column(f.name).cast(f.type) for f in schema]
                    writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))
        return target

    def unlocked(batch: pa.RecordBatch) -> pa.Array:
        mask = pa.array([True] * batch.num_rows)
        for period in periods:
            mask = pc.and_(mask, pc.invert(pc.starts_with(batch.column("period"), period)))
        return mask

    def of_period(period: str) -> Callable[[pa.RecordBatch], pa.Array]:
        return lambda batch: pc.starts_with(batch.column("period"), period)

    parts = [copy([part], unlocked) for part in computed]
    parts += [copy(carried[period], of_period(period)) for period in periods]
    return parts


def _compute(setup: RunSetup, staging: Callable[[], Path]) -> tuple[list[Path], dict[str, Any]]:
    if setup.engine == "reference":
        table = reference_ledger(setup.methods, setup.inputs, setup.context, setup.run_id)
        path = staging()
        path.write_bytes(parquet_bytes(table))
        return [path], {}
    spill = staging().with_suffix(".spill")
    options: dict[str, Any] = {}
    if setup.engine == "duckdb":  # spill inside the staging folder: swept if the process dies
        options["temp_directory"] = spill
        if setup.memory_limit:
            options["memory_limit"] = setup.memory_limit
    engine = get_engine(setup.engine, **options)
    try:
        assert isinstance(engine, RelationalEngine)
        plan = build(setup, engine)
        if not plan.parts:
            empty = staging()
            empty.write_bytes(parquet_bytes(ledger_schema().empty_table()))
            return [empty], plan.reports
        paths = engine.write_parts(plan.parts, staging)
    finally:
        engine.close()
        shutil.rmtree(spill, ignore_errors=True)
    return paths, plan.reports


def store(
    workspace: Workspace, setup: RunSetup, staged: list[Path], reports: dict[str, Any]
) -> CalculationResult:
    """Register the staged ledger parts and the manifest through the workspace's write path."""
    manifest = setup.manifest
    run, created = workspace.store_run(
        staged,
        {
            "run_id": setup.run_id,
            "created_at": manifest.created_at,
            "period": setup.inputs.period,
            "engine": setup.engine,
            "gwp_set": setup.context.gwp_set,
            "manifest": {**json.loads(manifest.to_json()), "reports": reports},
        },
    )
    return CalculationResult(run, created)


def calculate(
    workspace: Workspace,
    period: str | None = None,
    engine: str = "duckdb",
    memory_limit: str | None = None,
    strict: bool = False,
) -> CalculationResult:
    """Run every registered method over the imported batches and store the emission ledger.

    The run id is the fingerprint of the run manifest (input batch hashes, factor releases and
    their table hashes, GWP set, options, library versions), so the same inputs give the same
    run; the ledger is written in a fixed order, so they also give the same bytes. A locked
    period's calculation is its signed-off run.

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
    if period:
        try:
            check_period(period)
        except ValueError as exc:
            raise CarbonLedgerError(str(exc)) from None
    if period and (lock := covering_lock(workspace, period)) and lock.run_id:
        return CalculationResult(workspace.get_run(lock.run_id), False)
    setup = prepare(workspace, period, engine, memory_limit, strict)
    if existing := next((r for r in workspace.runs() if r.run_id == setup.run_id), None):
        return CalculationResult(existing, False)
    check(setup)
    staged, reports = execute(setup, workspace.staging_path)
    return store(workspace, setup, staged, reports)


def _table_hash(table: pa.Table) -> str:
    return sha256_bytes(parquet_bytes(table))


def _digest(tables: dict[str, str]) -> str:
    return sha256_bytes(json.dumps(tables, sort_keys=True).encode())[:16]
