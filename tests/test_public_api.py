"""The public surface is explicit and complete (after httpx's test_exported_members)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import carbonledger


def test_all_names_exist_once():
    exported = carbonledger.__all__
    assert len(exported) == len(set(exported))
    for name in exported:
        assert getattr(carbonledger, name) is not None, name


def test_all_is_exactly_the_public_names():
    public = {n for n in dir(carbonledger) if not n.startswith("_")} | {"__version__"}
    assert set(carbonledger.__all__) == public
    assert len(carbonledger.__all__) <= 25


def test_the_application_layer_exports_what_it_defines():
    from carbonledger import app

    assert len(app.__all__) == len(set(app.__all__))
    for name in app.__all__:
        assert hasattr(app, name), name


@pytest.mark.parametrize("name", ["gwp", "ImportResult", "workspace_library", "get_engine"])
def test_names_of_the_last_release_still_work_and_warn(name):
    with pytest.warns(DeprecationWarning, match=name):
        assert getattr(carbonledger, name) is not None


def test_the_old_pipeline_module_warns_and_forwards():
    import carbonledger.pipeline as pipeline
    from carbonledger import app

    with pytest.warns(DeprecationWarning, match="carbonledger.app.import_file"):
        assert pipeline.import_file is app.import_file


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        carbonledger.nope  # noqa: B018


def test_import_loads_no_heavy_room():
    """``import carbonledger`` loads neither the unit registry, DuckDB, Ibis nor Alembic (they
    load on first use), so the command line starts fast."""
    code = (
        "import sys, carbonledger; "
        "print(sorted(m for m in ('pint', 'duckdb', 'ibis', 'alembic', 'sqlalchemy') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]", loaded.stderr
