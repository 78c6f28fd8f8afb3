"""The public surface is explicit and complete (after httpx's test_exported_members)."""

from __future__ import annotations

import carbonledger


def test_all_names_exist_once():
    exported = carbonledger.__all__
    assert len(exported) == len(set(exported))
    for name in exported:
        assert hasattr(carbonledger, name), name


def test_public_members_are_exported():
    public = {n for n in dir(carbonledger) if not n.startswith("_")}
    rooms = {
        "cli",
        "demo",
        "errors",
        "calculation",
        "inventory",
        "engine",
        "methods",
        "factors",
        "ingest",
        "options",
        "pipeline",
        "record",
        "report",
        "provenance",
        "schema",
        "store",
        "units",
        "validate",
        "metadata",
    }
    assert public - rooms <= set(carbonledger.__all__)
