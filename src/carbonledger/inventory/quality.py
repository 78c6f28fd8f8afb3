"""Data quality of every ledger row: its class and its pedigree scores.

The pedigree scores (reliability, completeness, temporal, geographical, technological; 1 best
to 5 worst) come from what each row records, by the rules in ``inventory/pedigree.yaml``.
:func:`pedigree_sql` gives them as SQL expressions, so any aggregation can weigh them by CO2e;
:func:`quality_by` totals them by a dimension with the primary-data share (rows whose activity
was measured or calculated from the organisation's own records).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa
import yaml

from carbonledger.errors import CarbonLedgerError
from carbonledger.inventory.ledger_sql import LedgerSource, ledger_connection, summed_source
from carbonledger.inventory.totals import DIMENSIONS

__all__ = ["INDICATORS", "PRIMARY", "pedigree_rules", "pedigree_sql", "quality_by"]

#: Pedigree indicators, in the order of the matrix.
INDICATORS = ("reliability", "completeness", "temporal", "geographical", "technological")
#: Data-quality classes that count as primary data.
PRIMARY = ("measured", "calculated")
_WORST = 5


@cache
def pedigree_rules() -> dict[str, Any]:
    """The scoring rules (``inventory/pedigree.yaml``)."""
    path = resources.files("carbonledger.inventory").joinpath("pedigree.yaml")
    rules: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return rules


#: The ledger rows a quality table weighs (``?``: scope 2 basis, then the period twice).
_FILTER = (
    "status = 'active' AND NOT biogenic AND (scope2_basis IS NULL OR scope2_basis = ?) "
    "AND (CAST(? AS VARCHAR) IS NULL OR starts_with(period, ?))"
)


def pedigree_sql(indicator: str, alias: str = "l") -> str:
    """A SQL expression scoring one indicator on a ledger row (``alias`` is its table)."""
    rule = pedigree_rules()[indicator]
    column = f"{alias}.{rule['column']}"
    if "bounds" in rule:
        cases = " ".join(f"WHEN abs({column}) <= {b} THEN {s}" for b, s in rule["bounds"])
        return f"(CASE WHEN {column} IS NULL THEN 1 {cases} ELSE {_WORST} END)"
    cases = " ".join(f"WHEN {column} = '{value}' THEN {s}" for value, s in rule["scores"].items())
    return f"(CASE {cases} ELSE {rule.get('default', _WORST)} END)"


def quality_by(
    ledger: LedgerSource,
    dimension: str,
    shares: pa.Table | None = None,
    period: str | None = None,
    basis: str = "location",
) -> list[dict[str, Any]]:
    """CO2e-weighted pedigree scores and primary-data share by a dimension [t CO2e, 1-5]."""
    if dimension not in DIMENSIONS:
        raise CarbonLedgerError(f"cannot group by {dimension!r}; dimensions: {list(DIMENSIONS)}")
    column = DIMENSIONS[dimension]
    con = ledger_connection(ledger)
    try:
        keys = dict.fromkeys([column, *(rule["column"] for rule in pedigree_rules().values())])
        source, weight = summed_source(con, shares, list(keys), _FILTER)
        scores = ", ".join(
            f"sum(l.co2e * {weight} * {pedigree_sql(i)}) / nullif(sum(l.co2e * {weight}), 0) AS {i}"
            for i in INDICATORS
        )
        primary = ", ".join(f"'{p}'" for p in PRIMARY)
        return (
            con.sql(
                f"""
            SELECT l.{column} AS {dimension}, sum(l.co2e * {weight}) / 1000 AS co2e,
                   coalesce(sum(l.co2e * {weight}) FILTER (WHERE l.data_quality IN ({primary})), 0)
                       / nullif(sum(l.co2e * {weight}), 0) AS primary_share,
                   {scores}
            FROM {source}
            GROUP BY ALL ORDER BY co2e DESC
            """,
                params=[basis, period, period],
            )
            .to_arrow_table()
            .to_pylist()
        )
    finally:
        con.close()
