"""Calculation runs: activity batches through the methods to one emission ledger.

The steps, each public:

1. :func:`relational_ledger` builds, per method, the activity lines (an Ibis plan over the
   batches' Parquet files), checks them (:func:`check_lines`), resolves the distinct factor
   requests through the factor library, and joins them back (:func:`apply_factors`); the union
   of all methods, ordered, is the ledger expression the engine executes.
2. :func:`reference_ledger` does the same row by row in plain Python, from the methods'
   independent ``reference_lines`` and a plain-Python factor selection, as the oracle the
   relational engines are checked against.

Inputs are tables and paths, never a workspace: :mod:`carbonledger.pipeline` gathers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from carbonledger.errors import CarbonLedgerError
from carbonledger.methods import FactorContext, Method, apply_factors
from carbonledger.methods.base import REQUEST_KEYS
from carbonledger.schema import get_table_schema

__all__ = [
    "LEDGER_ORDER",
    "CalculationInputs",
    "LedgerPlan",
    "check_lines",
    "ledger_schema",
    "reference_ledger",
    "relational_ledger",
]

#: Sort order of ledger rows, which makes the same inputs give the same bytes.
LEDGER_ORDER = ("batch_id", "record_id", "method", "line", "scope2_basis", "stage", "gas")


def ledger_schema() -> pa.Schema:
    """Arrow schema of the emission ledger (``schema/tables/ledger.yaml``)."""
    return get_table_schema("ledger").arrow_schema()


@dataclass
class CalculationInputs:
    """What a run reads.

    Attributes
    ----------
    batches : dict of str to list of (str, Path)
        For each activity kind, its batches as ``(batch_id, parquet path)``.
    references : dict of str to pyarrow.Table
        Reference tables by kind (facilities, entities, prices, mappings ...).
    period : str, optional
        ``YYYY`` or ``YYYY-MM``: only activity of that period.
    """

    batches: dict[str, list[tuple[str, Path]]]
    references: dict[str, pa.Table] = field(default_factory=dict)
    period: str | None = None


@dataclass
class LedgerPlan:
    """The ledger expression and the findings methods reported while planning it."""

    expression: Any
    reports: dict[str, Any] = field(default_factory=dict)


def _distinct(engine: Any, activity: Any, columns: Sequence[str]) -> dict[str, list[Any]]:
    return {c: engine.to_arrow(activity.select(c).distinct())[c].to_pylist() for c in columns}


def check_lines(engine: Any, lines: Any, method: Method) -> None:
    """Stop the run on lines no factor can serve: unknown references, no key, negative amounts.

    Raises
    ------
    CarbonLedgerError
        Naming up to five offending records (batch and record id) and the rule.
    """
    problems = (
        (lines.region.isnull(), "refers to a facility or entity that is not defined"),
        (lines.activity_key.isnull(), "has no activity key (e.g. a spend line no mapping covers)"),
        (lines.quantity.isnull(), "has no amount (or no price or rate to estimate it)"),
        (lines.quantity < 0, "gives a negative amount (e.g. a negative mass balance)"),
    )
    for condition, reason in problems:
        bad = engine.to_arrow(lines.filter(condition).select("batch_id", "record_id").limit(5))
        if bad.num_rows:
            listed = ", ".join(
                f"{r['record_id']} (batch {r['batch_id'][:12]})" for r in bad.to_pylist()
            )
            raise CarbonLedgerError(f"{method.name}: record(s) {listed} {reason}")


def relational_ledger(
    engine: Any,
    methods: Sequence[Method],
    inputs: CalculationInputs,
    context: FactorContext,
    run_id: str,
) -> LedgerPlan:
    """The ledger as one Ibis expression (``None`` when no method has input), with reports.

    Parameters
    ----------
    engine : RelationalEngine
        Executes the small steps (distinct values, checks, requests) and will run the result.
    methods : sequence of Method
    inputs : CalculationInputs
    context : FactorContext
    run_id : str
        Written on every row.
    """
    parts = []
    reports: dict[str, Any] = {}
    for method in methods:
        batches = inputs.batches.get(method.kind, [])
        if not batches:
            continue
        activity = (
            ibis.union(
                *[
                    engine.read_parquet([path]).mutate(batch_id=ibis.literal(batch_id))
                    for batch_id, path in batches
                ]
            )
            if len(batches) > 1
            else engine.read_parquet([batches[0][1]]).mutate(batch_id=ibis.literal(batches[0][0]))
        )
        if inputs.period:
            activity = activity.filter(activity.period.startswith(inputs.period))
        references = {k: v for k, v in inputs.references.items() if k in method.references}
        missing = [k for k in method.references if k not in references]
        if missing:
            raise CarbonLedgerError(f"{method.name} needs {missing}: import them first")
        derived = method.derived_references(
            _distinct(engine, activity, method.distinct_columns), context, references
        )
        tables = {k: engine.table(v) for k, v in {**references, **derived}.items()}
        lines = method.lines(activity, tables)
        check_lines(engine, lines, method)
        if report := method.report(engine, activity, tables):
            reports[method.name] = report
        requests = engine.to_arrow(lines.select(*REQUEST_KEYS).distinct())
        if not requests.num_rows:
            continue
        resolved = method.resolve(requests, context, {**references, **derived})
        parts.append(apply_factors(lines, engine.table(resolved), run_id))
    if not parts:
        return LedgerPlan(None, reports)
    ledger = ibis.union(*parts) if len(parts) > 1 else parts[0]
    return LedgerPlan(ledger.order_by(list(LEDGER_ORDER)), reports)


def reference_ledger(
    methods: Sequence[Method], inputs: CalculationInputs, context: FactorContext, run_id: str
) -> pa.Table:
    """The ledger computed row by row in plain Python (the reference engine).

    Factor selection here is :func:`carbonledger.methods.reference.reference_select`, written
    independently of the relational selection.
    """
    import pyarrow.parquet as pq

    from carbonledger.methods.reference import reference_apply

    references = {k: v.to_pylist() for k, v in inputs.references.items()}
    rows: list[dict[str, Any]] = []
    for method in methods:
        records = []
        for batch_id, path in inputs.batches.get(method.kind, []):
            for record in pq.read_table(path).to_pylist():
                if inputs.period and not record["period"].startswith(inputs.period):
                    continue
                records.append({**record, "batch_id": batch_id})
        if not records:
            continue
        distinct = {
            c: sorted({r[c] for r in records}, key=lambda v: (v is None, str(v)))
            for c in method.distinct_columns
        }
        derived = method.derived_references(distinct, context, inputs.references)
        refs = {
            **references,
            **{k: v.to_pylist() for k, v in derived.items()},
            method.kind: records,
        }
        for record in records:
            for line in method.reference_lines(record, refs):
                rows += reference_apply(line, method, context, run_id, refs)
    rows.sort(key=lambda r: tuple("" if r[c] is None else r[c] for c in LEDGER_ORDER))
    return pa.Table.from_pylist(rows, schema=ledger_schema())
