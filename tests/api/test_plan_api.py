"""The plan through HTTP (issue 16): targets, history, measures, the MACC and the pathway give
what the CLI gives, to every reader of the tenant, and errors as problem details."""

from __future__ import annotations

import pytest

from tests.api.conftest import upload
from tests.api.test_api import PROBLEM, _calculated

TARGETS = (
    "target_id,version,kind,name,scopes,base_year,target_year,submitted,ambition,reason\n"
    "T1,1,absolute,Scope 1+2 -25 %,1+2,2024,2030,2025,well_below_2C,first\n"
    "T1,2,absolute,Scope 1+2 -42 %,1+2,2024,2030,2025,1.5C,raised to 1.5 °C\n"
)
MEASURES = (
    "measure_id,measure_type,name,facility_id,start_year,lifetime_years,capex,discount_rate,"
    "currency\n"
    "LED,led_lighting,LED at F1,F1,2025,10,1000,0.05,CNY\n"
)
INPUTS = (
    "measure_id,input,value,unit\n"
    "LED,fixtures,10,\nLED,power_before,100,W\nLED,power_after,50,W\nLED,hours,1000,h\n"
    "LED,electricity_price,0.7,CNY / kWh\n"
)


@pytest.fixture
def planned(loaded):
    alice = loaded.login("alice")
    run_id = _calculated(loaded, alice)
    for kind, text in (("targets", TARGETS), ("measures", MEASURES), ("measure_inputs", INPUTS)):
        assert upload(alice, "acme", kind, f"{kind}.csv", text).status_code == 201
    return loaded, alice, run_id


def test_targets_and_history(planned):
    served, alice, run_id = planned
    body = alice.get("/api/v1/acme/targets").json()
    assert body["run_id"] == run_id
    (target,) = body["targets"]
    assert target["version"] == 2
    progress = target["progress"]
    assert progress["target_value"] == pytest.approx(progress["base_value"] * (1 - 0.042 * 6))
    history = served.login("victor").get("/api/v1/acme/targets/T1/history")
    assert history.status_code == 200
    assert [v["reason"] for v in history.json()] == ["first", "raised to 1.5 °C"]
    missing = alice.get("/api/v1/acme/targets/T9/history")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM


def test_measures_macc_and_pathway(planned):
    _, alice, _ = planned
    (measure,) = alice.get("/api/v1/acme/measures").json()
    change = measure["changes"][0]
    assert change["quantity"] == pytest.approx(-500.0)  # 10 x 50 W x 1,000 h
    assert change["factor_ids"] and change["energy_cost_change"] == pytest.approx(-350.0)
    curve = alice.get("/api/v1/acme/macc", params={"basis": "location"}).json()
    (bar,) = curve["rows"]
    assert bar["measure_id"] == "LED" and bar["abatement"] == pytest.approx(measure["abatement"])
    path = alice.get("/api/v1/acme/pathway", params={"horizon": 2027, "basis": "location"})
    assert path.status_code == 200, path.text
    years = {y["year"]: y for y in path.json()["years"]}
    assert years[2024]["reductions"] == 0 and years[2025]["wedges"]["LED"] > 0
    assert [t["target_id"] for t in path.json()["targets"]] == ["T1"]
    types = alice.get("/api/v1/acme/measure-types").json()
    assert "high_efficiency_motor" in types and types["rooftop_pv"]["inputs"]["capacity"]


def test_plan_without_its_tables_says_what_is_missing(loaded):
    alice = loaded.login("alice")
    _calculated(loaded, alice)
    response = alice.get("/api/v1/acme/targets")
    assert response.status_code == 400 and response.headers["content-type"] == PROBLEM
    assert "no targets imported" in response.json()["detail"]
    bad = alice.get("/api/v1/acme/macc", params={"basis": "both"})
    assert bad.status_code == 422
