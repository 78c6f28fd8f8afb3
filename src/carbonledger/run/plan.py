"""The plan of a calculation: activity batches through the methods to one emission ledger.

:func:`relational_ledger` builds, per method, the activity lines (an Ibis plan over the
batches' Parquet files), checks them and collects the distinct factor requests in one pass
(:func:`scan_requests`), resolves those requests through the factor library, and joins them
back (:func:`~carbonledger.methods.apply_factors`); the union of all methods, ordered, is the
ledger expression the engine executes. :mod:`carbonledger.run.reference` does the same row by
row in plain Python as the oracle the relational engines are checked against.

Inputs are tables and paths, never a workspace: :mod:`carbonledger.run.inputs` gathers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.operations as ops
import pyarrow as pa
import pyarrow.compute as pc

from carbonledger.errors import CarbonLedgerError
from carbonledger.methods import FactorContext, Method, apply_factors
from carbonledger.methods.base import REQUEST_KEYS, Derivation
from carbonledger.methods.hybrid import PRESENCE_SCHEMA, supersede
from carbonledger.run.inputs import RunInputs
from carbonledger.schema import get_table_schema

__all__ = [
    "LEDGER_ORDER",
    "LINE_PROBLEMS",
    "LedgerPlan",
    "covering_methods",
    "ledger_schema",
    "relational_ledger",
    "scan_requests",
]

#: Sort order of ledger rows, which makes the same inputs give the same bytes.
LEDGER_ORDER = ("batch_id", "record_id", "method", "line", "scope2_basis", "stage", "gas")


def ledger_schema() -> pa.Schema:
    """Arrow schema of the emission ledger (``schema/tables/ledger.yaml``)."""
    return get_table_schema("ledger").arrow_schema()


@dataclass
class LedgerPlan:
    """The ledger as ordered parts (one per method, in method order, each sorted by
    :data:`LEDGER_ORDER`) and the findings methods reported while planning them."""

    parts: list[Any] = field(default_factory=list)
    reports: dict[str, Any] = field(default_factory=dict)

    @property
    def expression(self) -> Any:
        """All parts as one expression (for small ledgers and tests); ``None`` when empty."""
        if not self.parts:
            return None
        return ibis.union(*self.parts) if len(self.parts) > 1 else self.parts[0]


#: Why lines no factor can serve stop a run (both engines say the same).
LINE_PROBLEMS = {
    "region": "refer to a facility or entity that is not defined",
    "activity_key": (
        "have no activity key (e.g. a spend line no mapping covers, a device model or package "
        "type its bill of materials does not list)"
    ),
    "amount": "have no amount (or no price or rate to estimate it)",
    "negative": "give a negative amount (e.g. a negative mass balance)",
}


def covering_methods(inputs: RunInputs) -> set[str]:
    """Methods the coverage map names as replacing spend lines (the hybrid model)."""
    coverage = inputs.references.get("spend_coverage")
    return set(coverage["method"].to_pylist()) if coverage is not None else set()


def _distinct(engine: Any, activity: Any, columns: Sequence[str]) -> dict[str, list[Any]]:
    """Each column's distinct values, from one scan of the distinct combinations (the
    columns a method derives tables from have few values each)."""
    if not columns:
        return {}
    combined = engine.to_arrow(activity.select(*columns).distinct())
    return {c: pc.unique(combined[c]).to_pylist() for c in columns}


def scan_requests(engine: Any, lines: Any, method: Method) -> pa.Table:
    """The distinct factor requests of the lines, checked in the same single pass.

    Lines no factor can serve stop the run: an unknown facility or entity (no region), no
    activity key (e.g. a spend line no mapping covers), no amount (or no price or rate to
    estimate it), or a negative amount (e.g. a negative mass balance).

    Raises
    ------
    CarbonLedgerError
        Naming the rule, how many records break it and one of them (batch and record id).
    """
    quantity = lines.quantity
    groups = engine.to_arrow(
        lines.group_by(list(REQUEST_KEYS)).aggregate(
            _missing=quantity.isnull().cast("int64").sum(),
            _negative=(quantity < 0).fill_null(False).cast("int64").sum(),
            _rows=lines.count(),
            _record=lines.record_id.arbitrary(),
            _batch=lines.batch_id.arbitrary(),
            _missing_record=lines.record_id.arbitrary(where=quantity.isnull()),
            _negative_record=lines.record_id.arbitrary(where=quantity < 0),
        )
    ).to_pylist()
    # (which groups break the rule, field counting the records, field naming one, reason)
    problems = (
        (
            lambda g: g["region"] is None,
            "_rows",
            "_record",
            LINE_PROBLEMS["region"],
        ),
        (
            lambda g: g["activity_key"] is None,
            "_rows",
            "_record",
            LINE_PROBLEMS["activity_key"],
        ),
        (
            lambda g: g["_missing"] > 0,
            "_missing",
            "_missing_record",
            LINE_PROBLEMS["amount"],
        ),
        (
            lambda g: g["_negative"] > 0,
            "_negative",
            "_negative_record",
            LINE_PROBLEMS["negative"],
        ),
    )
    for broken, count_field, sample_field, reason in problems:
        bad = [g for g in groups if broken(g)]
        if bad:
            count = sum(g[count_field] for g in bad)
            raise CarbonLedgerError(
                f"{method.name}: {count} record(s) {reason}, e.g. {bad[0][sample_field]} "
                f"(batch {bad[0]['_batch'][:12]})"
            )
    return pa.Table.from_pylist([{k: g[k] for k in REQUEST_KEYS} for g in groups])


def relational_ledger(
    engine: Any,
    methods: Sequence[Method],
    inputs: RunInputs,
    context: FactorContext,
    run_id: str,
) -> LedgerPlan:
    """The ledger as ordered Ibis parts, one per method with input, with the methods' reports.

    First every method plans its activity lines; then the hybrid pass marks the covered spend
    lines a process method has results for (:mod:`carbonledger.methods.hybrid`); then each
    part's factor requests are checked and resolved and the factors applied.

    Parameters
    ----------
    engine : RelationalEngine
        Executes the small steps (distinct values, checks, requests) and will run the result.
    methods : sequence of Method
    inputs : RunInputs
    context : FactorContext
    run_id : str
        Written on every row.
    """
    covering = covering_methods(inputs)
    planned = []
    presence: list[pa.Table] = []
    reports: dict[str, Any] = {}
    for method in methods:
        batches = inputs.batches.get(method.kind, [])
        if not batches:
            continue
        scans = [_batch(engine, source).mutate(batch_id=ibis.literal(b)) for b, source in batches]
        activity = ibis.union(*scans) if len(scans) > 1 else scans[0]
        if inputs.period:
            activity = activity.filter(activity.period.startswith(inputs.period))
        references = {k: v for k, v in inputs.references.items() if k in method.references}
        missing = [k for k in method.references if k not in references]
        if missing:
            raise CarbonLedgerError(f"{method.name} needs {missing}: import them first")
        distinct = _distinct(engine, activity, method.distinct_columns)
        derived = method.derived_references(Derivation(distinct, context, references))
        tables = {k: engine.table(v) for k, v in {**references, **derived}.items()}
        lines = method.lines(activity, tables)
        if method.name in covering:  # where this process method has results, for the hybrid
            presence.append(
                engine.to_arrow(lines.select("method", "entity_id", "period").distinct())
            )
        if report := method.report(engine, activity, tables):
            reports[method.name] = report
        planned.append((method, lines, {**references, **derived}))
    present = engine.table(
        pa.concat_tables([p.cast(PRESENCE_SCHEMA) for p in presence])
        if presence
        else PRESENCE_SCHEMA.empty_table()
    )
    parts = []
    for method, lines, references in planned:
        if method.spec.hybrid == "covered":
            lines = supersede(lines, present)
        requests = scan_requests(engine, lines, method)
        if not requests.num_rows:
            continue
        resolved = method.resolve(requests, context, references)
        ledger = apply_factors(lines, engine.table(resolved), run_id)
        parts.append(_typed(ledger).order_by(list(LEDGER_ORDER)))
    return LedgerPlan(parts, reports)


def _batch(engine: Any, source: Path | pa.Table) -> Any:
    """A batch as an engine table: a Parquet file scanned in place, or an in-memory table."""
    return engine.table(source) if isinstance(source, pa.Table) else engine.read_parquet([source])


def _typed(ledger: Any) -> Any:
    """The ledger columns cast to the ledger schema's types in the SQL itself.

    ``Value.cast`` skips a column Ibis already types as the target, but an integer literal
    Ibis types ``int64`` compiles to a bare ``2``, which DuckDB types ``INTEGER`` and Spark
    ``int``: parts would then disagree on a column's Parquet type (Spark refuses to read such
    a ledger). A :class:`~ibis.expr.operations.Cast` built directly is always compiled.
    """
    schema = ibis.Schema.from_pyarrow(ledger_schema())
    return ledger.select(
        **{name: ops.Cast(ledger[name], to=dtype).to_expr() for name, dtype in schema.items()}
    )
