"""The programme ledger as one relational query: every activity row of every methodology,
its baseline, project and reduction [kg CO2e], its status and its lineage.

The query reads four relations the caller provides (the app layer registers them on the
engine's connection):

``activities``
    the activity rows (``ecosystem_activities`` columns with ``batch_id``, ``source_row``, the
    activity's ``year``, its ``region`` resolved from the programme, and the certification's
    ``reference_footprint``, ``certified_footprint`` and ``certificate_valid``);
``unit_scales`` (methodology, unit, scale)
    what one unit of a row's amount is in base units of the methodology's activity unit
    (NULL where the unit is of another dimension);
``factor_values`` (methodology, factor, selector, region, year, value, factor_ids, releases,
    fallback, problem)
    each factor the rows need [kg CO2e per base unit], or its ``problem`` where the library has
    none under the policy;
``plan_measures`` (measure_id, measure_type)
    the plan room's measures, for the overlap guard.

A row earns a reduction only with status ``counted``; otherwise its status says why not
(``missing``, ``unit``, ``no_factor``, ``ineligible``, ``uncertified``, ``overlap``,
``inventory_measure``) and ``reason`` gives the detail. The overlap guard keeps, of the rows
that share a ``source_ref`` (the platform's own id of the order, trip or sale), the earliest
(then by programme and activity id) and marks the others, naming the one that counts.
"""

from __future__ import annotations

from carbonledger.ecosystem.methodology import FieldSpec, Methodology, base_scale
from carbonledger.formula import to_sql

__all__ = ["LEDGER_COLUMNS", "ledger_sql"]

#: Columns of the programme ledger, in order.
LEDGER_COLUMNS = (
    "activity_id",
    "programme_id",
    "methodology",
    "methodology_version",
    "participant_id",
    "participant_type",
    "date",
    "year",
    "region",
    "source_ref",
    "baseline_kg",
    "project_kg",
    "reduction_kg",
    "status",
    "reason",
    "factor_ids",
    "factor_releases",
    "fallbacks",
    "batch_id",
    "source_row",
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _number(value: float) -> str:
    return repr(float(value))


def _field_sql(spec: FieldSpec) -> str:
    column = f"a.{spec.column}"
    if spec.mapping is not None:
        cases = " ".join(f"WHEN {_quote(k)} THEN {_number(v)}" for k, v in spec.mapping.items())
        return f"(CASE {column} {cases} END)"
    value = column if spec.default is None else f"COALESCE({column}, {_number(spec.default)})"
    return f"(CAST({value} AS DOUBLE) * {_number(base_scale(spec.unit))})"


def _alias(name: str) -> str:
    return f"f_{name}"


def _problems(m: Methodology) -> list[tuple[str, str, str]]:
    """(condition, status, reason expression) in the order they are told, first one wins."""
    found = [("u.scale IS NULL", "unit", f"'unit ' || a.unit || ' is no {m.activity_unit}'")]
    found.append(("a.amount IS NULL", "missing", "'no amount'"))
    for spec in m.fields.values():
        if spec.mapping is not None:
            known = ", ".join(_quote(k) for k in spec.mapping)
            found.append(
                (
                    f"a.{spec.column} IS NULL OR a.{spec.column} NOT IN ({known})",
                    "missing",
                    f"'{spec.column} ' || COALESCE(a.{spec.column}, 'blank') || ' is none of "
                    f"{' / '.join(spec.mapping)}'",
                )
            )
        elif spec.default is None:
            found.append((f"a.{spec.column} IS NULL", "missing", f"'no {spec.column}'"))
    for name in m.factors:
        alias = _alias(name)
        found.append(
            (
                f"{alias}.value IS NULL",
                "no_factor",
                f"COALESCE({alias}.problem, '{name}: not looked up')",
            )
        )
    for name, (low, high) in m.eligible.items():
        column = f"a.{m.fields[name].column}"
        if low is not None:
            found.append((f"{column} < {_number(low)}", "ineligible", f"'{name} below {low:g}'"))
        if high is not None:
            found.append((f"{column} > {_number(high)}", "ineligible", f"'{name} above {high:g}'"))
    if m.certified:
        found.append(
            (
                "NOT COALESCE(a.certificate_valid, FALSE)",
                "uncertified",
                "'certificate ' || COALESCE(a.certification_id, 'blank') || "
                "' unknown or not valid on the day of the action'",
            )
        )
    return found


def _methodology_sql(m: Methodology) -> str:
    columns = {"amount": "(a.amount * u.scale)"}
    columns |= {n: _field_sql(f) for n, f in m.fields.items()}
    columns |= {n: _number(q.to_base_units().magnitude) for n, q in m.parameters.items()}
    columns |= {n: f"{_alias(n)}.value" for n in m.factors}
    baseline = to_sql(m.baseline, columns)
    project = to_sql(m.project, columns) if m.project else "0.0"
    problems = _problems(m)
    status = " ".join(f"WHEN {c} THEN '{s}'" for c, s, _ in problems)
    reason = " ".join(f"WHEN {c} THEN {r}" for c, _, r in problems)
    joins = [f"LEFT JOIN unit_scales u ON u.methodology = {_quote(m.id)} AND u.unit = a.unit"]
    for name, spec in m.factors.items():
        alias = _alias(name)
        selector = f"a.{spec.selector}" if spec.selector else "''"
        joins.append(
            f"LEFT JOIN factor_values {alias} ON {alias}.methodology = {_quote(m.id)} "
            f"AND {alias}.factor = {_quote(name)} AND {alias}.selector = COALESCE({selector}, '') "
            f"AND {alias}.region = a.region AND {alias}.year = a.year"
        )
    aliases = [_alias(n) for n in m.factors]
    lists = {
        "factor_ids": "factor_ids",
        "factor_releases": "releases",
        "fallbacks": "fallback",
    }
    lineage = ", ".join(
        f"concat_ws(';', {', '.join(f'{a}.{col}' for a in aliases) or 'NULL'}) AS {out}"
        for out, col in lists.items()
    )
    return f"""
SELECT a.activity_id, a.programme_id, {_quote(m.id)} AS methodology,
  {m.version} AS methodology_version, a.participant_id, a.participant_type, a.date, a.year,
  a.region, a.source_ref, a.measure_id,
  CASE {status} ELSE NULL END AS problem_status,
  CASE {reason} ELSE NULL END AS problem_reason,
  {baseline} AS baseline_kg, {project} AS project_kg, {lineage}, a.batch_id, a.source_row
FROM activities a {" ".join(joins)}
WHERE a.methodology = {_quote(m.id)}"""


def ledger_sql(methodologies: dict[str, Methodology]) -> str:
    """The query giving the programme ledger (:data:`LEDGER_COLUMNS`) over the relations the
    module's docstring lists, for activities of the given methodologies (rows naming another
    methodology come out with status ``missing``)."""
    known = ", ".join(_quote(m) for m in methodologies) or "''"
    unknown = f"""
SELECT a.activity_id, a.programme_id, a.methodology, NULL AS methodology_version,
  a.participant_id, a.participant_type, a.date, a.year, a.region, a.source_ref, a.measure_id,
  'missing' AS problem_status, 'no methodology ' || a.methodology AS problem_reason,
  NULL AS baseline_kg, NULL AS project_kg, '' AS factor_ids, '' AS factor_releases,
  '' AS fallbacks, a.batch_id, a.source_row
FROM activities a WHERE a.methodology NOT IN ({known})"""
    computed = " UNION ALL ".join([_methodology_sql(m) for m in methodologies.values()] + [unknown])
    claim = "problem_status IS NULL AND source_ref IS NOT NULL"
    order = "ORDER BY date, programme_id, activity_id"
    # the guard ranks only the rows whose source another counted row shares: a hash
    # aggregate over all rows, a window over the few
    return f"""
WITH computed AS ({computed}),
shared AS (
  SELECT source_ref FROM computed WHERE {claim} GROUP BY source_ref HAVING count(*) > 1
),
claims AS (
  SELECT activity_id, ROW_NUMBER() OVER (PARTITION BY source_ref {order}) AS claim_rank,
    FIRST_VALUE(programme_id || ' ' || activity_id) OVER (PARTITION BY source_ref {order})
      AS first_claim
  FROM computed WHERE {claim} AND source_ref IN (SELECT source_ref FROM shared)
),
ranked AS (
  SELECT c.*, p.measure_type, k.claim_rank, k.first_claim
  FROM computed c LEFT JOIN plan_measures p ON p.measure_id = c.measure_id
  LEFT JOIN claims k ON k.activity_id = c.activity_id
),
classified AS (
  SELECT *,
    CASE WHEN problem_status IS NOT NULL THEN problem_status
         WHEN measure_id IS NOT NULL THEN 'inventory_measure'
         WHEN claim_rank > 1 THEN 'overlap'
         ELSE 'counted' END AS status,
    CASE WHEN problem_status IS NOT NULL THEN problem_reason
         WHEN measure_id IS NOT NULL THEN 'counted in the inventory by plan measure '
           || measure_id || COALESCE(' (' || measure_type || ')', ', which the plan lacks')
         WHEN claim_rank > 1 THEN 'source ' || source_ref || ' already counts in ' || first_claim
         ELSE NULL END AS reason
  FROM ranked
)
SELECT activity_id, programme_id, methodology, methodology_version, participant_id,
  participant_type, date, year, region, source_ref, baseline_kg, project_kg,
  CASE WHEN status = 'counted' THEN baseline_kg - project_kg ELSE 0.0 END AS reduction_kg,
  status, reason, factor_ids, factor_releases, fallbacks, batch_id, source_row
FROM classified
ORDER BY programme_id, activity_id"""
