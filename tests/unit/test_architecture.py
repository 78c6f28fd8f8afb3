"""The rooms import only what ``docs/architecture.md`` allows (an import-linter of our own).

Every ``import carbonledger.X`` and ``from carbonledger.X import ...`` in a module of the
package is read with :mod:`ast` (lazy imports inside functions included) and its target room
checked against the table below, which is the one in the architecture page; no exception is
listed. A room may always import itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "src" / "carbonledger"
BASE = {"units", "errors", "provenance", "options", "formula"}

#: room -> rooms it may import (besides itself). Keep in step with docs/architecture.md.
ALLOWED: dict[str, set[str]] = {
    "units": BASE,
    "errors": BASE,
    "provenance": BASE,
    "options": BASE,
    "formula": BASE,
    "schema": BASE,
    "ingest": BASE | {"schema"},
    "validate": BASE | {"schema", "ingest", "engine"},
    "engine": {"errors"},
    "factors": BASE | {"schema", "engine"},
    "methods": BASE | {"schema", "factors", "engine"},
    "store": BASE | {"schema"},
    "run": BASE | {"methods", "engine", "factors", "store", "schema", "ingest", "validate"},
    "inventory": BASE | {"methods", "engine", "factors", "schema"},
    "report": BASE | {"inventory", "engine", "plan"},
    "plan": BASE,
    "credits": BASE,
    "energy": BASE,
    "ecosystem": BASE,
    "audit": BASE,
    "app": {
        *BASE,
        "schema",
        "ingest",
        "validate",
        "engine",
        "factors",
        "methods",
        "store",
        "run",
        "inventory",
        "report",
        "plan",
        "credits",
        "energy",
        "ecosystem",
        "audit",
    },
    "cli": BASE | {"app", "schema", "demo", "api"},
    "api": BASE | {"app", "schema"},
    "web": BASE | {"app", "api"},
    "demo": BASE | {"app", "schema"},
    # the public API: lazy re-exports of these rooms (test_public_api checks the names)
    "__init__": BASE | {"app", "factors", "inventory", "methods", "schema", "store"},
    "pipeline": set(),  # a deprecated re-export, by name only
    "__main__": {"cli"},
}


def _room(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            if name == "carbonledger" and isinstance(node, ast.ImportFrom):
                found += [(node.lineno, a.name) for a in node.names]
            elif name.startswith("carbonledger."):
                found.append((node.lineno, name.split(".")[1]))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_room_imports_only_what_the_table_allows(path):
    room = _room(path)
    assert room in ALLOWED, f"{room} has no row in the architecture table"
    wrong = [
        f"line {line}: {room} -> {target}"
        for line, target in _imports(path)
        if target != room and target not in ALLOWED[room]
    ]
    assert not wrong, f"{path.relative_to(PACKAGE)} imports what its room may not: {wrong}"


def test_no_room_imports_another_rooms_private_modules():
    offenders = []
    for path in MODULES:
        room = _room(path)
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                parts = node.module.split(".")
                foreign = parts[0] == "carbonledger" and len(parts) > 2 and parts[1] != room
                if foreign and any(p.startswith("_") for p in parts[2:]):
                    offenders.append(f"{path.relative_to(PACKAGE)}: {node.module}")
    assert not offenders


def test_no_duckdb_connection_outside_the_engine_room():
    offenders = []
    for path in MODULES:
        if _room(path) == "engine":
            continue
        text = path.read_text("utf-8")
        if "duckdb.connect(" in text or "import duckdb" in text:
            offenders.append(str(path.relative_to(PACKAGE)))
    assert not offenders


def test_no_room_but_store_knows_where_a_batch_file_lies():
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if _room(p) != "store" and "parquet_path" in p.read_text("utf-8")
    ]
    assert not offenders


def test_the_table_is_the_one_in_the_architecture_page():
    page = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text("utf-8")
    for room in ALLOWED:
        if room.startswith("_") or room == "pipeline":
            continue
        assert f"`{room}" in page, f"docs/architecture.md does not describe {room}"
