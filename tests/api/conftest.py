"""A server with two tenants, people of each role and a machine, behind an HTTP client."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from carbonledger.api import ServerSettings
from carbonledger.app.accounts import add_client, add_member, add_user
from carbonledger.app.server import add_tenant, open_server
from carbonledger.store.accounts import ACCOUNTS_URL_ENV, AccountsDatabase
from carbonledger.web import create_app
from tests.conftest import ELECTRICITY_CSV, POSTGRES_ENV, SITES

PASSWORD = "correct horse battery"
#: The shared electricity file without its bill-only record (which needs a tariff to estimate).
METERED = "".join(ELECTRICITY_CSV.splitlines(keepends=True)[:3])
PEOPLE = {
    "alice": ("acme", "analyst"),
    "victor": ("acme", "viewer"),
    "vera": ("acme", "verifier"),
    "ada": ("acme", "admin"),
    "bob": ("globex", "analyst"),
}


@dataclass
class Served:
    """The app (the whole server: API and pages), its root, and its machine's credentials."""

    client: TestClient
    api: FastAPI
    root: Path
    client_id: str
    client_secret: str

    def login(self, name: str) -> httpx.Client:
        """A client logged in as ``name`` (its CSRF token sent on every request)."""
        client = TestClient(self.api)
        reply = client.post("/api/v1/session", data={"username": name, "password": PASSWORD})
        assert reply.status_code == 200, reply.text
        client.headers["X-CSRF-Token"] = reply.json()["csrf_token"]
        return client

    def bearer(self) -> httpx.Client:
        """A client with the machine's bearer token."""
        reply = self.client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
            },
        )
        assert reply.status_code == 200, reply.text
        client = TestClient(self.api)
        client.headers["Authorization"] = f"Bearer {reply.json()['access_token']}"
        return client


def upload(client: httpx.Client, tenant: str, kind: str, name: str, text: str, **headers: str):
    """POST a file as a batch of ``kind``."""
    return client.post(
        f"/api/v1/{tenant}/batches",
        params={"kind": kind},
        files={"file": (name, text.encode("utf-8"), "text/csv")},
        headers=headers,
    )


@pytest.fixture
def served(tmp_path: Path) -> Served:
    root = tmp_path / "server"
    server = open_server(root, create=True)
    for tenant in ("acme", "globex"):
        add_tenant(server, tenant, tenant.capitalize())
    for name, (tenant, role) in PEOPLE.items():
        add_user(server, name, PASSWORD)
        add_member(server, name, tenant, role)
    client_id, secret = add_client(server, "acme", "meter gateway")
    app = create_app(ServerSettings(root=root, secure_cookies=False))
    return Served(TestClient(app), app, root, client_id, secret)


@pytest.fixture
def loaded(served: Served) -> Served:
    """Acme holds its sites and an electricity file (imported by its analyst)."""
    alice = served.login("alice")
    for kind, text in SITES.items():
        assert upload(alice, "acme", kind, f"{kind}.csv", text).status_code == 201
    assert upload(alice, "acme", "electricity", "e.csv", METERED).status_code == 201
    return served


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stores_of(root: Path) -> dict[str, str]:
    """The environment that gives a server process started here the databases this test
    process uses for ``root`` (under ``CARBONLEDGER_TEST_POSTGRES`` they are PostgreSQL's)."""
    if POSTGRES_ENV not in os.environ:
        return {}
    url = AccountsDatabase.for_server(root.resolve()).url
    return {ACCOUNTS_URL_ENV: url.render_as_string(hide_password=False)}


@contextlib.contextmanager
def serving(root: Path, log: Path) -> Iterator[str]:
    """``carbonledger serve --root ROOT`` started as a user would, on a free loopback port;
    its base URL once it answers (its output in ``log``); stopped at the end."""
    port = _free_port()
    command = [sys.executable, "-m", "carbonledger.cli", "serve", "--root", str(root)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "CARBONLEDGER_SECURE_COOKIES": "0", **_stores_of(root)},
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                pytest.fail(f"the server did not start:\n{log.read_text()}")
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)
