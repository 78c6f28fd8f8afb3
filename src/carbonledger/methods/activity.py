"""The activity x factor method: the common core of the combustion, electricity and
distance-based methods, and what ``carbonledger estimate`` runs.

For each activity row the factor library selects one published factor (with all its gases);
the activity quantity is converted to the factor's unit (one conversion per distinct unit pair),
multiplied by each gas's factor, and converted to CO2e under the requested GWP set (methane
by its origin, fossil or not, where the set distinguishes them:
:func:`carbonledger.factors.methane.methane_origin`).

Notes
-----
For a gas :math:`g` of the chosen factor,

.. math:: m_g = q \\cdot c_{u \\to u_f} \\cdot f_g, \\qquad
          \\mathrm{CO_2e}_g = m_g \\cdot \\mathrm{GWP}_g

where :math:`q` is the activity quantity in unit :math:`u`, :math:`c` the unit conversion to the
factor's unit :math:`u_f` and :math:`f_g` the factor [kg g / u_f]. When the publisher gives the
gases, a CO2e total it also prints is not added again; when it gives only CO2e (under its own
GWP set), that CO2e is used as published and its GWP set is recorded on the row
(``gwp_set_applied``), so a mismatch with the requested set is visible. Biogenic CO2 is
returned with ``biogenic = true`` and no CO2e.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from carbonledger.engine import sql_connection
from carbonledger.factors import FactorLibrary, SelectionPolicy
from carbonledger.factors.methane import methane_origin
from carbonledger.units import conversion_factor, gwp, gwp_set_name

__all__ = ["ACTIVITY_COLUMNS", "EmissionRows", "calculate_activity"]

#: Columns an activity table must have (``heating_value_basis`` is optional).
ACTIVITY_COLUMNS = ("request_id", "activity_key", "region", "year", "quantity", "unit")


@dataclass(frozen=True)
class EmissionRows:
    """Result of :func:`calculate_activity`.

    Attributes
    ----------
    rows : pyarrow.Table
        One row per activity and gas: ``request_id``, ``gas``, ``mass`` [kg gas], ``co2e``
        [kg CO2e], ``biogenic``, ``gwp_set_applied``, ``factor_id``, ``release_id``,
        ``factor_value`` [kg gas / factor_unit], ``factor_unit``, ``unit_conversion``,
        ``stage``, ``factor_region``, ``factor_year``, ``match_level``, ``year_gap``,
        ``factor_basis`` (the factor's heating-value basis: the request's, or the publisher's
        one basis where the request states none).
    missing : pyarrow.Table
        Activity rows no factor qualified for under the policy.
    """

    rows: pa.Table
    missing: pa.Table


def calculate_activity(
    activities: pa.Table,
    library: FactorLibrary,
    gwp_set: str,
    policy: SelectionPolicy | None = None,
) -> EmissionRows:
    """Calculate emissions of activity rows from the library's factors.

    Parameters
    ----------
    activities : pyarrow.Table
        Columns :data:`ACTIVITY_COLUMNS` and optionally ``heating_value_basis``; ``quantity``
        in ``unit``.
    library : FactorLibrary
        Where factors come from.
    gwp_set : str
        GWP set for CO2e (``AR5``, ``AR6GWP100`` ...).
    policy : SelectionPolicy, optional
        Selection policy (default: :class:`SelectionPolicy` defaults).

    Returns
    -------
    EmissionRows
    """
    set_name = gwp_set_name(gwp_set)
    request_columns = [c for c in activities.column_names if c != "quantity"]
    selection = library.select(activities.select(request_columns), policy)
    matches = selection.matches
    pairs = _unit_pairs(activities, matches)
    gases = pc.unique(matches.column("gas")).to_pylist() if matches.num_rows else []
    keys = pc.unique(matches.column("activity_key")).to_pylist() if matches.num_rows else []
    origins = pa.table(
        {"activity_key": pa.array(keys, pa.string()), "origin": [methane_origin(k) for k in keys]}
    )
    pairs_of_gas = [(g, o) for g in gases for o in sorted(set(origins["origin"].to_pylist()))]
    gwps = pa.table(
        {
            "gas": pa.array([g for g, _ in pairs_of_gas], pa.string()),
            "origin": pa.array([o for _, o in pairs_of_gas], pa.string()),
            "gwp": pa.array(
                [None if g == "CO2e" else gwp(g, set_name, o) for g, o in pairs_of_gas],
                pa.float64(),
            ),
        }
    )
    con = sql_connection()
    try:
        for name, table in (
            ("activities", activities),
            ("matches", matches),
            ("pairs", pairs),
            ("origins", origins),
            ("gwps", gwps),
        ):
            con.register(name, table)
        rows = con.sql(_CALCULATE_SQL, params=[set_name]).to_arrow_table()
    finally:
        con.close()
    return EmissionRows(rows, selection.missing)


def _unit_pairs(activities: pa.Table, matches: pa.Table) -> pa.Table:
    """Conversion factor for each distinct (activity unit, factor unit) pair."""
    if not matches.num_rows:
        return pa.table(
            {
                "unit": pa.array([], pa.string()),
                "factor_unit": pa.array([], pa.string()),
                "unit_conversion": pa.array([], pa.float64()),
            }
        )
    con = sql_connection()
    try:
        con.register("a", activities.select(["request_id", "unit"]))
        con.register("m", matches.select(["request_id", "factor_unit"]))
        query = "SELECT DISTINCT a.unit, m.factor_unit FROM a JOIN m USING (request_id)"
        distinct = con.sql(query).to_arrow_table().to_pylist()
    finally:
        con.close()
    return pa.table(
        {
            "unit": [p["unit"] for p in distinct],
            "factor_unit": [p["factor_unit"] for p in distinct],
            "unit_conversion": [conversion_factor(p["unit"], p["factor_unit"]) for p in distinct],
        }
    )


_CALCULATE_SQL = """
WITH joined AS (
    SELECT a.request_id, m.gas, m.factor_id, m.release_id, m.value AS factor_value,
           m.factor_unit, p.unit_conversion, m.stage, m.factor_region, m.factor_year,
           m.match_level, m.year_gap, m.gwp_set AS factor_gwp_set, o.origin,
           m.heating_value_basis AS factor_basis,
           coalesce(m.variant = 'biogenic', false) AS biogenic,
           CAST(a.quantity AS DOUBLE) * p.unit_conversion * m.value AS mass,
           count(*) FILTER (WHERE m.gas <> 'CO2e')
               OVER (PARTITION BY a.request_id) AS gas_rows
    FROM activities a
    JOIN matches m USING (request_id)
    JOIN pairs p ON p.unit = a.unit AND p.factor_unit = m.factor_unit
    JOIN origins o ON o.activity_key = m.activity_key
)
SELECT j.request_id, j.gas, j.mass,
       CASE WHEN j.biogenic THEN NULL
            WHEN j.gas = 'CO2e' THEN j.mass
            ELSE j.mass * g.gwp END AS co2e,
       j.biogenic,
       CASE WHEN j.biogenic THEN NULL
            WHEN j.gas = 'CO2e' THEN j.factor_gwp_set ELSE ? END AS gwp_set_applied,
       j.factor_id, j.release_id, j.factor_value, j.factor_unit, j.unit_conversion, j.stage,
       j.factor_region, j.factor_year, j.match_level, j.year_gap, j.factor_basis
FROM joined j
LEFT JOIN gwps g USING (gas, origin)
WHERE NOT (j.gas = 'CO2e' AND j.gas_rows > 0)
ORDER BY j.request_id, j.gas
"""
