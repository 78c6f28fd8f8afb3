"""What every method is, and the shared relational steps that turn activity lines into ledger rows.

A method maps its activity table to **activity lines**: one row per thing to multiply by a factor
(activity key, region, year, quantity, unit) plus where it belongs (entity, facility, period,
scope, category, basis, data quality). It does so twice, independently: as an Ibis expression
(:meth:`Method.lines`, run by the DuckDB or Spark engine) and as plain Python
(:meth:`Method.reference_lines`, run by the reference engine).

Factors are resolved once per distinct request (key, region, year, unit, basis), which is a
small table even for billions of records, through the same :func:`calculate_activity` that
``carbonledger estimate`` runs; :func:`apply_factors` then joins the lines to the resolved factors
and multiplies, as one relational plan.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import ibis
import pyarrow as pa

from carbonledger.engine import ibis_connection
from carbonledger.factors import FactorLibrary, SelectionPolicy
from carbonledger.factors.selection import not_found
from carbonledger.methods.activity import calculate_activity
from carbonledger.methods.spec import MethodSpec, method_spec

__all__ = [
    "LINE_SCHEMA",
    "NULL_INT",
    "NULL_STRING",
    "RESOLVED_SCHEMA",
    "Derivation",
    "FactorContext",
    "Method",
    "apply_factors",
    "classification",
    "entity_of",
    "entity_place",
    "facility_place",
    "latest_not_after",
    "period_year",
    "period_years",
    "reference_line",
    "resolve_requests",
    "table_place",
]

#: Columns of activity lines, as every method produces them.
LINE_SCHEMA = pa.schema(
    [
        ("batch_id", pa.string()),
        ("record_id", pa.string()),
        ("line", pa.int64()),
        ("method", pa.string()),
        ("entity_id", pa.string()),
        ("facility_id", pa.string()),
        ("business_unit", pa.string()),
        ("period", pa.string()),
        ("scope", pa.int64()),
        ("scope3_category", pa.int64()),
        ("iso_category", pa.int64()),
        ("scope2_basis", pa.string()),
        ("activity_key", pa.string()),
        ("region", pa.string()),
        ("year", pa.int64()),
        ("quantity", pa.float64()),
        ("unit", pa.string()),
        ("heating_value_basis", pa.string()),
        ("data_quality", pa.string()),
    ]
)

REQUEST_KEYS = ("activity_key", "region", "year", "unit", "heating_value_basis")

#: Columns of resolved factors: per request and gas, kg of gas and kg CO2e per activity unit.
RESOLVED_SCHEMA = pa.schema(
    [
        ("activity_key", pa.string()),
        ("region", pa.string()),
        ("year", pa.int64()),
        ("unit", pa.string()),
        ("heating_value_basis", pa.string()),
        ("gas", pa.string()),
        ("kg_per_unit", pa.float64()),
        ("co2e_per_unit", pa.float64()),
        ("biogenic", pa.bool_()),
        ("gwp_set", pa.string()),
        ("factor_id", pa.string()),
        ("factor_release", pa.string()),
        ("match_level", pa.string()),
        ("year_gap", pa.int64()),
        ("stage", pa.string()),
    ]
)


#: Typed nulls for line columns a method leaves empty.
NULL_STRING = ibis.literal(None, type="string")
NULL_INT = ibis.literal(None, type="int64")


def latest_not_after(
    published: pa.Table,
    keys: Sequence[str],
    wanted: Iterable[tuple[Any, ...]],
    years: Iterable[int],
    values: Mapping[str, str],
) -> pa.Table:
    """For each wanted key and year, the values of the published row of that key with the
    latest ``year`` not after it (none where every row is later), as a small table.

    Made from the distinct keys and years of a method's input
    (:attr:`Derivation.distinct`), it is joined to the lines by equality: the lines never
    derive their own keys from themselves, a second reference to them that DuckDB
    materialises whole.

    Parameters
    ----------
    published : pyarrow.Table
        A reference table with the ``keys`` columns, ``year`` and the value columns.
    keys : sequence of str
        Its key columns, named ``_k_<key>`` in the result, with ``_k_year``.
    wanted : iterable of tuple
        The key values to look up (``None`` in a key: not looked up).
    years : iterable of int
    values : mapping of str to str
        Result column for each value column of ``published``.
    """
    by_key: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in published.to_pylist():
        by_key.setdefault(tuple(row[k] for k in keys), []).append(row)
    found: list[tuple[tuple[Any, ...], int, dict[str, Any]]] = []
    for key in sorted({w for w in wanted if None not in w}):
        rows = sorted(by_key.get(key, []), key=lambda r: r["year"])
        for year in sorted(set(years)):
            earlier = [r for r in rows if r["year"] <= year]
            if earlier:
                found.append((key, year, earlier[-1]))
    columns: dict[str, pa.Array] = {
        f"_k_{k}": pa.array([key[i] for key, _, _ in found], published.schema.field(k).type)
        for i, k in enumerate(keys)
    }
    columns["_k_year"] = pa.array([year for _, year, _ in found], pa.int64())
    for column, name in values.items():
        kind = published.schema.field(column).type
        columns[name] = pa.array([row[column] for _, _, row in found], kind)
    return pa.table(columns)


def period_years(periods: Iterable[Any]) -> list[int]:
    """The years of ``YYYY`` or ``YYYY-MM`` periods (plain values; ``None`` skipped)."""
    return sorted({int(str(p)[:4]) for p in periods if p is not None})


def period_year(period: Any) -> Any:
    """The year (int64) of a ``YYYY`` or ``YYYY-MM`` period column (Ibis)."""
    return period.substr(0, 4).cast("int64")


def entity_place(a: Any) -> dict[str, Any]:
    """Where a line of an entity-level record (no facility) belongs: batch, record, entity,
    business unit and period columns of activity ``a`` (Ibis), for ``select``."""
    return {
        "batch_id": a.batch_id,
        "record_id": a.record_id,
        "entity_id": a.entity_id,
        "facility_id": NULL_STRING,
        "business_unit": a.business_unit,
        "period": a.period,
    }


def classification(
    method: str,
    scope: int,
    iso_category: int | Any,
    scope2_basis: str | None = None,
    scope3_category: Any = None,
    line: Any = None,
) -> dict[str, Any]:
    """The classification columns of activity lines, as Ibis values.

    Parameters
    ----------
    method : str
        Method name.
    scope : int
        GHG Protocol scope.
    iso_category : int or Ibis expression
        ISO 14064-1 category.
    scope2_basis : {"location", "market"}, optional
        Scope 2 basis.
    scope3_category : Ibis expression, optional
        Scope 3 category (per line, e.g. from the spend mapping).
    line : Ibis expression, optional
        Line of the record (default 0).
    """
    int64 = "int64"
    return {
        "line": ibis.literal(0, type=int64) if line is None else line,
        "method": ibis.literal(method),
        "scope": ibis.literal(scope, type=int64),
        "scope3_category": (NULL_INT if scope3_category is None else scope3_category),
        "iso_category": (
            ibis.literal(iso_category, type=int64)
            if isinstance(iso_category, int)
            else iso_category
        ),
        "scope2_basis": ibis.literal(scope2_basis, type="string"),
    }


def reference_line(
    record: Mapping[str, Any],
    method: str,
    *,
    scope: int,
    iso_category: int,
    activity_key: str | None,
    region: str | None,
    quantity: float | None,
    unit: str,
    data_quality: str,
    **fields: Any,
) -> dict[str, Any]:
    """One activity line in plain Python (the reference counterpart of :func:`classification`).

    ``fields`` may set ``entity_id``, ``facility_id``, ``business_unit``, ``scope3_category``,
    ``scope2_basis``, ``heating_value_basis``, ``line`` and ``covered_by`` (the process method
    the coverage map assigns a spend line to); the rest come from the record.
    """
    line = {
        "batch_id": record["batch_id"],
        "record_id": record["record_id"],
        "line": 0,
        "method": method,
        "entity_id": record.get("entity_id"),
        "facility_id": record.get("facility_id"),
        "business_unit": None,
        "period": record["period"],
        "scope": scope,
        "scope3_category": None,
        "iso_category": iso_category,
        "scope2_basis": None,
        "activity_key": activity_key,
        "region": region,
        "year": int(record["period"][:4]),
        "quantity": quantity,
        "unit": unit,
        "heating_value_basis": None,
        "data_quality": data_quality,
        "status": "active",
        "superseded_by": None,
        "covered_by": None,
    }
    unknown = set(fields) - set(line)
    if unknown:
        raise TypeError(f"reference_line got unknown fields {sorted(unknown)}")
    line.update(fields)
    return line


def entity_of(references: Mapping[str, list[dict[str, Any]]], entity_id: str) -> dict[str, Any]:
    """The entity row of an id among the reference rows; empty if unknown, so that its lines
    have no region and the run stops naming the record, as the relational plan does."""
    return next((e for e in references["entities"] if e["entity_id"] == entity_id), {})


@dataclass(frozen=True)
class FactorContext:
    """Where factors come from and how they are chosen and weighted.

    Attributes
    ----------
    library : FactorLibrary
    gwp_set : str
    policy : SelectionPolicy
        Base policy (proxy regions, strictness); each method sets its own stage preference.
    """

    library: FactorLibrary
    gwp_set: str
    policy: SelectionPolicy = field(default_factory=SelectionPolicy)


@dataclass(frozen=True)
class Derivation:
    """What a method's derived tables are made from.

    Attributes
    ----------
    distinct : mapping of str to list
        For each column of the spec's ``distinct``, its distinct values in the input.
    context : FactorContext
    references : mapping of str to pyarrow.Table
        The run's reference tables.
    """

    distinct: Mapping[str, list[Any]]
    context: FactorContext
    references: Mapping[str, pa.Table]


def table_place(t: Any) -> dict[str, Any]:
    """Where lines belong when table ``t`` (Ibis) already carries the place columns: batch,
    record, entity, facility, business unit and period, for ``select``."""
    columns = ("batch_id", "record_id", "entity_id", "facility_id", "business_unit", "period")
    return {c: t[c] for c in columns}


def facility_place(activity: Any, facilities: Any) -> tuple[Any, dict[str, Any]]:
    """Activity joined to its facility, and where its lines belong: batch, record, the
    facility's entity and business unit, the facility and the period (Ibis), for ``select``.

    Returns
    -------
    joined : Ibis table
    place : dict of str to Ibis column
    """
    a = activity.join(facilities, activity.facility_id == facilities.facility_id, how="left")
    return a, {
        "batch_id": a.batch_id,
        "record_id": a.record_id,
        "entity_id": facilities.entity_id,
        "facility_id": a.facility_id,
        "business_unit": facilities.business_unit,
        "period": a.period,
    }


class Method(ABC):
    """A calculation method: its facts are its spec (``methods/specs.yaml``), its code the
    activity lines (twice: as an Ibis plan and in plain Python)."""

    #: Method name written on ledger rows; the key of its spec.
    name: ClassVar[str]

    @property
    def spec(self) -> MethodSpec:
        """The method's facts (kind, scope, categories, stages, references ...)."""
        return method_spec(self.name)

    @property
    def kind(self) -> str:
        """Activity kind (schema) it reads."""
        return self.spec.kind

    @property
    def references(self) -> tuple[str, ...]:
        """Reference kinds it joins (facilities, entities, price tables ...)."""
        return self.spec.references

    @property
    def stages(self) -> tuple[str, ...]:
        """Acceptable factor stages, in order of preference."""
        return self.spec.stages

    @property
    def allow_proxies(self) -> bool:
        """Whether the workspace's proxy regions may serve this method (grid electricity is
        location-specific by definition, so its methods say no)."""
        return self.spec.proxies

    @property
    def method_proxies(self) -> tuple[str, ...]:
        """Proxy regions the method itself names, tried after the workspace's (e.g. travel
        factors published for the UK that describe trips anywhere); such rows say ``proxy``."""
        return self.spec.own_proxies

    def own_proxies(self, policy: SelectionPolicy) -> tuple[str, ...]:
        """Proxy regions tried after the workspace's: the method's own, then, for a method of
        fuels (spec ``fuel``), the policy's fuel proxy regions."""
        if self.spec.fuel:
            return tuple(dict.fromkeys((*self.method_proxies, *policy.fuel_proxy_regions)))
        return self.method_proxies

    @property
    def distinct_columns(self) -> tuple[str, ...]:
        """Input columns whose distinct values :meth:`derived_references` needs."""
        return self.spec.distinct

    def classify(
        self,
        *,
        iso_category: int | Any = None,
        scope3_category: Any = None,
        scope: int | None = None,
        line: Any = None,
    ) -> dict[str, Any]:
        """The classification columns of its activity lines (Ibis), from its spec; a method
        whose lines fall in several categories passes the per-line expressions."""
        spec = self.spec
        fixed_s3 = spec.scope3_category
        return classification(
            self.name,
            scope=spec.scope if scope is None else scope,
            iso_category=spec.iso_category if iso_category is None else iso_category,
            scope2_basis=spec.scope2_basis,
            scope3_category=(
                scope3_category
                if scope3_category is not None
                else (ibis.literal(fixed_s3, type="int64") if fixed_s3 is not None else None)
            ),
            line=line,
        )

    def reference_line(self, record: Mapping[str, Any], **fields: Any) -> dict[str, Any]:
        """One activity line in plain Python with the classification of its spec (fields as
        for :func:`reference_line`; per-line categories may be passed)."""
        spec = self.spec
        defaults: dict[str, Any] = {
            "scope": spec.scope,
            "iso_category": spec.iso_category,
            "data_quality": spec.data_quality,
        }
        if spec.scope3_category is not None:
            defaults["scope3_category"] = spec.scope3_category
        if spec.scope2_basis is not None:
            defaults["scope2_basis"] = spec.scope2_basis
        return reference_line(record, self.name, **(defaults | fields))

    @abstractmethod
    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines as an Ibis expression (columns of :data:`LINE_SCHEMA`)."""

    @abstractmethod
    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record, in plain Python (for the reference engine)."""

    def derived_references(self, given: Derivation) -> dict[str, pa.Table]:
        """Small tables derived from the distinct values of input columns, the factor context
        and the run's reference tables (default: none); engines pass them to :meth:`lines` as
        references."""
        return {}

    def report(self, engine: Any, activity: Any, references: Mapping[str, Any]) -> dict[str, Any]:
        """Findings of the method to keep with the run (default: none)."""
        return {}

    def resolve(
        self, requests: pa.Table, context: FactorContext, references: Mapping[str, pa.Table]
    ) -> pa.Table:
        """Resolved factors for distinct requests (default: the factor library)."""
        return resolve_requests(
            requests, context, self.stages, self.allow_proxies, self.own_proxies(context.policy)
        )


def resolve_requests(
    requests: pa.Table,
    context: FactorContext,
    stages: tuple[str, ...],
    allow_proxies: bool = True,
    method_proxies: tuple[str, ...] = (),
) -> pa.Table:
    """Resolve distinct requests to per-gas factors per activity unit.

    Each request is calculated as one unit of activity by :func:`calculate_activity`, so the
    mass and CO2e it returns are the factors per unit. Requests without a factor are returned
    in ``missing`` by the caller's check; none is substituted.

    Returns
    -------
    pyarrow.Table
        :data:`RESOLVED_SCHEMA` rows.

    Raises
    ------
    FactorNotFoundError
        Naming the requests no factor qualifies for under the policy.
    """
    numbered = requests.append_column("request_id", pa.array(range(requests.num_rows), pa.int64()))
    activities = numbered.append_column("quantity", pa.array([1.0] * requests.num_rows))
    policy = SelectionPolicy(
        stages=stages,
        strict=context.policy.strict,
        max_year_gap=context.policy.max_year_gap,
        proxy_regions=proxy_regions(context.policy.proxy_regions, allow_proxies, method_proxies),
        releases=context.policy.releases,
        later_years=context.policy.later_years,
        fuel_proxy_regions=context.policy.fuel_proxy_regions,
        co2e_gwp_set=context.policy.co2e_gwp_set,
    )
    result = calculate_activity(activities, context.library, context.gwp_set, policy)
    if result.missing.num_rows:
        raise not_found(result.missing, _how_to_fix(allow_proxies, policy.co2e_gwp_set))
    rows = result.rows
    keys = numbered.select(["request_id", *REQUEST_KEYS])
    con = ibis_connection()
    try:
        joined = ibis.memtable(rows).join(ibis.memtable(keys), "request_id")
        table = con.to_pyarrow(
            joined.select(
                *REQUEST_KEYS,
                "gas",
                kg_per_unit=joined.mass,
                co2e_per_unit=joined.co2e,
                biogenic=joined.biogenic,
                gwp_set=joined.gwp_set_applied,
                factor_id=joined.factor_id,
                factor_release=joined.release_id,
                match_level=joined.match_level,
                year_gap=joined.year_gap.cast("int64"),
                stage=joined.stage,
            )
        )
    finally:
        con.disconnect()
    return table.cast(RESOLVED_SCHEMA)


def _how_to_fix(allow_proxies: bool, co2e_gwp_set: str | None) -> str:
    refused = (
        f"factors published only as CO2e under another GWP set than {co2e_gwp_set} are "
        'refused (gwp_mixing = "refuse" in carbonledger.toml); '
        if co2e_gwp_set
        else ""
    )
    if not allow_proxies:
        return refused + (
            "these factors are location-specific and never taken from another region: add a "
            "release with the region's own factor (carbonledger factors add)"
        )
    return refused + (
        "carbonledger factors search <key> lists the regions that have one; add a release "
        "for the region (carbonledger factors add), or name the regions whose factors may "
        "stand in with proxy_regions in carbonledger.toml (fuels: fuel_proxy_regions, "
        "default GB then US; carbonledger init --proxy / --fuel-proxy)"
    )


def proxy_regions(
    workspace: tuple[str, ...], allowed: bool, method: tuple[str, ...]
) -> tuple[str, ...]:
    """The proxy regions a method may use: none, or the workspace's then its own, in order."""
    return tuple(dict.fromkeys((*workspace, *method))) if allowed else ()


def apply_factors(lines: Any, resolved: Any, run_id: str) -> Any:
    """Join activity lines to resolved factors and compute the ledger rows (Ibis).

    Notes
    -----
    ``mass = quantity * kg_per_unit`` and ``co2e = quantity * co2e_per_unit``; the join keys
    are the request columns, with an empty heating-value basis matching an empty one.
    """
    left = lines.mutate(_basis=lines.heating_value_basis.fill_null(""))
    right = resolved.mutate(_basis=resolved.heating_value_basis.fill_null(""))
    joined = left.join(
        right,
        [
            left.activity_key == right.activity_key,
            left.region == right.region,
            left.year == right.year,
            left.unit == right.unit,
            left._basis == right._basis,
        ],
    )
    return joined.select(
        run_id=ibis.literal(run_id),
        batch_id=left.batch_id,
        record_id=left.record_id,
        line=left.line,
        method=left.method,
        entity_id=left.entity_id,
        facility_id=left.facility_id,
        business_unit=left.business_unit,
        period=left.period,
        scope=left.scope,
        scope3_category=left.scope3_category,
        iso_category=left.iso_category,
        scope2_basis=left.scope2_basis,
        gas=right.gas,
        mass=left.quantity * right.kg_per_unit,
        co2e=left.quantity * right.co2e_per_unit,
        gwp_set=right.gwp_set,
        biogenic=right.biogenic,
        activity_key=left.activity_key,
        activity_quantity=left.quantity,
        activity_unit=left.unit,
        factor_id=right.factor_id,
        factor_release=right.factor_release,
        match_level=right.match_level,
        year_gap=right.year_gap,
        stage=right.stage,
        data_quality=left.data_quality,
        status=left.status if "status" in lines.columns else ibis.literal("active"),
        superseded_by=(left.superseded_by if "superseded_by" in lines.columns else NULL_STRING),
    )
