"""No request reads or writes another tenant's data (every tenant endpoint tried with the
other tenant's ids), and the server answers over loopback when started as a user would."""

from __future__ import annotations

import httpx2 as httpx

from carbonledger.app.accounts import add_member, add_user
from carbonledger.app.server import add_tenant, open_server
from tests.api.conftest import METERED, PASSWORD, serving, upload


def _tenant_routes(app) -> list[tuple[str, str]]:
    """Every method and path of a tenant, as the OpenAPI document publishes them."""
    return sorted(
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if "{tenant}" in path
        for method in operations
    )


def test_no_endpoint_lets_one_tenant_reach_another(loaded):
    alice, bob = loaded.login("alice"), loaded.login("bob")
    first = alice.get("/api/v1/acme/batches").json()[0]
    acme_batch = first["batch_id"]
    # what only acme's data holds (ids a request names may be named back to it)
    secrets = (first["source_sha256"], first["records_sha256"], "user:alice", "Acme")
    acme_job = alice.post("/api/v1/acme/calculations", json={"period": "2024"}).json()["job_id"]
    routes = _tenant_routes(loaded.api)
    assert len(routes) >= 10
    for method, path in routes:
        for tenant in ("acme", "globex"):  # acme: not bob's; globex: bob's, with acme's ids
            ids = {"batch_id": acme_batch, "job_id": acme_job, "period": "2024", "fmt": "json"}
            ids |= {"factor_id": "no-such-factor", "consumer_type": "order", "consumer_id": "O1"}
            ids |= {"username": "alice", "client_id": loaded.client_id, "facility_id": "F1"}
            ids |= {
                "target_id": "T1",
                "claim_id": "CL1",
                "meter_id": "MAIN",
                "participant_id": "e1",
                "entry": 1,
            }
            url = path.format(tenant=tenant, **ids)
            reply = bob.request(method, url)
            if tenant == "acme":
                assert reply.status_code == 404, (method, url, reply.text)
                assert reply.json()["detail"] == "no tenant 'acme'"
            else:
                allowed = (200, 204, 400, 403, 404, 409, 422)  # 403: bob is no admin of globex
                assert reply.status_code in allowed, (method, url, reply.text)
                assert not [s for s in secrets if s in reply.text], (method, url, reply.text)
    # and acme is as it was: three batches, none removed
    assert [b["status"] for b in alice.get("/api/v1/acme/batches").json()] == ["active"] * 3


def test_a_token_of_one_tenant_is_refused_in_another(loaded):
    machine = loaded.bearer()  # acme's gateway
    assert machine.get("/api/v1/acme/batches").status_code == 200
    reply = upload(machine, "globex", "electricity", "e.csv", METERED)
    assert reply.status_code == 404


def test_the_server_started_from_the_command_line_answers_on_loopback(tmp_path):
    root = tmp_path / "srv"
    server = open_server(root, create=True)
    add_tenant(server, "acme", "Acme")
    add_user(server, "alice", PASSWORD)
    add_member(server, "alice", "acme", "analyst")
    with serving(root, tmp_path / "server.log") as base, httpx.Client(base_url=base) as client:
        session = client.post("/api/v1/session", data={"username": "alice", "password": PASSWORD})
        assert session.status_code == 200
        client.headers["X-CSRF-Token"] = session.json()["csrf_token"]
        sites = "entity_id,name,country,equity_share,financial_control,operational_control\n"
        sites += "E-CN,Test Co China,CN,1,true,true\n"
        stored = upload(client, "acme", "entities", "entities.csv", sites)
        assert stored.status_code == 201, stored.text
        assert client.get("/api/v1/acme/batches").json()[0]["rows"] == 1
        assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
