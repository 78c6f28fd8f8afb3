"""The REST API through HTTP: sessions and CSRF, client credentials, roles, idempotent
uploads, problem details, background calculations, pagination (issue 15)."""

from __future__ import annotations

import time

from tests.api.conftest import METERED, PASSWORD, upload
from tests.conftest import SITES

PROBLEM = "application/problem+json"


def test_openapi_is_3_1_and_lists_every_job(served):
    spec = served.client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    paths = set(spec["paths"])
    for path in (
        "/oauth/token",
        "/api/v1/session",
        "/api/v1/{tenant}/batches",
        "/api/v1/{tenant}/calculations",
        "/api/v1/{tenant}/jobs/{job_id}",
        "/api/v1/{tenant}/totals",
        "/api/v1/{tenant}/inventory",
    ):
        assert path in paths, path


def test_a_request_without_credentials_is_a_401_problem(served):
    reply = served.client.get("/api/v1/acme/batches")
    assert reply.status_code == 401 and reply.headers["content-type"] == PROBLEM
    assert reply.json()["type"] == "/problems/authentication"
    assert reply.headers["WWW-Authenticate"] == "Bearer"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_a_session_write_needs_its_csrf_token(served):
    alice = served.login("alice")
    token = alice.headers.pop("X-CSRF-Token")
    refused = upload(alice, "acme", "entities", "e.csv", SITES["entities"])
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["detail"]
    stored = upload(
        alice, "acme", "entities", "e.csv", SITES["entities"], **{"X-CSRF-Token": token}
    )
    assert stored.status_code == 201 and stored.json()["batch"]["rows"] == 1


def test_five_wrong_passwords_lock_the_name(served):
    for _ in range(5):
        wrong = served.client.post(
            "/api/v1/session", data={"username": "alice", "password": "x" * 12}
        )
        assert wrong.status_code == 401
    right = served.client.post("/api/v1/session", data={"username": "alice", "password": PASSWORD})
    assert right.status_code == 401 and "too many failed logins" in right.json()["detail"]
    other = served.client.post("/api/v1/session", data={"username": "victor", "password": PASSWORD})
    assert other.status_code == 200


def test_an_upload_retried_with_its_key_stores_once(served):
    alice = served.login("alice")
    key = {"Idempotency-Key": "upload-entities-1"}
    first = upload(alice, "acme", "entities", "e.csv", SITES["entities"], **key)
    again = upload(alice, "acme", "entities", "e.csv", SITES["entities"], **key)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert len(alice.get("/api/v1/acme/batches").json()) == 1
    other = upload(
        alice, "acme", "entities", "e2.csv", SITES["entities"] + "E-X,X,CN,1,true,true\n", **key
    )
    assert other.status_code == 422 and "used for another request" in other.json()["detail"]


def test_validation_findings_come_back_with_row_and_column(loaded):
    alice = loaded.login("alice")
    bad = (
        "record_id,facility_id,period,quantity,unit\n"
        "E9,F1,2024-13,12,kWh\nE10,F1,2024-01,lots,kWh\n"
    )
    reply = upload(alice, "acme", "electricity", "bad.csv", bad)
    assert reply.status_code == 422 and reply.headers["content-type"] == PROBLEM
    problem = reply.json()
    assert problem["type"] == "/problems/validation" and problem["detail"].startswith("2 error(s)")
    places = {(e["row"], e["column"], e["rule"]) for e in problem["errors"]}
    assert places == {(2, "period", "month"), (3, "quantity", "number")}


def test_roles_decide_what_each_person_may_do(loaded):
    victor, vera = loaded.login("victor"), loaded.login("vera")
    assert victor.get("/api/v1/acme/batches").status_code == 200
    refused = upload(victor, "acme", "electricity", "e2.csv", METERED)
    assert refused.status_code == 403 and refused.json()["type"] == "/problems/forbidden"
    assert victor.get("/api/v1/acme/events").status_code == 403  # raw history: not a viewer's
    assert vera.get("/api/v1/acme/events").status_code == 200
    assert vera.post("/api/v1/acme/calculations", json={"period": "2024"}).status_code == 403


def test_a_machine_uploads_and_calculates_in_the_background(loaded):
    machine = loaded.bearer()
    more = "record_id,facility_id,period,quantity,unit\nE7,F2,2024-03,500,kWh\n"
    assert upload(machine, "acme", "electricity", "more.csv", more).status_code == 201
    started = machine.post("/api/v1/acme/calculations", json={"period": "2024"})
    assert started.status_code == 202, started.text
    location = started.headers["Location"]
    for _ in range(600):
        job = machine.get(location).json()
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.1)
    assert job["status"] == "succeeded", job["error"]
    assert job["actor"] == f"client:{loaded.client_id}"
    run_id = job["result"]["run_id"]
    totals = machine.get("/api/v1/acme/totals", params={"period": "2024"}).json()
    assert totals["run_id"] == run_id and sum(r["co2e"] for r in totals["rows"]) > 0
    inventory = machine.get("/api/v1/acme/inventory", params={"period": "2024", "samples": 200})
    assert inventory.status_code == 200 and inventory.json()["run_id"] == run_id


def test_kept_results_give_way_to_every_change(loaded):
    """Totals and the overview are kept between requests (``app.cache``), and a change (a new
    batch, a new run) is seen by the next read."""
    alice = loaded.login("alice")
    first = _calculated(loaded, alice)
    read = alice.get("/api/v1/acme/totals", params={"period": "2024"}).json()
    page = alice.get("/t/acme", params={"period": "2024"}).text
    assert read == alice.get("/api/v1/acme/totals", params={"period": "2024"}).json()
    assert loaded.api.state.cache.stats.hits >= 1
    more = "record_id,facility_id,period,quantity,unit\nE7,F2,2024-03,500000,kWh\n"
    assert upload(alice, "acme", "electricity", "more.csv", more).status_code == 201
    second = _calculated(loaded, alice)
    again = alice.get("/api/v1/acme/totals", params={"period": "2024"}).json()
    assert (read["run_id"], again["run_id"]) == (first, second)
    assert sum(r["co2e"] for r in again["rows"]) > sum(r["co2e"] for r in read["rows"])
    assert second[:12] in alice.get("/t/acme", params={"period": "2024"}).text
    assert second[:12] not in page


def test_every_change_records_who_made_it(loaded):
    events = loaded.login("vera").get("/api/v1/acme/events").json()
    stored = [e for e in events if e["kind"] == "batch.stored"]
    assert len(stored) == 3 and {e["actor"] for e in stored} == {"user:alice"}


def test_lists_are_paginated_with_link_headers(loaded):
    alice = loaded.login("alice")
    first = alice.get("/api/v1/acme/batches", params={"per_page": 2})
    assert len(first.json()) == 2 and first.headers["X-Total-Count"] == "3"
    links = first.headers["Link"]
    assert 'rel="next"' in links and 'rel="last"' in links and "page=2" in links
    second = alice.get("/api/v1/acme/batches", params={"per_page": 2, "page": 2})
    assert len(second.json()) == 1 and 'rel="prev"' in second.headers["Link"]


def _calculated(served, client) -> str:
    started = client.post("/api/v1/acme/calculations", json={"period": "2024"})
    for _ in range(600):
        job = client.get(started.headers["Location"]).json()
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.1)
    assert job["status"] == "succeeded", job["error"]
    return job["result"]["run_id"]


def test_a_locked_period_refuses_imports_until_restated(loaded):
    alice = loaded.login("alice")
    run_id = _calculated(loaded, alice)
    locked = alice.post("/api/v1/acme/periods/2024/lock", json={})
    assert locked.status_code == 200 and locked.json()["run_id"] == run_id
    late = "record_id,facility_id,period,quantity,unit\nE8,F1,2024-05,10,kWh\n"
    refused = upload(alice, "acme", "electricity", "late.csv", late)
    assert refused.status_code == 409 and refused.json()["type"] == "/problems/period-locked"
    assert (
        loaded.login("victor")
        .post("/api/v1/acme/periods/2024/restate", json={"reason": "x"})
        .status_code
        == 403
    )
    reopened = alice.post("/api/v1/acme/periods/2024/restate", json={"reason": "late meter file"})
    assert reopened.status_code == 200 and reopened.json()["status"] != locked.json()["status"]
    assert upload(alice, "acme", "electricity", "late.csv", late).status_code == 201
    history = [p["status"] for p in alice.get("/api/v1/acme/periods").json()]
    assert len(history) == 2


def test_reports_download_in_each_format_and_language(loaded):
    alice = loaded.login("alice")
    _calculated(loaded, alice)
    html = alice.get("/api/v1/acme/reports/html", params={"period": "2024", "language": "zh"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "attachment" in html.headers["content-disposition"] and "范围" in html.text
    pdf = alice.get("/api/v1/acme/reports/pdf", params={"period": "2024"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    data = alice.get("/api/v1/acme/reports/json", params={"period": "2024"}).json()
    assert data and alice.get("/api/v1/acme/reports/docx").status_code == 422
