"""The park through HTTP (issue 18): a meter gateway posts readings with its bearer token
(retry-safe), a bad reading is a problem naming its row and column, readers see the checks,
the tree and the carbon the CLI gives, and another tenant sees nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.api.conftest import upload

METERS = (
    "meter_id,name,parent_id,level,facility_id,zone,medium,unit,reading_type\n"
    "MAIN,Park main,,park,F1,,electricity,kWh,cumulative\n"
    "ZA,Zone A,MAIN,zone,F1,A,electricity,kWh,interval\n"
)


def _readings(day: str) -> list[dict]:
    ends = pd.date_range(f"{day} 00:15", periods=96, freq="15min")
    counter = [1000.0 + 10.0 * i for i in range(97)]
    main = [{"meter_id": "MAIN", "time": f"{day} 00:00", "value": counter[0]}]
    main += [
        {"meter_id": "MAIN", "time": f"{t:%Y-%m-%d %H:%M}", "value": v}
        for t, v in zip(ends, counter[1:], strict=True)
    ]
    zone = [{"meter_id": "ZA", "time": f"{t:%Y-%m-%d %H:%M}", "value": 8.0} for t in ends]
    return main + zone


@pytest.fixture
def metered(loaded):
    alice = loaded.login("alice")
    reply = upload(alice, "acme", "meters", "meters.csv", METERS)
    assert reply.status_code == 201, reply.text
    return loaded


def test_gateway_posts_readings_once(metered):
    gateway = metered.bearer()
    body = {"readings": _readings("2025-03-01"), "source": "gw-1"}
    headers = {"Idempotency-Key": "gw-1-2025-03-01"}
    first = gateway.post("/api/v1/acme/park/readings", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = gateway.post("/api/v1/acme/park/readings", json=body, headers=headers)
    assert again.json()["batch"]["batch_id"] == first.json()["batch"]["batch_id"]
    unkeyed = gateway.post("/api/v1/acme/park/readings", json=body)
    assert unkeyed.status_code == 200 and unkeyed.json()["created"] is False
    assert first.json()["batch"]["rows"] == 97 + 96


def test_a_bad_reading_is_named_by_row_and_column(metered):
    gateway = metered.bearer()
    readings = _readings("2025-03-02")
    readings[3]["time"] = "2025-03-02T00:45:00Z"
    reply = gateway.post("/api/v1/acme/park/readings", json={"readings": readings})
    assert reply.status_code == 422
    finding = reply.json()["errors"][0]
    # row 5 as in the CSV the readings make: the header, then reading 1 is row 2
    assert (finding["row"], finding["column"]) == (5, "time") and "UTC offset" in reply.text


def test_readers_see_the_park_and_other_tenants_do_not(metered):
    metered.bearer().post("/api/v1/acme/park/readings", json={"readings": _readings("2025-03-01")})
    viewer = metered.login("victor")
    checked = viewer.get("/api/v1/acme/park/check", params={"period": "2025-03"}).json()
    assert checked["readings"] == 97 + 96 and checked["summary"] == []
    node = viewer.get("/api/v1/acme/park/nodes/MAIN", params={"period": "2025-03", "interval": "D"})
    totals = node.json()["totals"]
    assert totals["metered"] == pytest.approx(960) and totals["unmetered_share"] == pytest.approx(
        0.2
    )
    carbon = viewer.get("/api/v1/acme/park/carbon", params={"period": "2025-03"}).json()
    (facility,) = carbon["facilities"]
    assert facility["method"] == "annual average from the factor library"
    assert facility["kg_co2e"] == pytest.approx(960 * facility["years"]["2025"]["kg_per_kwh"])
    assert (
        viewer.post(
            "/api/v1/acme/park/readings", json={"readings": _readings("2025-03-03")}
        ).status_code
        == 403
    )
    bob = metered.login("bob")
    assert bob.get("/api/v1/acme/park/check", params={"period": "2025-03"}).status_code in (
        403,
        404,
    )
    missing = viewer.get("/api/v1/acme/park/nodes/NOPE", params={"period": "2025-03"})
    assert missing.status_code == 400 and "NOPE" in missing.text
