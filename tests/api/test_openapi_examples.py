"""Every answer in the OpenAPI document has an example, recorded from the demo's real
answers (``tools/record_api_examples.py``), and the examples still have the fields live
answers have (issue 15)."""

from __future__ import annotations

import pytest

from carbonledger.api.examples import recorded_examples
from tests.api.test_api import _calculated


def _json_answers(document: dict) -> list[tuple[str, dict]]:
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in sorted(operation["responses"].items()):
                media = response.get("content", {}).get("application/json")
                if status.startswith("2") and media is not None:
                    found.append((f"{method.upper()} {path}", media))
                    break
    return found


def test_every_json_answer_has_an_example(served):
    document = served.client.get("/openapi.json").json()
    answers = _json_answers(document)
    assert len(answers) > 60
    missing = [name for name, media in answers if "example" not in media]
    assert missing == [], f"record them: python tools/record_api_examples.py ({missing})"
    stale = set(recorded_examples()) - {name for name, _ in answers}
    assert stale == set(), f"examples of operations that are gone: {sorted(stale)}"


def _fields(body: object) -> set[str]:
    item = body[0] if isinstance(body, list) and body else body
    return set(item) if isinstance(item, dict) else set()


@pytest.mark.parametrize(
    ("operation", "path"),
    [
        ("GET /api/v1/{tenant}/totals", "/api/v1/acme/totals"),
        ("GET /api/v1/{tenant}/runs", "/api/v1/acme/runs"),
        ("GET /api/v1/{tenant}/batches", "/api/v1/acme/batches"),
        ("GET /api/v1/{tenant}/events", "/api/v1/acme/events"),
        ("GET /api/v1/{tenant}/settings", "/api/v1/acme/settings"),
        ("GET /api/v1/{tenant}/inventory", "/api/v1/acme/inventory"),
        ("GET /api/v1/{tenant}/factor-releases", "/api/v1/acme/factor-releases"),
        ("GET /api/v1/me", "/api/v1/me"),
    ],
)
def test_an_example_has_the_fields_of_a_live_answer(loaded, operation, path):
    alice = loaded.login("alice")
    _calculated(loaded, alice)
    live = alice.get(path)
    assert live.status_code == 200, live.text
    assert _fields(recorded_examples()[operation]) == _fields(live.json())
