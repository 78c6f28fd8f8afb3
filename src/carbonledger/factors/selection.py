"""Choose the best factor for each activity row by an explicit, recorded policy.

For every request (activity key, region, year, unit, optional heating-value basis) selection
considers the factors of the same key whose unit has the same dimension, then ranks them:

1. **stage**, in the order the policy prefers (a method that wants combustion-only factors says
   so; a lifecycle factor is used only where the policy lists it);
2. **region**: exact region, then its parent region (e.g. a Chinese regional grid), then the
   country, then ``WORLD``, then the proxy regions the policy names, in the policy's order;
3. **year**: the factor's year equal to the activity's, else the nearest earlier year; a later
   year only under the explicit ``later_years`` policy, and only where no earlier factor exists
   at any region level (recorded as a negative year gap);
4. **release**, in the policy's priority order, then the newest release.

Each chosen row records ``match_level`` (exact / parent / country / world / proxy) and
``year_gap``. In strict mode only exact-region, same-year factors are accepted. An energy
request without a heating-value basis takes a factor's basis where the factor's release
publishes the key on that one basis only (EPA: HHV), never where it publishes both (DESNZ gross
and net CV). When nothing qualifies, ``missing`` says for each request which part of it (region,
unit, basis, stage, year, release) ruled out the factors of its key. The whole
selection is one relational join (DuckDB), never a Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from carbonledger.engine import sql_connection
from carbonledger.errors import FactorNotFoundError, UnitError
from carbonledger.factors.regions import MatchLevel, region_chain
from carbonledger.units import dimension_key, gwp_set_name

__all__ = [
    "DEFAULT_STAGE_ORDER",
    "Selection",
    "SelectionPolicy",
    "key_aliases",
    "not_found",
    "select_factors",
]

#: Stage preference when a policy names none: direct stages first, lifecycle and upstream last.
DEFAULT_STAGE_ORDER: tuple[str, ...] = (
    "combustion",
    "generation",
    "fugitive",
    "cradle_to_shelf",
    "cradle_to_gate",
    "end_of_life",
    "operational",
    "upstream",
    "lifecycle",
    "wtt",
    "td",
    "vehicle",
    "outside_of_scopes",
)

REQUEST_COLUMNS = ("request_id", "activity_key", "region", "year", "unit")


@dataclass(frozen=True)
class SelectionPolicy:
    """How selection may fall back.

    Parameters
    ----------
    stages : tuple of str, optional
        Acceptable life-cycle stages in order of preference (default
        :data:`DEFAULT_STAGE_ORDER`).
    strict : bool, default False
        Accept only exact-region, same-year factors.
    max_year_gap : int, optional
        Refuse factors more than this many years older than the activity.
    proxy_regions : tuple of str
        Regions to use, in order, when nothing is found up to ``WORLD`` (recorded as
        ``proxy``). Empty by default: no proxy is ever used unless named.
    releases : tuple of str, optional
        Releases allowed, in priority order (default: all, newest year first).
    later_years : bool, default False
        Where no factor of the activity's year or earlier qualifies at any region level, take
        the nearest later one (e.g. for a base year older than every release); recorded with a
        negative ``year_gap``. Off by default: a later year is never used unless asked.
    fuel_proxy_regions : tuple of str
        Regions whose combustion factors stand in for fuels burnt where none is published,
        after ``proxy_regions``; only methods whose spec says ``fuel`` use them (the workspace
        setting ``fuel_proxy_regions``). Recorded as ``proxy`` like any other.
    co2e_gwp_set : str, optional
        When set, a factor published only as CO2e qualifies only if its GWP set is this one
        (the workspace policy ``gwp_mixing = "refuse"``); a factor with its gases always
        qualifies, since each gas takes the inventory's GWP. Default: any set, recorded on
        each row (``gwp_set``) and disclosed by the report.
    """

    stages: tuple[str, ...] | None = None
    strict: bool = False
    max_year_gap: int | None = None
    proxy_regions: tuple[str, ...] = ()
    releases: tuple[str, ...] | None = None
    later_years: bool = False
    fuel_proxy_regions: tuple[str, ...] = ()
    co2e_gwp_set: str | None = None


@dataclass(frozen=True)
class Selection:
    """The outcome of a selection.

    Attributes
    ----------
    matches : pyarrow.Table
        One row per request and gas of the chosen factor: ``request_id``, ``factor_id``,
        ``release_id``, ``activity_key``, ``factor_region``, ``factor_year``, ``factor_unit``,
        ``gas``, ``gwp_set``, ``value`` [kg gas / factor_unit], ``stage``, ``variant``,
        ``heating_value_basis``, ``match_level``, ``year_gap``.
    missing : pyarrow.Table
        Requests for which no factor qualifies (``request_id``, ``activity_key``, ``region``,
        ``year``, ``unit``, and for the first :data:`EXPLAINED` of them ``reason``: which
        part of the request ruled out the factors of its key).
    """

    matches: pa.Table
    missing: pa.Table

    def raise_if_missing(self) -> None:
        """Raise :class:`FactorNotFoundError` naming the first requests left without a factor."""
        if self.missing.num_rows:
            raise not_found(self.missing)


def not_found(missing: pa.Table, how_to_fix: str = "") -> FactorNotFoundError:
    """The error naming requests left without a factor (columns as ``Selection.missing``) and,
    if given, how to fix it."""
    rows = missing.slice(0, 5).to_pylist()
    listed = "; ".join(
        f"{r['activity_key']} in {r['region']} for {r['year']} per {r['unit']}"
        + (f" ({r['reason']})" if r.get("reason") else "")
        for r in rows
    )
    more = missing.num_rows - len(rows)
    return FactorNotFoundError(
        f"no factor under the selection policy for {missing.num_rows} request(s): {listed}"
        + (f" and {more} more" if more > 0 else "")
        + (f". To fix: {how_to_fix}" if how_to_fix else "")
    )


def _unit_dimensions(units: Sequence[str]) -> dict[str, str]:
    dimensions = {}
    for unit in set(units):
        try:
            dimensions[unit] = dimension_key(unit)
        except UnitError:
            raise UnitError(f"activity unit {unit!r} is not a unit of the registry") from None
    return dimensions


@cache
def alias_map() -> dict[str, tuple[str, ...]]:
    """Each requested key's publisher keys (``factors/aliases.yaml``), as a mapping."""
    grouped: dict[str, list[str]] = {}
    for pair in key_aliases().to_pylist():
        grouped.setdefault(pair["requested_key"], []).append(pair["activity_key"])
    return {k: tuple(v) for k, v in grouped.items()}


@cache
def key_aliases() -> pa.Table:
    """The alias table: ``requested_key`` -> ``activity_key`` (``factors/aliases.yaml``)."""
    text = resources.files("carbonledger.factors").joinpath("aliases.yaml").read_text("utf-8")
    mapping: dict[str, list[str]] = yaml.safe_load(text)
    pairs = [(canonical, key) for canonical, keys in mapping.items() for key in keys]
    return pa.table({"requested_key": [p[0] for p in pairs], "activity_key": [p[1] for p in pairs]})


def select_factors(requests: pa.Table, factors: pa.Table, policy: SelectionPolicy) -> Selection:
    """Select the best factor for each request.

    Parameters
    ----------
    requests : pyarrow.Table
        Columns ``request_id`` (int), ``activity_key``, ``region``, ``year`` (int), ``unit``
        and optionally ``heating_value_basis`` (``HHV``/``LHV`` for energy units; a factor
        with a basis is used only for a request stating the same basis).
    factors : pyarrow.Table
        The canonical factor table (see :func:`carbonledger.factors.table.factor_schema`).
    policy : SelectionPolicy

    Returns
    -------
    Selection
    """
    missing_columns = [c for c in REQUEST_COLUMNS if c not in requests.column_names]
    if missing_columns:
        raise ValueError(f"requests lack columns {missing_columns}")
    if "heating_value_basis" not in requests.column_names:
        requests = requests.append_column(
            "heating_value_basis", pa.nulls(requests.num_rows, pa.string())
        )
    distinct_units, inverse = np.unique(
        requests.column("unit").to_numpy(zero_copy_only=False).astype(str), return_inverse=True
    )
    dimensions = _unit_dimensions(list(distinct_units))
    dimension_of = np.array([dimensions[u] for u in distinct_units], dtype=object)
    requests = requests.append_column(
        "unit_dimension", pa.array(dimension_of[inverse], pa.string())
    )
    chain_rows = [
        (region, candidate, int(level), position)
        for region in pc.unique(requests.column("region")).to_pylist()
        for position, (candidate, level) in enumerate(region_chain(region, policy.proxy_regions))
    ]
    chain = pa.table(
        {
            "request_region": [r[0] for r in chain_rows],
            "candidate_region": [r[1] for r in chain_rows],
            "level": pa.array([r[2] for r in chain_rows], pa.int32()),
            "position": pa.array([r[3] for r in chain_rows], pa.int32()),
        }
    )
    stages = policy.stages or DEFAULT_STAGE_ORDER
    stage_rank = pa.table(
        {"stage": list(stages), "stage_rank": pa.array(np.arange(len(stages)), pa.int32())}
    )
    release_ids = sorted(set(factors.column("release_id").to_pylist()))
    allowed = list(policy.releases) if policy.releases is not None else release_ids
    release_rank = pa.table(
        {"release_id": allowed, "release_rank": pa.array(np.arange(len(allowed)), pa.int32())}
    )
    max_level = int(MatchLevel.EXACT) if policy.strict else int(MatchLevel.PROXY)
    max_gap = (
        0 if policy.strict else (policy.max_year_gap if policy.max_year_gap is not None else 10_000)
    )
    con = sql_connection()
    try:
        for name, table in (
            ("requests", requests),
            ("factors", factors),
            ("chain", chain),
            ("stage_rank", stage_rank),
            ("release_rank", release_rank),
            ("aliases", key_aliases()),
        ):
            con.register(name, table)
        co2e_set = gwp_set_name(policy.co2e_gwp_set) if policy.co2e_gwp_set else None
        con.execute(
            _PICK_SQL,
            [policy.later_years and not policy.strict, max_level, max_gap, co2e_set, co2e_set],
        )
        matches = con.sql(_EXPAND_SQL.format(level_label=_LEVEL_LABEL)).to_arrow_table()
        missing = con.sql(_MISSING_SQL).to_arrow_table()
    finally:
        con.close()
    if missing.num_rows:
        missing = _with_reasons(missing, requests, factors, policy)
    return Selection(matches, missing)


#: How many requests left without a factor get a reason (each costs a scan of its key).
EXPLAINED = 5


def _with_reasons(
    missing: pa.Table, requests: pa.Table, factors: pa.Table, policy: SelectionPolicy
) -> pa.Table:
    """``missing`` with a ``reason`` for its first :data:`EXPLAINED` requests."""
    asked = {r["request_id"]: r for r in requests.to_pylist()}
    aliases = alias_map()
    reasons: list[str | None] = []
    for position, request_id in enumerate(missing["request_id"].to_pylist()):
        if position >= EXPLAINED:
            reasons.append(None)
            continue
        request = asked[request_id]
        keys = {request["activity_key"], *aliases.get(request["activity_key"], [])}
        mask = pc.is_in(factors["activity_key"], pa.array(sorted(keys), pa.string()))
        candidates = factors.filter(mask).to_pylist()
        reasons.append(ruled_out(request, candidates, policy))
    return missing.append_column("reason", pa.array(reasons, pa.string()))


def ruled_out(
    request: dict[str, object], candidates: list[dict[str, object]], policy: SelectionPolicy
) -> str:
    """Which part of a request (region, unit, basis, stage, year, release, GWP set) ruled out
    each factor of its key, counted by the first part each fails, in that order."""
    if not candidates:
        return f"no factor has the key {request['activity_key']}"
    region = str(request["region"])
    chain = {
        r
        for r, level in region_chain(region, policy.proxy_regions)
        if not policy.strict or level == MatchLevel.EXACT
    }
    dimension = dimension_key(str(request["unit"]))
    stages = policy.stages or DEFAULT_STAGE_ORDER
    year = int(request["year"])  # type: ignore[call-overload]
    basis = request.get("heating_value_basis")
    counts: dict[str, set[str]] = {}

    def fail(part: str, seen: str) -> None:
        counts.setdefault(part, set()).add(seen)

    for f in candidates:
        if f["region"] not in chain:
            fail("region", str(f["region"]))
        elif f["unit_dimension"] != dimension:
            fail("unit", f"per {f['unit']}")
        elif f["heating_value_basis"] != basis:
            fail("basis", str(f["heating_value_basis"] or "none"))
        elif f["stage"] not in stages:
            fail("stage", str(f["stage"]))
        elif int(f["year"]) > year and not policy.later_years:  # type: ignore[call-overload]
            fail("year", str(f["year"]))
        elif policy.releases is not None and f["release_id"] not in policy.releases:
            fail("release", str(f["release_id"]))
        else:
            fail("other (year gap, strict mode or GWP set)", str(f["release_id"]))
    explained = {
        "region": f"published for {{}}, not for {region} or the regions it falls back to",
        "unit": f"{{}}, not a quantity like {request['unit']}",
        "basis": f"heating-value basis {{}}, the request's is {basis or 'none'}",
        "stage": f"stage {{}}, not one of {', '.join(stages)}",
        "year": f"year {{}}, later than {year}",
        "release": "release {}, not among those allowed",
    }
    parts = [
        f"{part}: " + explained.get(part, "{}").format(", ".join(sorted(seen)[:6]))
        for part, seen in counts.items()
    ]
    return f"{len(candidates)} factor rows of the key, ruled out by " + "; ".join(parts)


_LEVEL_LABEL = (
    "CASE b.level "
    + " ".join(f"WHEN {int(level)} THEN '{level.label}'" for level in MatchLevel)
    + " END"
)


# A factor "group" is one published factor with all its gases: same release, key, region,
# year, stage, unit, basis and variant. "biogenic" marks a gas of a factor (the CO2 of burnt
# wood, outside the scopes), not a variant of it: the wood factor's CH4, N2O and biogenic CO2
# are one group. Ranking picks one group per request, then expands it.
_PICK_SQL = """
CREATE TEMP TABLE picked AS
WITH groups AS (
    SELECT release_id, activity_key, region, year, stage, unit, unit_dimension,
           heating_value_basis, nullif(variant, 'biogenic') AS variant,
           bool_and(gas = 'CO2e') AS co2e_only, max(gwp_set) AS co2e_gwp_set
    FROM factors
    GROUP BY ALL
),
-- A release that publishes a key's energy factors on one heating-value basis only (EPA: HHV)
-- makes it the default for a request that states none; one that publishes both (DESNZ gross
-- and net CV) leaves the request to say which.
sole_basis AS (
    SELECT release_id, activity_key, unit_dimension, any_value(heating_value_basis) AS basis
    FROM factors
    GROUP BY ALL
    HAVING count(DISTINCT coalesce(heating_value_basis, '')) = 1
       AND any_value(heating_value_basis) IS NOT NULL
),
-- Each group under the basis a request must state to match it, and once more, as a default,
-- under none where its basis is its release's only one: the join below stays one equality.
matchable AS (
    SELECT g.*, g.heating_value_basis AS match_basis, false AS default_basis FROM groups g
    UNION ALL
    SELECT g.*, NULL AS match_basis, true AS default_basis
    FROM groups g
    JOIN sole_basis sb ON sb.release_id = g.release_id AND sb.activity_key = g.activity_key
                       AND sb.unit_dimension = g.unit_dimension
                       AND sb.basis = g.heating_value_basis
),
lookup AS (
    SELECT activity_key AS requested_key, activity_key FROM (SELECT DISTINCT activity_key
                                                              FROM requests)
    UNION
    SELECT requested_key, activity_key FROM aliases
),
candidates AS (
    SELECT r.request_id, g.* EXCLUDE (match_basis), c.level, c.position,
           r.year - g.year AS year_gap, s.stage_rank, rr.release_rank
    FROM requests r
    JOIN lookup k ON k.requested_key = r.activity_key
    JOIN chain c ON c.request_region = r.region
    JOIN matchable g ON g.activity_key = k.activity_key AND g.region = c.candidate_region
                     AND g.unit_dimension = r.unit_dimension
                     AND g.match_basis IS NOT DISTINCT FROM r.heating_value_basis
    JOIN stage_rank s ON s.stage = g.stage
    JOIN release_rank rr ON rr.release_id = g.release_id
    WHERE (g.year <= r.year OR ?) AND c.level <= ? AND abs(r.year - g.year) <= ?
          AND (CAST(? AS VARCHAR) IS NULL OR NOT g.co2e_only OR g.co2e_gwp_set = ?)
),
ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY request_id
        ORDER BY stage_rank, year_gap < 0, position, abs(year_gap), default_basis,
                 release_rank, release_id DESC, variant NULLS FIRST
    ) AS pick
    FROM candidates
)
SELECT * EXCLUDE (pick, co2e_only, co2e_gwp_set, default_basis) FROM ranked WHERE pick = 1
"""

_EXPAND_SQL = """
SELECT b.request_id, f.factor_id, f.release_id, f.activity_key, f.region AS factor_region,
       f.year AS factor_year, f.unit AS factor_unit, f.gas, f.gwp_set,
       CAST(f.value AS DOUBLE) AS value, f.stage, f.variant, f.heating_value_basis,
       {level_label} AS match_level, CAST(b.year_gap AS INTEGER) AS year_gap
FROM picked b
JOIN factors f ON f.release_id = b.release_id AND f.activity_key = b.activity_key
              AND f.region = b.region AND f.year = b.year AND f.stage = b.stage
              AND f.unit = b.unit
              AND f.heating_value_basis IS NOT DISTINCT FROM b.heating_value_basis
              AND nullif(f.variant, 'biogenic') IS NOT DISTINCT FROM b.variant
ORDER BY b.request_id, f.gas
"""

_MISSING_SQL = """
SELECT request_id, activity_key, region, year, unit FROM requests
WHERE request_id NOT IN (SELECT request_id FROM picked)
ORDER BY request_id
"""
