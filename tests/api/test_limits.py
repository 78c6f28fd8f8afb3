"""Rate limits (ASVS V11.1, V13.2) and the security log (ASVS V7.1) of the server."""

from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient

from carbonledger.api import ServerSettings
from carbonledger.web import create_app
from tests.api.conftest import PASSWORD
from tests.api.test_api import PROBLEM


def _limited(served, per_second: int, burst: int) -> TestClient:
    settings = ServerSettings(
        root=served.root, secure_cookies=False, rate_per_second=per_second, rate_burst=burst
    )
    return TestClient(create_app(settings))


def _logged_in(client: TestClient, name: str) -> None:
    reply = client.post("/api/v1/session", data={"username": name, "password": PASSWORD})
    assert reply.status_code == 200, reply.text


def test_a_caller_beyond_its_burst_waits_and_others_do_not(served):
    alice = _limited(served, 1, 3)
    _logged_in(alice, "alice")  # before the session: the address's bucket
    answers = [alice.get("/api/v1/acme/batches").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]  # the session's own bucket: 3 at once
    refused = alice.get("/api/v1/acme/batches")
    assert refused.status_code == 429 and refused.headers["content-type"] == PROBLEM
    assert int(refused.headers["retry-after"]) >= 1 and refused.json()["retry_after"] >= 1
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert alice.get("/healthz").status_code == 200  # liveness is never limited
    other = TestClient(alice.app, headers={"Authorization": "Bearer not-a-token"})
    assert other.get("/api/v1/acme/batches").status_code == 401  # its own bucket, not 429


def test_no_limit_when_turned_off(served):
    client = _limited(served, 0, 1)
    _logged_in(client, "alice")
    assert {client.get("/api/v1/acme/batches").status_code for _ in range(20)} == {200}


def _events(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "carbonledger.security"]


def test_security_events_are_logged_without_secrets(served, caplog):
    caplog.set_level(logging.WARNING, logger="carbonledger.security")
    wrong = served.client.post(
        "/api/v1/session", data={"username": "alice", "password": "not her password"}
    )
    assert wrong.status_code == 401
    victor = served.login("victor")
    assert victor.post("/api/v1/acme/calculations", json={}).status_code == 403
    assert victor.get("/api/v1/globex/batches").status_code == 404
    forged = TestClient(served.api, headers={"Authorization": "Bearer forged"})
    assert forged.get("/api/v1/acme/batches").status_code == 401
    found = _events(caplog)
    assert [e["event"] for e in found] == [
        "login_failed",
        "permission_denied",
        "tenant_denied",
        "token_refused",
    ]
    assert found[0]["username"] == "alice" and found[1]["subject"] == "user:victor"
    assert found[1]["permission"] == "calculate" and found[2]["tenant"] == "globex"
    text = caplog.text
    assert "not her password" not in text and "forged" not in text


def test_callers_whose_buckets_filled_again_are_forgotten(monkeypatch):
    from carbonledger.api import limits

    monkeypatch.setattr(limits, "_PRUNE_AT", 3)
    buckets = limits._Buckets(limits.RateLimit(per_second=1, burst=1))
    for number in range(3):
        assert buckets.wait(f"caller {number}", now=0.0) == 0
    assert buckets.wait("caller 0", now=0.5) > 0  # still empty: remembered
    assert buckets.wait("late", now=10.0) == 0  # the fourth caller passes the mark: pruned
    assert set(buckets._levels) == {"late"}
    assert buckets.wait("late", now=10.0) > 0  # its own bucket is kept
