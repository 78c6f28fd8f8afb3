"""Response examples in the OpenAPI document: real answers of the demo workspace.

``tools/record_api_examples.py`` records them (``openapi_examples.json``, keyed
``"METHOD /path"``, lists cut to two items); :func:`publish_examples` puts each one on its
operation's first successful JSON response.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from fastapi import FastAPI

__all__ = ["publish_examples", "recorded_examples"]


@cache
def recorded_examples() -> dict[str, Any]:
    """The recorded answers, ``{"GET /api/v1/{tenant}/totals": {...}, ...}``."""
    text = resources.files("carbonledger.api").joinpath("openapi_examples.json").read_text("utf-8")
    examples: dict[str, Any] = json.loads(text)
    return examples


def publish_examples(api: FastAPI) -> None:
    """Make ``api.openapi()`` carry the recorded examples (built once, as FastAPI does)."""
    build = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is not None:
            return api.openapi_schema
        schema = build()
        examples = recorded_examples()
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                example = examples.get(f"{method.upper()} {path}")
                if example is None:
                    continue
                for status, response in sorted(operation.get("responses", {}).items()):
                    media = response.get("content", {}).get("application/json")
                    if status.startswith("2") and media is not None:
                        media["example"] = example
                        break
        api.openapi_schema = schema
        return schema

    api.openapi = openapi  # type: ignore[method-assign]
