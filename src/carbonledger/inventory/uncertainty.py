"""Data quality and Monte Carlo uncertainty of an inventory.

Every active ledger row carries a data-quality class (measured, calculated, estimated,
spend-based) and a factor match level; ``inventory/uncertainty.yaml`` turns them into lognormal
uncertainties of the activity and of the factor. Rows are summed into groups that share a
factor, a data-quality class and a scope; the propagation then draws, with one seeded
generator and in whole arrays:

- one multiplier per factor, shared by every group using it (an error in a factor is the same
  wherever it is used);
- one multiplier per group for its activity data (treated as correlated within the group, which
  is conservative: independent record errors would partly cancel).

Totals per scope (scope 2 on both bases) and for the whole inventory come with the mean, the
2.5 and 97.5 percentiles, and the primary-data share (measured or calculated rows) of each;
the pedigree scores are :mod:`carbonledger.inventory.quality`'s.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from statistics import NormalDist
from typing import Any

import numpy as np
import pyarrow as pa
import yaml

from carbonledger.errors import CarbonLedgerError
from carbonledger.inventory.ledger_sql import LedgerSource, ledger_connection, summed_source
from carbonledger.inventory.quality import PRIMARY
from carbonledger.options import DEFAULT_SAMPLES

__all__ = ["CONFIDENCE", "DEFAULT_SAMPLES", "uncertainty", "uncertainty_defaults"]

#: Confidence level of the reported intervals.
CONFIDENCE = 0.95
_Z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / 2)
_PERCENTILES = (50 * (1 - CONFIDENCE), 100 - 50 * (1 - CONFIDENCE))


@cache
def uncertainty_defaults() -> dict[str, Any]:
    """The default uncertainties (``inventory/uncertainty.yaml``)."""
    path = resources.files("carbonledger.inventory").joinpath("uncertainty.yaml")
    defaults: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return defaults


def _sigma(relative: np.ndarray) -> np.ndarray:
    return np.log1p(relative) / _Z


def _multipliers(rng: np.random.Generator, sigma: np.ndarray, samples: int) -> np.ndarray:
    """Mean-one lognormal draws, one row per sigma [dimensionless]."""
    normal = rng.standard_normal((len(sigma), samples))
    return np.exp(sigma[:, None] * normal - sigma[:, None] ** 2 / 2)


_GROUPS_SQL = """
    SELECT CASE WHEN scope = 2 THEN '2 ' || scope2_basis ELSE CAST(scope AS VARCHAR) END AS part,
           factor_id, data_quality, match_level, method = 'spend_eeio' AS spend,
           sum(co2e * {weight}) / 1000 AS co2e
    FROM {source}
    GROUP BY ALL ORDER BY ALL
"""
_GROUP_KEYS = ("scope", "scope2_basis", "factor_id", "data_quality", "match_level", "method")
_FILTER = (
    "status = 'active' AND NOT biogenic AND (CAST(? AS VARCHAR) IS NULL OR starts_with(period, ?))"
)


def _groups(ledger: LedgerSource, shares: pa.Table | None, period: str | None) -> list[dict]:
    con = ledger_connection(ledger)
    try:
        source, weight = summed_source(con, shares, _GROUP_KEYS, _FILTER)
        sql = _GROUPS_SQL.format(weight=weight, source=source)
        return con.sql(sql, params=[period, period]).to_arrow_table().to_pylist()
    finally:
        con.close()


def uncertainty(
    ledger: LedgerSource,
    shares: pa.Table | None = None,
    period: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    defaults: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """95 % intervals of each scope and of the total [t CO2e].

    Parameters
    ----------
    ledger : Path, list of Path or pyarrow.Table
    shares : pyarrow.Table, optional
        Consolidation shares (``entity_id``, ``share``).
    period : str, optional
    samples : int
        Monte Carlo draws.
    seed : int
        Seed of the generator: the same seed gives the same intervals.
    defaults : dict, optional
        Uncertainties in the form of :func:`uncertainty_defaults` (default: those).

    Returns
    -------
    list of dict
        Per part (``1``, ``2 location``, ``2 market``, ``3``, ``total location``,
        ``total market``): ``co2e`` (point estimate), ``mean``, ``low``, ``high`` (2.5 and
        97.5 percentiles), ``relative_low``/``relative_high`` [fraction of the point estimate],
        and ``primary_share``.

    Raises
    ------
    CarbonLedgerError
        For a data-quality class or match level without a default.
    """
    spec = defaults or uncertainty_defaults()
    groups = [g for g in _groups(ledger, shares, period) if g["co2e"]]
    if not groups:
        return []
    try:
        activity_u = np.array([spec["activity"][g["data_quality"]] for g in groups])
        factor_u = np.array(
            [
                spec["spend_factor"] if g["spend"] else spec["factor"][g["match_level"]]
                for g in groups
            ]
        )
    except KeyError as exc:
        raise CarbonLedgerError(
            f"no default uncertainty for {exc}; add it to the defaults"
        ) from None
    rng = np.random.default_rng(seed)
    factors = {f: i for i, f in enumerate(sorted({g["factor_id"] for g in groups}))}
    factor_index = np.array([factors[g["factor_id"]] for g in groups])
    first_use: dict[str, int] = {}
    for i, group in enumerate(groups):  # a factor's uncertainty is that of its first group
        first_use.setdefault(group["factor_id"], i)
    factor_sigma = _sigma(factor_u[[first_use[f] for f in factors]])
    draws = (
        np.array([g["co2e"] for g in groups])[:, None]
        * _multipliers(rng, _sigma(activity_u), samples)
        * _multipliers(rng, factor_sigma, samples)[factor_index]
    )
    parts = sorted({g["part"] for g in groups})
    selections = {part: [g["part"] == part for g in groups] for part in parts}
    for basis in ("location", "market"):
        selections[f"total {basis}"] = [g["part"] in ("1", "3", f"2 {basis}") for g in groups]
    return [_summary(name, groups, np.array(mask), draws) for name, mask in selections.items()]


def _summary(name: str, groups: list[dict], mask: np.ndarray, draws: np.ndarray) -> dict[str, Any]:
    chosen = [g for g, keep in zip(groups, mask, strict=True) if keep]
    point = sum(g["co2e"] for g in chosen)
    totals = draws[mask].sum(axis=0)
    low, high = np.percentile(totals, _PERCENTILES)
    primary = sum(g["co2e"] for g in chosen if g["data_quality"] in PRIMARY)
    return {
        "part": name,
        "co2e": point,
        "mean": float(totals.mean()),
        "low": float(low),
        "high": float(high),
        "relative_low": float(low / point - 1) if point else None,
        "relative_high": float(high / point - 1) if point else None,
        "primary_share": primary / point if point else None,
    }
