"""A calculation as public steps, shaped like PyPSA's ``optimize``.

:func:`calculate` is :func:`prepare` (gather the inputs once, choose factors' policy, write the
manifest whose fingerprint is the run id) -> :func:`check` (every method's reference tables are
there) -> :func:`build` (the ledger plan, per method) -> :func:`execute` (the engine writes the
ordered ledger to a staged file) -> :func:`store` (the ledger and its manifest through the
workspace's write path). Callers may run the steps themselves, e.g. to look at a plan.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
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
    carried : dict of str to Path
        Locked periods the run covers, with the ledger of the run each was signed off with:
        their rows are that run's, never recomputed.
    """

    run_id: str
    manifest: RunManifest
    methods: tuple[Method, ...]
    inputs: RunInputs
    context: FactorContext
    engine: str
    memory_limit: str | None
    carried: dict[str, Path] = field(default_factory=dict)


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
        lock.period: workspace.ledger_path(workspace.get_run(lock.run_id))
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


def execute(setup: RunSetup, path: Path) -> tuple[int, dict[str, Any]]:
    """Compute the ledger into ``path``; its row count and the methods' reports. The rows of
    the locked periods the run covers are their signed-off runs' (:attr:`RunSetup.carried`)."""
    if not setup.carried:
        return _compute(setup, path)
    computed = path.with_name(f"{path.stem}.computed.parquet")
    try:
        _, reports = _compute(setup, computed)
        rows = carry_locked_periods(computed, setup.carried, path)
    finally:
        computed.unlink(missing_ok=True)
    return rows, reports


def carry_locked_periods(computed: Path, carried: dict[str, Path], path: Path) -> int:
    """Write ``computed`` into ``path`` with the rows of each locked period taken from its
    signed-off ledger instead, batch by batch (memory stays bounded); the row count."""
    periods = sorted(carried)

    def locked(batch: pa.RecordBatch) -> pa.Array:
        mask = pa.array([False] * batch.num_rows)
        for period in periods:
            mask = pc.or_(mask, pc.starts_with(batch.column("period"), period))
        return mask

    rows = 0
    schema = pq.read_schema(computed)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in pq.ParquetFile(computed).iter_batches():
            kept = batch.filter(pc.invert(locked(batch)))
            writer.write_batch(kept)
            rows += kept.num_rows
        for period in periods:
            for batch in pq.ParquetFile(carried[period]).iter_batches():
                signed = batch.filter(pc.starts_with(batch.column("period"), period))
                writer.write_batch(
                    pa.RecordBatch.from_arrays(
                        [signed.column(f.name).cast(f.type) for f in schema], schema=schema
                    )
                )
                rows += signed.num_rows
    return rows


def _compute(setup: RunSetup, path: Path) -> tuple[int, dict[str, Any]]:
    if setup.engine == "reference":
        table = reference_ledger(setup.methods, setup.inputs, setup.context, setup.run_id)
        path.write_bytes(parquet_bytes(table))
        return table.num_rows, {}
    options: dict[str, Any] = {}
    if setup.engine == "duckdb":  # spill beside the staged ledger: swept if the process dies
        options["temp_directory"] = path.parent / f"{path.stem}.spill"
        if setup.memory_limit:
            options["memory_limit"] = setup.memory_limit
    engine = get_engine(setup.engine, **options)
    try:
        assert isinstance(engine, RelationalEngine)
        plan = build(setup, engine)
        if not plan.parts:
            path.write_bytes(parquet_bytes(ledger_schema().empty_table()))
            return 0, plan.reports
        engine.write_ordered(plan.parts, path)
    finally:
        engine.close()
        if "temp_directory" in options:
            shutil.rmtree(options["temp_directory"], ignore_errors=True)
    return int(pq.ParquetFile(path).metadata.num_rows), plan.reports


def store(
    workspace: Workspace, setup: RunSetup, staged: Path, rows: int, reports: dict[str, Any]
) -> CalculationResult:
    """Register the staged ledger and the manifest through the workspace's write path."""
    manifest = setup.manifest
    run, created = workspace.store_run(
        staged,
        {
            "run_id": setup.run_id,
            "created_at": manifest.created_at,
            "period": setup.inputs.period,
            "engine": setup.engine,
            "gwp_set": setup.context.gwp_set,
            "rows": rows,
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
    staged = workspace.staging_path()
    try:
        rows, reports = execute(setup, staged)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return store(workspace, setup, staged, rows, reports)


def _table_hash(table: pa.Table) -> str:
    return sha256_bytes(parquet_bytes(table))


def _digest(tables: dict[str, str]) -> str:
    return sha256_bytes(json.dumps(tables, sort_keys=True).encode())[:16]
