"""Settings change through the write path: validated whole, atomic, one event (issue 15)."""

from __future__ import annotations

import pytest

from carbonledger.app import change_settings, settings
from carbonledger.errors import SettingsError
from carbonledger.store import CONFIG_FILE, Workspace


def test_a_change_is_one_event_and_the_file_others_read(workspace):
    revision = workspace.revision()
    assert change_settings(workspace, {"reading_signatures": "flag"}) == {
        "reading_signatures": ["refuse", "flag"]
    }
    assert workspace.revision() == revision + 1
    assert Workspace.open(workspace.root).config.reading_signatures == "flag"
    assert settings(workspace)["reading_signatures"] == "flag"


def test_a_failed_commit_leaves_the_settings_as_they_were(workspace):
    before = (workspace.root / CONFIG_FILE).read_text("utf-8")

    def refuse(_session, _event):
        raise RuntimeError("the database went away")

    workspace.event_hooks.append(refuse)
    with pytest.raises(RuntimeError):
        change_settings(workspace, {"base_year": 2019})
    assert (workspace.root / CONFIG_FILE).read_text("utf-8") == before
    assert workspace.config.base_year == 2020
    assert not list(workspace.root.glob(f".{CONFIG_FILE}.partial"))


def test_a_value_the_field_does_not_admit_changes_nothing(workspace):
    with pytest.raises(SettingsError, match="recalculation_threshold"):
        change_settings(workspace, {"recalculation_threshold": 2})
    assert workspace.config.recalculation_threshold < 1


def test_another_process_change_is_read_again(workspace):
    other = Workspace.open(workspace.root)
    change_settings(other, {"language": "zh"})
    assert workspace.reload_config() and workspace.config.language == "zh"
    assert not workspace.reload_config()
