"""Schemathesis over the published OpenAPI document: requests generated from the schema, as
every role, never make the server fail (no 5xx) (issue 15)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from carbonledger.api import ServerSettings, create_app  # noqa: E402
from carbonledger.app.accounts import add_client, add_member, add_user, client_token  # noqa: E402
from carbonledger.app.server import add_tenant, open_server  # noqa: E402

_ROOT = Path(tempfile.mkdtemp(prefix="carbonledger-fuzz-"))
atexit.register(shutil.rmtree, _ROOT, True)
_server = open_server(_ROOT / "srv", create=True)
add_tenant(_server, "acme", "Acme")
add_user(_server, "alice", "correct horse battery")
add_member(_server, "alice", "acme", "analyst")
_client, _secret = add_client(_server, "acme", "fuzzer")
APP = create_app(ServerSettings(root=_ROOT / "srv", secure_cookies=False))
TOKEN, _ = client_token(_server, _client, _secret)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_generated_request_makes_the_server_fail(case):
    if case.path_parameters and "tenant" in case.path_parameters:
        case.path_parameters["tenant"] = "acme"  # mostly a tenant that exists, to go deeper
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"}, checks=[not_a_server_error]
    )
