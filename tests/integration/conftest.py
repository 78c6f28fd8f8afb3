"""Fixtures of the integration tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from carbonledger.cli import app


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The demo, run once per test session with ``carbonledger demo --json``: its folder and
    its summary. Tests that use it read it and write only beside it; mark them
    ``xdist_group("demo")`` so one worker runs the demo once for all of them."""
    folder = tmp_path_factory.mktemp("demo") / "d"
    result = CliRunner().invoke(app, ["demo", "--out", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    return folder, json.loads(result.stdout)
