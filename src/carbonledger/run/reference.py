"""The reference engine: the ledger computed row by row in plain Python.

Factor selection here is :func:`carbonledger.methods.reference.reference_select`, written
independently of the relational selection, so the relational engines can be checked against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from carbonledger.errors import CarbonLedgerError
from carbonledger.methods import FactorContext, Method
from carbonledger.methods.base import Derivation
from carbonledger.methods.hybrid import reference_supersede
from carbonledger.methods.reference import reference_apply
from carbonledger.run.inputs import RunInputs
from carbonledger.run.plan import LEDGER_ORDER, LINE_PROBLEMS, covering_methods, ledger_schema

__all__ = ["reference_ledger"]


def reference_ledger(
    methods: Sequence[Method], inputs: RunInputs, context: FactorContext, run_id: str
) -> pa.Table:
    """The ledger computed row by row in plain Python (the reference engine): every method's
    lines, then the hybrid pass, then factors."""
    references = {k: v.to_pylist() for k, v in inputs.references.items()}
    covering = covering_methods(inputs)
    planned: list[tuple[Method, list[dict[str, Any]], dict[str, Any]]] = []
    presence: set[tuple[str, str, str]] = set()
    for method in methods:
        records = []
        for batch_id, source in inputs.batches.get(method.kind, []):
            table = source if isinstance(source, pa.Table) else pq.read_table(source)
            for record in table.to_pylist():
                if inputs.period and not record["period"].startswith(inputs.period):
                    continue
                records.append({**record, "batch_id": batch_id})
        if not records:
            continue
        distinct = {
            c: sorted({r[c] for r in records}, key=lambda v: (v is None, str(v)))
            for c in method.distinct_columns
        }
        derived = method.derived_references(Derivation(distinct, context, inputs.references))
        refs = {
            **references,
            **{k: v.to_pylist() for k, v in derived.items()},
            method.kind: records,
        }
        lines = [line for record in records for line in method.reference_lines(record, refs)]
        if method.name in covering:
            presence |= {(ln["method"], ln["entity_id"], ln["period"]) for ln in lines}
        planned.append((method, lines, refs))
    rows: list[dict[str, Any]] = []
    for method, lines, refs in planned:
        _check_lines(method, lines)
        for line in lines:
            if method.spec.hybrid == "covered":
                line = reference_supersede(line, presence)
            rows += reference_apply(line, method, context, run_id, refs)
    rows.sort(key=lambda r: tuple("" if r[c] is None else r[c] for c in LEDGER_ORDER))
    return pa.Table.from_pylist(rows, schema=ledger_schema())


def _check_lines(method: Method, lines: list[dict[str, Any]]) -> None:
    """The checks :func:`~carbonledger.run.plan.scan_requests` makes, on plain-Python lines:
    lines no factor can serve stop the run, naming the rule, the count and one record."""
    rules = (
        (lambda ln: ln["region"] is None, LINE_PROBLEMS["region"]),
        (lambda ln: ln["activity_key"] is None, LINE_PROBLEMS["activity_key"]),
        (lambda ln: ln["quantity"] is None, LINE_PROBLEMS["amount"]),
        (lambda ln: ln["quantity"] is not None and ln["quantity"] < 0, LINE_PROBLEMS["negative"]),
    )
    for broken, reason in rules:
        bad = [ln for ln in lines if broken(ln)]
        if bad:
            raise CarbonLedgerError(
                f"{method.name}: {len(bad)} record(s) {reason}, e.g. {bad[0]['record_id']} "
                f"(batch {str(bad[0]['batch_id'])[:12]})"
            )
