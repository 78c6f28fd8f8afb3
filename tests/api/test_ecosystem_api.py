"""Scope 3+ through HTTP: a programme's system posts its activities (retry-safe), a bad row is a
problem naming its row and column, an analyst calculates, readers see progress, a
participant's footprint and the methodologies, and another tenant sees nothing."""

from __future__ import annotations

import pytest

from tests.api.conftest import upload

PROGRAMMES = (
    "programme_id,name,type,owner,methodologies,goal,start_year,end_year,region,points_per_kg\n"
    "OFF,Green office,green_office,HR,office_energy_saving,5,2024,2030,CN,2\n"
)


def _activities(n: int) -> list[dict]:
    return [
        {
            "activity_id": f"A{i}",
            "programme_id": "OFF",
            "methodology": "office_energy_saving",
            "participant_id": f"e{i % 3}",
            "participant_type": "employee",
            "date": "2024-06-01",
            "amount": 100,
            "unit": "kWh",
        }
        for i in range(n)
    ]


@pytest.fixture
def programmed(loaded):
    alice = loaded.login("alice")
    assert upload(alice, "acme", "programmes", "p.csv", PROGRAMMES).status_code == 201
    return loaded


def test_a_system_posts_activities_once_and_readers_see_progress(programmed):
    system = programmed.bearer()
    body = {"activities": _activities(6), "source": "hr-app"}
    headers = {"Idempotency-Key": "hr-2024-06"}
    first = system.post("/api/v1/acme/ecosystem/activities", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = system.post("/api/v1/acme/ecosystem/activities", json=body, headers=headers)
    assert again.json()["batch"]["batch_id"] == first.json()["batch"]["batch_id"]
    calculated = system.post("/api/v1/acme/ecosystem/calculate")
    assert calculated.status_code == 200, calculated.text
    assert calculated.json()["rows"] == 6
    viewer = programmed.login("victor")
    found = viewer.get("/api/v1/acme/ecosystem/progress").json()
    (office,) = found["programmes"]
    kg_per_kwh = office["years"][0]["counted"] * 1000 / 600
    assert office["years"][0]["actions"] == 6 and 0.4 < kg_per_kwh < 0.7  # China's grid
    person = viewer.get("/api/v1/acme/ecosystem/participants/e1").json()
    assert person["actions"] == 2 and person["points"] == round(person["reduction_kg"] * 2)
    missing = viewer.get("/api/v1/acme/ecosystem/participants/nobody")
    assert missing.status_code == 404
    methods = viewer.get("/api/v1/acme/ecosystem/methodologies").json()
    assert methods["e_waybill"]["version"] == 1
    assert viewer.post("/api/v1/acme/ecosystem/calculate").status_code == 403
    bob = programmed.login("bob")
    assert bob.get("/api/v1/acme/ecosystem/progress").status_code in (403, 404)


def test_a_bad_activity_is_named_by_row_and_column(programmed):
    activities = _activities(3)
    activities[1]["unit"] = "furlongs"
    reply = programmed.bearer().post(
        "/api/v1/acme/ecosystem/activities", json={"activities": activities}
    )
    assert reply.status_code == 422
    finding = reply.json()["errors"][0]
    assert (finding["row"], finding["column"]) == (3, "unit")
