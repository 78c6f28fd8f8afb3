"""A tenant's admin manages its people and machines through HTTP; every change is in the
tenant's history with who made it (issue 15)."""

from __future__ import annotations

import os

from tests.api.conftest import PASSWORD, upload
from tests.api.test_api import PROBLEM
from tests.conftest import POSTGRES_ENV


def test_an_admin_grants_and_revokes_roles(served):
    ada = served.login("ada")
    assert {m["username"]: m["role"] for m in ada.get("/api/v1/acme/members").json()} == {
        "ada": "admin",
        "alice": "analyst",
        "vera": "verifier",
        "victor": "viewer",
    }
    new = ada.put("/api/v1/acme/members/nina", json={"role": "viewer", "password": PASSWORD})
    assert new.status_code == 200, new.text
    nina = served.login("nina")
    assert nina.get("/api/v1/acme/batches").status_code == 200
    assert nina.get("/api/v1/globex/batches").status_code == 404
    # bob, of globex, given a role in acme; his password is his, not acme's admin's
    taken = ada.put("/api/v1/acme/members/bob", json={"role": "viewer", "password": "x" * 12})
    assert taken.status_code == 400 and "their password is theirs" in taken.json()["detail"]
    assert ada.put("/api/v1/acme/members/bob", json={"role": "viewer"}).status_code == 200
    assert served.login("bob").get("/api/v1/acme/batches").status_code == 200
    assert ada.put("/api/v1/acme/members/zed", json={"role": "viewer"}).status_code == 400
    machine_role = ada.put("/api/v1/acme/members/bob", json={"role": "client"})
    assert machine_role.status_code == 422 and machine_role.headers["content-type"] == PROBLEM
    assert ada.delete("/api/v1/acme/members/nina").status_code == 204
    assert nina.get("/api/v1/acme/batches").status_code == 404
    assert ada.delete("/api/v1/acme/members/nina").status_code == 400
    events = ada.get("/api/v1/acme/events").json()
    granted = [(e["subject"], e["actor"]) for e in events if e["kind"] == "access.granted"]
    assert granted == [("user:nina", "user:ada"), ("user:bob", "user:ada")]
    assert [e["subject"] for e in events if e["kind"] == "access.revoked"] == ["user:nina"]


def test_only_an_admin_manages_people(served):
    alice = served.login("alice")
    assert alice.get("/api/v1/acme/members").status_code == 403
    assert alice.put("/api/v1/acme/members/alice", json={"role": "admin"}).status_code == 403
    assert served.login("bob").get("/api/v1/acme/members").status_code == 404


def test_a_removed_machine_loses_its_tokens_at_once(served):
    ada = served.login("ada")
    added = ada.post("/api/v1/acme/clients", json={"name": "second gateway"})
    assert added.status_code == 201
    credentials = added.json()
    assert credentials["client_id"] in {
        c["client_id"] for c in ada.get("/api/v1/acme/clients").json()
    }
    assert "client_secret" not in str(ada.get("/api/v1/acme/clients").json())
    token = served.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
        },
    ).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    text = "record_id,facility_id,period,quantity,unit\nE1,F1,2024-01,5,kWh\n"
    assert served.client.get("/api/v1/acme/batches", headers=bearer).status_code == 200
    assert ada.delete(f"/api/v1/acme/clients/{credentials['client_id']}").status_code == 204
    assert served.client.get("/api/v1/acme/batches", headers=bearer).status_code == 401
    assert upload(served.client, "acme", "electricity", "e.csv", text, **bearer).status_code == 401


def test_accounts_live_in_the_store_under_test(served):
    """Under ``CARBONLEDGER_TEST_POSTGRES`` (the second pass of ``.ci/run``) the people,
    sessions, tokens and tenants the API tests use are PostgreSQL's, not a SQLite file's."""
    backend = served.api.state.server.accounts.url.get_backend_name()
    assert backend == ("postgresql" if POSTGRES_ENV in os.environ else "sqlite")
    assert (served.root / "server.db").exists() == (backend == "sqlite")


def test_an_admin_changes_the_tenants_settings(served):
    ada, victor = served.login("ada"), served.login("victor")
    before = victor.get("/api/v1/acme/settings").json()
    assert before["gwp_set"] == "AR5GWP100" and "database_url" not in before
    assert victor.patch("/api/v1/acme/settings", json={"gwp_set": "AR6GWP100"}).status_code == 403
    reply = ada.patch("/api/v1/acme/settings", json={"gwp_set": "AR6", "proxy_regions": ["gb"]})
    assert reply.status_code == 200, reply.text
    assert reply.json()["changed"] == {
        "gwp_set": ["AR5GWP100", "AR6GWP100"],
        "proxy_regions": [[], ["GB"]],
    }
    assert victor.get("/api/v1/acme/settings").json()["gwp_set"] == "AR6GWP100"
    assert served.login("bob").get("/api/v1/globex/settings").json()["gwp_set"] == "AR5GWP100"
    events = ada.get("/api/v1/acme/events", params={"kind": "settings.changed"}).json()
    assert [(e["actor"], e["payload"]["changed"]["gwp_set"]) for e in events] == [
        ("user:ada", ["AR5GWP100", "AR6GWP100"])
    ]
    # the same values again change nothing and record nothing
    same = ada.patch("/api/v1/acme/settings", json={"gwp_set": "AR6GWP100"})
    assert same.json()["changed"] == {}
    assert len(ada.get("/api/v1/acme/events", params={"kind": "settings.changed"}).json()) == 1


def test_a_settings_change_the_workspace_does_not_admit_is_named(served):
    ada = served.login("ada")
    for body, named in [
        ({"gwp_set": "AR9"}, "gwp_set"),
        ({"base_year": 1066}, "base_year"),
        ({"colour": "green"}, "colour"),
        ({"database_url": "sqlite:///elsewhere.db"}, "database_url"),
    ]:
        reply = ada.patch("/api/v1/acme/settings", json=body)
        assert reply.status_code == 422 and reply.headers["content-type"] == PROBLEM, body
        assert reply.json()["type"] == "/problems/settings" and named in reply.json()["detail"]
    assert ada.get("/api/v1/acme/settings").json()["base_year"] == 2020


def test_another_worker_sees_the_new_settings(served):
    """A second app over the same server root stands for a second worker process: its kept
    workspace re-reads the settings another worker changed."""
    from fastapi.testclient import TestClient

    from carbonledger.web import create_app

    other = TestClient(create_app(served.api.state.settings))
    login = other.post("/api/v1/session", data={"username": "victor", "password": PASSWORD})
    assert login.status_code == 200
    assert other.get("/api/v1/acme/settings").json()["base_year"] == 2020
    assert served.login("ada").patch("/api/v1/acme/settings", json={"base_year": 2021}).is_success
    assert other.get("/api/v1/acme/settings").json()["base_year"] == 2021
