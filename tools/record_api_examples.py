"""Record the OpenAPI response examples from a demo workspace's real answers.

    carbonledger demo --out demo
    python tools/record_api_examples.py --workspace demo

Serves a copy of the workspace in-process as the tenant ``demo`` to an admin, calls every
JSON ``GET`` of the API (path parameters filled with ids the lists answered: a facility, a
target, a claim ...), and the writes whose answers the OpenAPI should show, and writes each
200/201/202 body, lists cut to their first two items and long strings shortened, to
``src/carbonledger/api/openapi_examples.json`` (``"METHOD /path": body``). ``create_app``
publishes them as each response's example; ``tests/api/test_openapi_examples.py`` fails for an
operation without one and for an example whose fields no longer match a live answer.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

OUT = Path(__file__).parents[1] / "src" / "carbonledger" / "api" / "openapi_examples.json"
PASSWORD = "record the examples"
#: Items a recorded list keeps, and characters a recorded string keeps.
KEEP_ITEMS, KEEP_CHARS = 2, 160
#: Query parameters the demo's answers need (required ones, or the demo's own period).
QUERIES = {
    "/change": {"before": "2024", "after": "2025"},
    "/forecast": {"year": "2030"},
    "/factors": {"q": "electricity", "region": "CN"},
    "/credits/disclosure": {"period": "2025"},
    "/park/": {"period": "2025-07", "month": "2025-07", "as_of": "2025-07-15"},
}


def trimmed(value: Any) -> Any:
    """``value`` with lists cut to :data:`KEEP_ITEMS` and strings to :data:`KEEP_CHARS`."""
    if isinstance(value, dict):
        return {k: trimmed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [trimmed(v) for v in value[:KEEP_ITEMS]]
    if isinstance(value, str) and len(value) > KEEP_CHARS:
        return value[:KEEP_CHARS] + "…"
    return value


def _found(value: Any, field: str) -> str | None:
    """The first value of ``field`` anywhere in a JSON body."""
    if isinstance(value, dict):
        if value.get(field) is not None and not isinstance(value[field], dict | list):
            return str(value[field])
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            if (found := _found(item, field)) is not None:
                return found
    return None


def _first(client: TestClient, path: str, field: str) -> str | None:
    """The first ``field`` of the answer to ``GET path`` (None if it fails)."""
    reply = client.get(path)
    return _found(reply.json(), field) if reply.status_code == 200 else None


def _participant(workspace: Path) -> str | None:
    """A participant of the demo's Scope 3+ programmes (from its stored activities)."""
    from carbonledger.app import open_workspace

    opened = open_workspace(workspace)
    batches = opened.batches("ecosystem_activities")
    if not batches:
        return None
    return str(opened.read_batch(batches[0].batch_id).column("participant_id")[0])


def _recorded(examples: dict[str, Any], key: str, reply: Any) -> Any:
    """Keep ``reply``'s body under ``key`` if it succeeded with JSON (else say why not)."""
    if reply.is_success and reply.headers.get("content-type", "").startswith("application/json"):
        examples[key] = trimmed(reply.json())
        return reply.json()
    print(f"not recorded: {key} answered {reply.status_code} {reply.text[:200]}")
    return None


def _electricity(workspace: Path, period: str, scale: float) -> bytes:
    """Two of the demo's electricity rows moved to ``period`` (a new file to upload)."""
    lines = (workspace / "inputs" / "electricity.csv").read_bytes().splitlines()
    rows = []
    for number, line in enumerate(lines[1:3]):
        fields = line.split(b",")
        fields[0] = f"EXAMPLE-{period}-{number}".encode()
        fields[2] = period.encode()
        fields[3] = f"{float(fields[3]) * scale:.3f}".encode()
        rows.append(b",".join(fields))
    return b"\n".join([lines[0], *rows]) + b"\n"


def _writes(client: TestClient, base: str, workspace: Path, ids: dict[str, Any]) -> dict:
    """The writes' answers, made on the copy."""
    examples: dict[str, Any] = {}
    upload = {"file": ("electricity.csv", _electricity(workspace, "2026-01", 1.0), "text/csv")}
    _recorded(
        examples,
        "POST /api/v1/{tenant}/validations",
        client.post(f"{base}/validations", params={"kind": "electricity"}, files=upload),
    )
    stored = _recorded(
        examples,
        "POST /api/v1/{tenant}/batches",
        client.post(f"{base}/batches", params={"kind": "electricity"}, files=upload),
    )
    if stored is not None:
        batch = stored.get("batch_id") or _found(stored, "batch_id")
        again = {"file": ("electricity.csv", _electricity(workspace, "2026-01", 1.1), "text/csv")}
        replaced = _recorded(
            examples,
            "PUT /api/v1/{tenant}/batches/{batch_id}",
            client.put(f"{base}/batches/{batch}", files=again, data={"reason": "an example"}),
        )
        newest = _found(replaced, "batch_id") if replaced else batch
        _recorded(
            examples,
            "DELETE /api/v1/{tenant}/batches/{batch_id}",
            client.delete(f"{base}/batches/{newest}", params={"reason": "an example"}),
        )
    _recorded(examples, "POST /api/v1/{tenant}/base-year", client.post(f"{base}/base-year"))
    _recorded(
        examples,
        "POST /api/v1/{tenant}/periods/{period}/lock",
        client.post(f"{base}/periods/2025/lock", json={}),
    )
    _recorded(
        examples,
        "POST /api/v1/{tenant}/periods/{period}/restate",
        client.post(f"{base}/periods/2025/restate", json={"reason": "an example"}),
    )
    _recorded(
        examples,
        "GET /api/v1/{tenant}/reports/{fmt}",
        client.get(f"{base}/reports/json", params={"period": "2025"}),
    )
    _recorded(
        examples,
        "POST /api/v1/{tenant}/ecosystem/calculate",
        client.post(f"{base}/ecosystem/calculate"),
    )
    _recorded(
        examples, "POST /api/v1/{tenant}/audit/checkpoint", client.post(f"{base}/audit/checkpoint")
    )
    _recorded(
        examples,
        "PUT /api/v1/{tenant}/members/{username}",
        client.put(f"{base}/members/nina", json={"role": "viewer", "password": PASSWORD}),
    )
    machine = _recorded(
        examples,
        "POST /api/v1/{tenant}/clients",
        client.post(f"{base}/clients", json={"name": "meter gateway"}),
    )
    if machine is not None:
        token = client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": machine["client_id"],
                "client_secret": machine["client_secret"],
            },
        )
        _recorded(examples, "POST /oauth/token", token)
    readings = [
        {"meter_id": ids["meter_id"], "time": f"2026-01-01 00:{m:02d}", "value": 12.5}
        for m in (15, 30, 45)
    ]
    _recorded(
        examples,
        "POST /api/v1/{tenant}/park/readings",
        client.post(f"{base}/park/readings", json={"readings": readings, "source": "gateway"}),
    )
    activity = _an_activity(workspace)
    if activity is not None:
        _recorded(
            examples,
            "POST /api/v1/{tenant}/ecosystem/activities",
            client.post(f"{base}/ecosystem/activities", json={"activities": [activity]}),
        )
    return examples


def _an_activity(workspace: Path) -> dict[str, Any] | None:
    """One of the demo's Scope 3+ actions under a new id (JSON values, blanks left out)."""
    from carbonledger.app import open_workspace

    opened = open_workspace(workspace)
    batches = opened.batches("ecosystem_activities")
    if not batches:
        return None
    row = opened.read_batch(batches[0].batch_id).slice(0, 1).to_pylist()[0]
    row = {k: (str(v) if hasattr(v, "isoformat") else v) for k, v in row.items() if v is not None}
    return {**row, "activity_id": "EXAMPLE-1", "source_ref": "EXAMPLE-1"}


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, required=True, help="a demo workspace")
    args = parser.parse_args()

    from carbonledger.api import ServerSettings
    from carbonledger.app import serve_workspace
    from carbonledger.app.accounts import add_member
    from carbonledger.demo.generate import load_company
    from carbonledger.web import create_app

    with tempfile.TemporaryDirectory(prefix="carbonledger-examples-") as scratch:
        copy = Path(scratch) / "workspace"
        shutil.copytree(args.workspace, copy)
        root = Path(scratch) / "server"
        server = serve_workspace(root, copy, "Demo group", "ada", PASSWORD)
        add_member(server, "ada", "demo", "admin")
        api = create_app(ServerSettings(root=root, secure_cookies=False, rate_per_second=0))
        client = TestClient(api)
        login = client.post("/api/v1/session", data={"username": "ada", "password": PASSWORD})
        login.raise_for_status()
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        base = "/api/v1/demo"
        ids = {
            "tenant": "demo",
            "facility_id": _first(client, f"{base}/facilities", "facility_id"),
            "target_id": _first(client, f"{base}/targets", "target_id"),
            "claim_id": _first(client, f"{base}/claims", "claim_id"),
            "meter_id": _first(client, f"{base}/park/check?period=2025-07", "meter_id"),
            "participant_id": _participant(copy),
            "entry": "1",
            "consumer_type": "order",
            "consumer_id": load_company()["allocation"]["sample_order"]["order_id"],
        }
        ids["factor_id"] = _first(client, f"{base}/factors?q=electricity&region=CN", "factor_id")
        examples: dict[str, Any] = {}
        examples["POST /api/v1/session"] = {"username": "ada", "csrf_token": "…"}
        for path, operations in api.openapi()["paths"].items():
            if "get" not in operations or "{fmt}" in path:
                continue
            names = re.findall(r"{(\w+)}", path)
            if any(ids.get(n) is None for n in names):
                print(f"skipped (no id): GET {path}")
                continue
            filled = path
            for name in names:
                filled = filled.replace("{" + name + "}", str(ids.get(name, "")))
            query = next((q for end, q in QUERIES.items() if end in path), {})
            reply = client.get(filled, params=query)
            kind = reply.headers.get("content-type", "")
            if reply.status_code == 200 and kind.startswith("application/json"):
                examples[f"GET {path}"] = trimmed(reply.json())
            else:
                print(f"not recorded: GET {filled} answered {reply.status_code} {kind}")
        estimate = client.post(
            f"{base}/estimate",
            json={
                "activity_key": "fuel/natural_gas",
                "quantity": 1000,
                "unit": "therm",
                "region": "US",
                "year": 2025,
            },
        )
        if estimate.status_code == 200:
            examples["POST /api/v1/{tenant}/estimate"] = trimmed(estimate.json())
        else:
            print(f"estimate not recorded: {estimate.status_code} {estimate.text[:200]}")
        changed = client.patch(f"{base}/settings", json={"proxy_regions": ["GB"]})
        examples["PATCH /api/v1/{tenant}/settings"] = trimmed(changed.json())
        examples.update(_writes(client, base, copy, ids))  # before a run of one year only
        job = client.post(f"{base}/calculations", json={"period": "2025"})
        examples["POST /api/v1/{tenant}/calculations"] = trimmed(job.json())
        for _ in range(600):  # the job's answer once it has finished
            done = client.get(job.headers["Location"]).json()
            if done["status"] in ("succeeded", "failed"):
                examples["GET /api/v1/{tenant}/jobs/{job_id}"] = trimmed(done)
                break
            time.sleep(0.5)
    OUT.write_text(json.dumps(examples, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(examples)} examples in {OUT}")


if __name__ == "__main__":
    main()
