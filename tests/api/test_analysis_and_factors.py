"""The analyses and the factor library through HTTP (issue 15): the same answers as the CLI."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.api.test_api import PROBLEM, _calculated


@pytest.fixture
def calculated(loaded):
    alice = loaded.login("alice")
    run_id = _calculated(loaded, alice)
    return loaded, alice, run_id


def test_uncertainty_quality_and_scope3_of_the_run(calculated):
    _, alice, run_id = calculated
    found = alice.get("/api/v1/acme/uncertainty", params={"period": "2024", "samples": 500})
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["run_id"] == run_id and body["samples"] == 500
    assert {"2 location", "2 market"} <= {r["part"] for r in body["rows"]}
    assert all(r["low"] <= r["co2e"] <= r["high"] for r in body["rows"] if r["co2e"])
    quality = alice.get("/api/v1/acme/quality", params={"by": "scope"}).json()
    assert quality["run_id"] == run_id and quality["rows"]
    scope3 = alice.get("/api/v1/acme/scope3", params={"language": "zh"}).json()
    assert len(scope3["rows"]) == 15
    assert alice.get("/api/v1/acme/intensity", params={"period": "2024"}).json()["rows"] == []


def test_an_analysis_that_cannot_be_done_says_why(calculated):
    _, alice, _ = calculated
    change = alice.get("/api/v1/acme/change", params={"before": "2023", "after": "2024"})
    assert change.status_code == 400 and change.headers["content-type"] == PROBLEM
    assert "holds no data for 2023" in change.json()["detail"]
    shipments = alice.get("/api/v1/acme/shipments")
    assert shipments.status_code == 400 and "no transport_legs" in shipments.json()["detail"]


def test_forecast_years_are_checked_one_by_one(calculated):
    """Each repeated ``year`` is bounded (the bound on the list itself was a 500: the OpenAPI
    examples' recording found it)."""
    _, alice, _ = calculated
    found = alice.get("/api/v1/acme/forecast", params={"year": [2026, 2027]})
    assert found.status_code in (200, 400), found.text
    out_of_range = alice.get("/api/v1/acme/forecast", params={"year": [2026, 1066]})
    assert out_of_range.status_code == 422 and "1990" in out_of_range.text


def test_a_viewer_reads_analyses_but_keeps_no_base_year(calculated):
    served, _, _ = calculated
    victor = served.login("victor")
    assert victor.get("/api/v1/acme/quality").status_code == 200
    assert victor.post("/api/v1/acme/base-year").status_code == 403


def test_factors_are_searched_and_shown_with_their_licence(served):
    alice = served.login("alice")
    found = alice.get("/api/v1/acme/factors", params={"q": "天然气", "region": "GB"})
    assert found.status_code == 200 and found.json()
    assert all(r["region"] == "GB" for r in found.json())
    factor_id = found.json()[0]["factor_id"]
    one = alice.get(f"/api/v1/acme/factors/{factor_id}").json()
    assert one["factor_id"] == factor_id and one["release"]["licence"]
    missing = alice.get("/api/v1/acme/factors/no-such-factor")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    releases = alice.get("/api/v1/acme/factor-releases").json()
    assert {"epa-hub-2025", "desnz-2025", "mee-cn-2021-2023"} <= {r["release_id"] for r in releases}
    assert all(r["licence"] for r in releases)


def test_one_activity_is_estimated_as_the_publisher_tabulates(served):
    """EPA GHG Emission Factors Hub 2025, table 1, natural gas: 53.06 kg CO2, 1.0 g CH4 and
    0.10 g N2O per mmBtu; 1,000 therm = 100 mmBtu (HHV) gives 5,306 kg CO2 + 0.1 kg CH4 x 28
    + 0.01 kg N2O x 265 (AR5) = 5,311.45 kg CO2e."""
    alice = served.login("alice")
    body = {
        "activity_key": "fuel/natural_gas",
        "quantity": 1000,
        "unit": "therm",
        "region": "US",
        "year": 2025,
        "heating_value_basis": "HHV",
    }
    found = alice.post("/api/v1/acme/estimate", json=body)
    assert found.status_code == 200, found.text
    result = found.json()
    assert result["co2e_kg"] == pytest.approx(5311.45, abs=0.01)
    assert {g["gas"] for g in result["gases"]} == {"CO2", "CH4", "N2O"}
    assert all(g["factor_id"] and g["release_id"] for g in result["gases"])
    atlantis = {**body, "region": "ATLANTIS", "strict": True}
    nowhere = alice.post("/api/v1/acme/estimate", json=atlantis)
    assert nowhere.status_code == 422 and nowhere.json()["type"].endswith("no-factor")


def test_a_verifier_downloads_the_evidence_pack_and_a_viewer_may_not(calculated):
    served, _, run_id = calculated
    vera = served.login("vera")
    found = vera.get("/api/v1/acme/evidence", params={"period": "2024"})
    assert found.status_code == 200, found.text
    assert found.headers["content-type"] == "application/zip"
    assert 'filename="carbonledger-acme-2024-evidence.zip"' in found.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(found.content)) as pack:
        names = set(pack.namelist())
        assert {"run_manifest.json", "numbers.json", "ledger.parquet", "lineage.csv"} <= names
        assert run_id in pack.read("README.txt").decode()
        assert json.loads(pack.read("run_manifest.json"))["gwp_set"] == "AR5GWP100"
    assert served.login("victor").get("/api/v1/acme/evidence").status_code == 403


def test_totals_are_filtered_by_facility_and_scope(calculated):
    _, alice, _ = calculated
    whole = alice.get("/api/v1/acme/totals", params={"by": ["facility", "scope"]}).json()
    only = alice.get(
        "/api/v1/acme/totals", params={"by": "facility", "facility": "F1", "scope": [2]}
    ).json()
    assert [r["facility"] for r in only["rows"]] == ["F1"]
    f1 = sum(r["co2e"] for r in whole["rows"] if r["facility"] == "F1" and r["scope"] == 2)
    assert only["rows"][0]["co2e"] == pytest.approx(f1) and f1 > 0
    refused = alice.get("/api/v1/acme/totals", params={"scope": 4})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"].endswith("scope.0")


def test_facilities_and_one_facility(calculated):
    _, alice, run_id = calculated
    listed = alice.get("/api/v1/acme/facilities").json()
    assert listed["run_id"] == run_id
    assert {r["facility_id"] for r in listed["rows"]} == {"F1", "F2"}
    f1 = alice.get("/api/v1/acme/facilities/F1").json()
    location = sum(r["co2e"] for r in f1["scopes"]["location"])
    by_month = sum(r["co2e"] for r in f1["months"])
    assert location == pytest.approx(by_month) and location > 0
    row = next(r for r in listed["rows"] if r["facility_id"] == "F1")
    assert row["co2e_location"] == pytest.approx(location)
    missing = alice.get("/api/v1/acme/facilities/NOPE")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM


def test_hotspots_are_filtered_as_totals_are(calculated):
    """A Pareto of some scopes and facilities holds what the totals of the same filter hold."""
    _, alice, run_id = calculated
    for basis in ("location", "market"):
        for params in ({"scope": 2}, {"facility": "F1"}, {"scope": [1, 2], "facility": "F2"}):
            query = {**params, "basis": basis}
            spots = alice.get("/api/v1/acme/hotspots", params={**query, "by": "facility"})
            assert spots.status_code == 200, spots.text
            assert spots.json()["run_id"] == run_id and spots.json()["basis"] == basis
            by_spot = {r["facility"]: r["co2e"] for r in spots.json()["rows"]}
            totals = alice.get("/api/v1/acme/totals", params={**query, "by": "facility"})
            by_total = {r["facility"]: r["co2e"] for r in totals.json()["rows"]}
            assert by_spot == pytest.approx(by_total), params
    assert set(by_spot) <= {"F2"}
    unknown = alice.get("/api/v1/acme/hotspots", params={"by": "colour"})
    assert unknown.status_code == 422 and unknown.headers["content-type"] == PROBLEM
