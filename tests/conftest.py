"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbonledger.errors import FactorError
from carbonledger.factors._raw import raw_data_dir
from carbonledger.options import WorkspaceConfig
from carbonledger.store import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace in a temporary folder."""
    return Workspace.init(tmp_path / "ws", WorkspaceConfig(organisation="Test Co"))


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The folder of raw publisher files (``shared/data``)."""
    try:
        return raw_data_dir(Path(__file__).parent)
    except FactorError as exc:
        pytest.skip(str(exc))


ELECTRICITY_CSV = (
    "record_id,facility_id,period,quantity,unit,bill_amount,currency\n"
    "E1,F1,2024-01,1200.5,kWh,,\n"
    "E2,F1,2024-02,1.5,MWh,,\n"
    "E3,F2,2024-02,,,900,CNY\n"
)


@pytest.fixture
def electricity_csv(tmp_path: Path) -> Path:
    """A valid electricity file in UTF-8."""
    path = tmp_path / "electricity.csv"
    path.write_text(ELECTRICITY_CSV, encoding="utf-8")
    return path
