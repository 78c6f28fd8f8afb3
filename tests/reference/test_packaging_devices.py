"""Packaging and own-brand devices against DESNZ 2025 "Material use" and "Waste disposal",
and the use phase against the grid factor of the country of use."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from carbonledger.app import add_factor_release, calculate
from carbonledger.errors import CarbonLedgerError
from carbonledger.factors import ReleaseInfo

BOX = {
    "package_type": "box_m",
    "component": "box",
    "material": "corrugated_board",
    "mass": 400,
    "mass_unit": "g",
    "recycled_content": 0.25,
    "recycling_share": 0.75,
    "landfill_share": 0.25,
}


def _rows(workspace):
    return pq.read_table(workspace.ledger_files(calculate(workspace).run)).to_pylist()


def _use(record_id="P1", package_type="box_m", packages=1000):
    return {
        "record_id": record_id,
        "entity_id": "E-GB",
        "period": "2025-04",
        "package_type": package_type,
        "packages": packages,
    }


def test_box_materials_and_end_of_life(workspace, load, factor):
    # 1,000 boxes of 400 g board, 25 % recycled content, 75 % recycled and 25 % landfilled:
    # board virgin 1,199.72542 kg CO2e/t (Material use!D85), closed-loop source 1,098.11442
    # (Material use!G85); closed-loop recycling 4.68568 (Waste disposal!E87), landfill 1,164.4894
    # (Waste disposal!H87). 400 kg of board in all.
    virgin = factor(
        "desnz-2025", "material/paper_and_board_board/primary_material_production", "CO2e"
    )
    assert virgin["source_location"] == "Material use!D85"
    load(workspace, package_types=[BOX], packaging_use=[_use()])
    rows = [r for r in _rows(workspace) if r["method"] == "packaging"]
    by_category = {c: sum(r["co2e"] for r in rows if r["scope3_category"] == c) for c in (1, 12)}
    assert by_category[1] == pytest.approx(300 * 1.19972542 + 100 * 1.09811442)
    assert by_category[12] == pytest.approx(300 * 0.00468568 + 100 * 1.1644894)


def test_express_box_paper_from_a_yz_t_0135_release(workspace, load, tmp_path):
    # YZ/T 0135-2014 (快递服务温室气体排放测量方法), cited by the logistics-park guide note 13:
    # express-box paper 1.14 t CO2 per t. Imported as a user-factor release, not a literal.
    path = tmp_path / "yzt.csv"
    path.write_text(
        "activity_key,name,region,year,gas,value,numerator_unit,per_unit,stage,source\n"
        "material/express_box_paper,Express box paper,CN,2014,CO2,1.14,t,t,cradle_to_gate,"
        "YZ/T 0135-2014 via guide note 13\n",
        encoding="utf-8",
    )
    info = ReleaseInfo(
        "yzt-0135-2014",
        "State Post Bureau",
        "YZ/T 0135-2014",
        "2014",
        "2014-01-01",
        "cited standard values",
        "",
        (),
    )
    add_factor_release(workspace, path, info)
    box = {
        **BOX,
        "material_key": "material/express_box_paper",
        "recycled_content": 0,
        "recycling_share": 1,
        "landfill_share": 0,
    }
    load(workspace, package_types=[box], packaging_use=[{**_use(), "entity_id": "E-CN"}])
    rows = [r for r in _rows(workspace) if r["method"] == "packaging" and r["scope3_category"] == 1]
    assert sum(r["co2e"] for r in rows) == pytest.approx(400 * 1.14)
    assert {r["factor_release"] for r in rows} == {"yzt-0135-2014"}


def test_unknown_package_type_stops_the_run(workspace, load):
    load(workspace, package_types=[BOX], packaging_use=[_use(package_type="envelope")])
    with pytest.raises(CarbonLedgerError, match="no activity key"):
        calculate(workspace)


def test_end_of_life_shares_must_add_up(workspace, load):
    load(workspace, package_types=[{**BOX, "landfill_share": 0.1}], packaging_use=[_use()])
    with pytest.raises(CarbonLedgerError, match=r"add up to 0\.85"):
        calculate(workspace)


def test_device_manufacture_use_and_in_year_memo(workspace, load, factor):
    # A 2 kg device of IT electricals (24,865.47556 kg CO2e/t, Material use!D55), 100 sold in
    # the UK, 50 kWh a year for 4 years, 20 % renewable-matched; 300 active this month.
    it = factor("desnz-2025", "material/electrical_items_it/primary_material_production", "CO2e")
    assert it["source_location"] == "Material use!D55"
    model = {
        "model": "hub1",
        "component": "unit",
        "material": "electronics_it",
        "mass": 2,
        "mass_unit": "kg",
        "landfill_share": 1,
    }
    sale = {
        "record_id": "D1",
        "entity_id": "E-GB",
        "period": "2025-06",
        "model": "hub1",
        "country": "GB",
        "units_sold": 100,
        "annual_energy": 50,
        "lifetime_years": 4,
        "renewable_share": 0.2,
        "active_devices": 300,
    }
    load(workspace, device_models=[model], device_sales=[sale])
    rows = _rows(workspace)
    made = [r for r in rows if r["method"] == "device_lifecycle" and r["scope3_category"] == 1]
    assert sum(r["co2e"] for r in made) == pytest.approx(200 * 24.86547556)
    use = [r for r in rows if r["method"] == "device_use"]
    grid = next(r for r in use if r["line"] == 0)
    per_kwh = sum(r["co2e"] for r in use if r["line"] == 0) / (100 * 50 * 4 * 0.8)
    memo = sum(r["co2e"] for r in use if r["line"] == 1)
    assert memo == pytest.approx(300 * 50 / 12 * 0.8 * per_kwh)
    assert {r["status"] for r in use if r["line"] == 1} == {"memo"}
    assert grid["scope3_category"] == 11 and grid["factor_release"].startswith("desnz")
