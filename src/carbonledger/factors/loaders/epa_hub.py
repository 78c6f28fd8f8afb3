"""US EPA GHG Emission Factors Hub 2025 (public domain).

One sheet, "Emission Factors Hub", with twelve tables stacked vertically; each is located by its
title cell ("Table N" in column B) rather than by fixed row numbers. Values are per mmBtu (HHV),
short ton, scf, gallon, vehicle-mile, passenger-mile, short ton-mile and MWh, and are kept as
published beside the normalised value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from carbonledger.errors import FactorError
from carbonledger.factors._keys import key, strip_footnote
from carbonledger.factors._raw import raw_file
from carbonledger.factors._xlsx import open_workbook
from carbonledger.factors.table import FactorRow, FactorTableBuilder, ReleaseInfo

__all__ = ["RELEASE", "load_tables"]

RELEASE = ReleaseInfo(
    release_id="epa-hub-2025",
    publisher="US EPA Center for Corporate Climate Leadership",
    dataset="GHG Emission Factors Hub",
    version="2025",
    published="2025-01-15",
    licence="US-Government-Public-Domain",
    url="https://www.epa.gov/climateleadership/ghg-emission-factors-hub",
    source_keys=("epa_hub_2025",),
    notes="Combustion (tank-to-wheel) only unless stated; AR5 GWPs where CO2e is given.",
)
_SHEET = "Emission Factors Hub"
_REGION = "US"
_YEAR = 2025
_EGRID_YEAR = 2023
_PHYSICAL_UNITS = {"short ton": "short_ton", "scf": "scf", "gallon": "gallon"}
_DISTANCE_UNITS = {
    "vehicle-mile": "vehicle_mile",
    "passenger-mile": "passenger_mile",
    "short ton-mile": "ton_mile",
}
_WASTE_ROUTES = {
    "D": "recycled",
    "E": "landfilled",
    "F": "combusted",
    "G": "composted",
    "H": "anaerobic_digestion_dry",
    "I": "anaerobic_digestion_wet",
}


class _Sheet:
    """Cell access by coordinate on the one worksheet, tables found by their titles."""

    def __init__(self, path: Path) -> None:
        book = open_workbook(path, data_only=True)
        self.ws = book[_SHEET]
        self.titles: dict[str, int] = {}
        for row in range(1, self.ws.max_row + 1):
            value = self.ws.cell(row, 2).value
            if isinstance(value, str) and re.fullmatch(r"Table \d+", value.strip()):
                self.titles[value.strip()] = row

    def value(self, column: str, row: int) -> Any:
        return self.ws[f"{column}{row}"].value

    def rows(self, table: str, header_text: str) -> Iterator[int]:
        """Data rows of a table: after the row whose column C starts with ``header_text``,
        until the "Source" row."""
        start = self.titles[table]
        row = start + 1
        while not str(self.value("C", row) or "").startswith(header_text):
            row += 1
            if row > start + 30:
                raise FactorError(f"{_SHEET}: no header {header_text!r} under {table}")
        row += 1
        while not str(self.value("C", row) or "").strip().startswith(("Source", "Notes")):
            yield row
            row += 1


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", "")
    if text.upper() in {"NA", "N/A", "-", ""}:
        return None
    return float(text)


def load_tables(root: Path | None = None) -> dict[str, pa.Table]:
    """Load the EPA Hub 2025 from one parse of the workbook.

    Returns
    -------
    dict of str to pyarrow.Table
        ``factors`` (tables 1-10 as canonical rows), ``refrigerant_blends`` (table 12),
        ``heat_content`` (table 1 heat contents) and ``grid_loss`` (table 6 grid gross loss).
    """
    sheet = _Sheet(raw_file("epa_hub_2025", root))
    builder = FactorTableBuilder(RELEASE)
    for reader in (
        _stationary,
        _mobile_co2,
        _onroad_gasoline,
        _onroad_other,
        _nonroad,
        _electricity,
        _steam,
        _freight,
        _waste,
        _travel,
    ):
        reader(sheet, builder)
    tables = {"factors": builder.table(), "refrigerant_blends": _refrigerant_blends(sheet)}
    tables.update({name: pa.Table.from_pylist(rows) for name, rows in builder.extras.items()})
    return tables


def _add(builder: FactorTableBuilder, **fields: Any) -> None:
    fields.setdefault("region", _REGION)
    fields.setdefault("year", _YEAR)
    builder.add(FactorRow(**fields))


def _stationary(sheet: _Sheet, builder: FactorTableBuilder) -> None:
    section, physical = "", "short_ton"
    for row in sheet.rows("Table 1", "Fuel Type"):
        name, unit_label = sheet.value("C", row), sheet.value("D", row)
        if name is None and isinstance(unit_label, str):  # a units sub-header
            physical = _PHYSICAL_UNITS[unit_label.replace("mmBtu per ", "").strip()]
            continue
        if name is None:
            continue
        if sheet.value("E", row) is None:  # a section heading
            section = " ".join(str(name).split())
            continue
        biogenic = section.startswith("Biomass")
        fuel_key = key("fuel", str(name))
        where = f"{_SHEET}!{{}}{row}"
        for gas, column, mass in (("CO2", "E", "kg"), ("CH4", "F", "g"), ("N2O", "G", "g")):
            _add(
                builder,
                activity_key=fuel_key,
                name=str(name),
                gas=gas,
                original_value=_number(sheet.value(column, row)),
                numerator=mass,
                denominator="mmBtu",
                heating_value_basis="HHV",
                stage="combustion",
                variant="biogenic" if biogenic and gas == "CO2" else None,
                source_location=where.format(column),
                boundary_notes=f"{section}; per mmBtu, higher heating value",
            )
        for gas, column, mass in (("CO2", "H", "kg"), ("CH4", "I", "g"), ("N2O", "J", "g")):
            value = _number(sheet.value(column, row))
            if value is None:
                continue
            _add(
                builder,
                activity_key=fuel_key,
                name=str(name),
                gas=gas,
                original_value=value,
                numerator=mass,
                denominator=physical,
                stage="combustion",
                variant="biogenic" if biogenic and gas == "CO2" else None,
                source_location=where.format(column),
                boundary_notes=section,
            )
        heat = _number(sheet.value("D", row))
        if heat is not None:
            _add_heat_content(builder, fuel_key, str(name), heat, physical, where.format("D"))


def _add_heat_content(
    builder: FactorTableBuilder, fuel_key: str, name: str, heat: float, physical: str, where: str
) -> None:
    """Heat contents are conversion data, kept in the release's ``heat_content`` table."""
    builder.extras.setdefault("heat_content", []).append(
        {
            "activity_key": fuel_key,
            "name": name,
            "region": _REGION,
            "value": heat,
            "unit": f"mmBtu / {physical}",
            "heating_value_basis": "HHV",
            "source_location": where,
        }
    )


def _mobile_co2(sheet: _Sheet, builder: FactorTableBuilder) -> None:
    for row in sheet.rows("Table 2", "Fuel Type"):
        name = str(sheet.value("C", row))
        unit = _PHYSICAL_UNITS[str(sheet.value("E", row)).strip()]
        biogenic = name.startswith(("Biodiesel", "Ethanol"))
        _add(
            builder,
            activity_key=key("mobile_fuel", name),
            name=name,
            gas="CO2",
            original_value=_number(sheet.value("D", row)),
            numerator="kg",
            denominator=unit,
            stage="combustion",
            variant="biogenic" if biogenic else None,
            source_location=f"{_SHEET}!D{row}",
        )


def _add_ch4_n2o(
    sheet: _Sheet,
    builder: FactorTableBuilder,
    row: int,
    columns: str,
    activity_key: str,
    name: str,
    denominator: str,
) -> None:
    """Tables 3-5: one row's CH4 and N2O factors [g per vehicle-mile or per gallon]."""
    for gas, column in zip(("CH4", "N2O"), columns, strict=True):
        _add(
            builder,
            activity_key=activity_key,
            name=name,
            gas=gas,
            original_value=_number(sheet.value(column, row)),
            numerator="g",
            denominator=denominator,
            stage="combustion",
            source_location=f"{_SHEET}!{column}{row}",
        )


def _onroad_gasoline(sheet: _Sheet, builder: FactorTableBuilder) -> None:
    vehicle = ""
    for row in sheet.rows("Table 3", "Vehicle Type"):
        label = sheet.value("C", row)
        if isinstance(label, str) and not label.strip().startswith("("):
            vehicle = strip_footnote(label)
        model_year = str(sheet.value("D", row)).strip()
        _add_ch4_n2o(
            sheet,
            builder,
            row,
            "EF",
            key("vehicle", vehicle, "model_year", model_year),
            f"{vehicle}, model year {model_year}",
            "vehicle_mile",
        )


def _onroad_other(sheet: _Sheet, builder: FactorTableBuilder) -> None:
    vehicle, fuel = "", ""
    for row in sheet.rows("Table 4", "Vehicle Type"):
        vehicle = strip_footnote(sheet.value("C", row) or vehicle)
        fuel = str(sheet.value("D", row) or fuel)
        model_year = sheet.value("E", row)
        parts = ["vehicle", vehicle, fuel] + (["model_year", str(model_year)] if model_year else [])
        name = f"{vehicle}, {fuel}" + (f", model year {model_year}" if model_year else "")
        _add_ch4_n2o(sheet, builder, row, "FG", key(*parts), name, "vehicle_mile")


def _nonroad(sheet: _Sheet, builder: FactorTableBuilder) -> None:
    vehicle = ""
    for row in sheet.rows("Table 5", "Vehicle Type"):
        vehicle = strip_footnote(sheet.value("C", row) or vehicle)
        fuel = str(sheet.value("D", row))
        _add_ch4_n2o(
            sheet, builder, row, "EF", key("nonroad", vehicle, fuel), f"{vehicle}, {fuel}", "gallon"
        )


def _electricity(sheet: _Sheet, builder: FactorTableBuilder) -> None:
    for row in sheet.rows("Table 6", "eGRID"):
        code = sheet.value("C", row)
        if code is None or sheet.value("E", row) is None:
            continue
        region = "US" if code == "US Average" else f"EGRID-{code}"
        name = str(sheet.value("D", row))
        for variant, columns in (("total_output", "EFG"), ("non_baseload", "HIJ")):
            for gas, column in zip(("CO2", "CH4", "N2O"), columns, strict=True):
                _add(
                    builder,
                    activity_key=key("electricity", "grid")
                    if variant == "total_output"
                    else key("electricity", "grid", "non_baseload"),
                    name=f"eGRID2023 {name}",
                    region=region,
                    year=_EGRID_YEAR,
                    gas=gas,
                    original_value=_number(sheet.value(column, row)),
                    numerator="lb",
                    denominator="MWh",
                    stage="generation",
                    source_location=f"{_SHEET}!{column}{row}",
                    boundary_notes="eGRID2023 subregion output emission rate, combustion at "
                    "the plant; excludes T&D losses and upstream",
                )
        loss = _number(sheet.value("K", row))
        if loss is not None:
            builder.extras.setdefault("grid_loss", []).append(
                {
                    "region": region,
                    "year": _EGRID_YEAR,
                    "grid_gross_loss": loss,
                    "source_location": f"{_SHEET}!K{row}",
                }
            )


def _steam(sheet: _Sheet, builder: FactorTableBuilder) -> None:
    row = sheet.titles["Table 7"] + 3
    for gas, column, mass in (("CO2", "D", "kg"), ("CH4", "E", "g"), ("N2O", "F", "g")):
        _add(
            builder,
            activity_key=key("heat_steam", "purchased"),
            name="Steam and Heat",
            gas=gas,
            original_value=_number(sheet.value(column, row)),
            numerator=mass,
            denominator="mmBtu",
            stage="generation",
            source_location=f"{_SHEET}!{column}{row}",
            boundary_notes="Per mmBtu of steam or heat purchased; assumes natural gas boiler "
            "at 80% efficiency (EPA note)",
        )


def _distance_table(sheet: _Sheet, builder: FactorTableBuilder, table: str, prefix: str) -> None:
    for row in sheet.rows(table, "Vehicle Type"):
        name = strip_footnote(str(sheet.value("C", row)))
        unit = _DISTANCE_UNITS[str(sheet.value("G", row)).strip()]
        for gas, column, mass in (("CO2", "D", "kg"), ("CH4", "E", "g"), ("N2O", "F", "g")):
            _add(
                builder,
                activity_key=key(prefix, name)
                if unit != "ton_mile"
                else key(prefix, name, "tonne_km"),
                name=name,
                gas=gas,
                original_value=_number(sheet.value(column, row)),
                numerator=mass,
                denominator=unit,
                stage="combustion",
                source_location=f"{_SHEET}!{column}{row}",
            )


def _freight(sheet: _Sheet, builder: FactorTableBuilder) -> None:
    _distance_table(sheet, builder, "Table 8", "freight")


def _travel(sheet: _Sheet, builder: FactorTableBuilder) -> None:
    _distance_table(sheet, builder, "Table 10", "travel")


def _waste(sheet: _Sheet, builder: FactorTableBuilder) -> None:
    for row in sheet.rows("Table 9", "Material"):
        material = str(sheet.value("C", row))
        for column, route in _WASTE_ROUTES.items():
            value = _number(sheet.value(column, row))
            if value is None:
                continue
            _add(
                builder,
                activity_key=key("waste", material, route),
                name=f"{material}, {route}",
                gas="CO2e",
                gwp_set="AR4GWP100",
                original_value=value,
                numerator="t",
                denominator="short_ton",
                stage="end_of_life",
                original_unit="metric ton CO2e / short ton material",
                source_location=f"{_SHEET}!{column}{row}",
                boundary_notes="WARM-based, excludes avoided emissions, includes transport "
                "to the facility; AR4 GWPs (EPA note)",
            )


def _refrigerant_blends(sheet: _Sheet) -> pa.Table:
    """Table 12: refrigerant blends with their composition and published AR5 GWP.

    Returns
    -------
    pyarrow.Table
        One row per blend component: ``blend``, ``component``, ``mass_fraction``, the
        published blend GWP (``published_gwp_ar5``) and the source cell.
    """
    rows = []
    for row in sheet.rows("Table 12", "ASHRAE"):
        blend = str(sheet.value("C", row)).strip()
        for part in str(sheet.value("E", row)).split(","):
            match = re.fullmatch(r"\s*([\d.]+)%\s*(.+?)\s*", part)
            if not match:
                raise FactorError(f"{_SHEET}!E{row}: cannot read blend part {part!r}")
            rows.append(
                {
                    "blend": blend,
                    "component": match.group(2),
                    "mass_fraction": float(match.group(1)) / 100,
                    "published_gwp_ar5": _number(sheet.value("D", row)),
                    "source_location": f"{_SHEET}!C{row}:E{row}",
                }
            )
    return pa.Table.from_pylist(rows)
