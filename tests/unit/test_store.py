"""Workspace store: idempotent and atomic imports, content addressing."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from carbonledger.app import import_file
from carbonledger.errors import IntegrityError, ValidationError, WorkspaceError
from carbonledger.options import WorkspaceConfig
from carbonledger.store import Workspace
from tests.conftest import POSTGRES_ENV


@pytest.fixture
def workspace(sited):
    """The store's tests import electricity: a workspace defining the sites it names."""
    return sited


def _snapshot(workspace: Workspace) -> tuple[list, list[str]]:
    files = sorted(
        p.relative_to(workspace.root).as_posix()
        for p in (workspace.root / "batches" / "electricity").rglob("*")
        if p.is_file()
    )
    return workspace.batches("electricity"), files


def test_init_writes_config_and_store(workspace):
    assert (workspace.root / "carbonledger.toml").read_text().startswith('organisation = "Test Co"')
    reopened = Workspace.open(workspace.root)
    assert reopened.config == workspace.config
    assert reopened.batches("electricity") == []


def test_init_refuses_existing_workspace(workspace):
    with pytest.raises(WorkspaceError, match="already holds a workspace"):
        Workspace.init(workspace.root, WorkspaceConfig(organisation="Again"))


def test_open_refuses_plain_folder(tmp_path):
    with pytest.raises(WorkspaceError, match="not a workspace"):
        Workspace.open(tmp_path)


def test_reimport_is_recognised(workspace, electricity_csv):
    first = import_file(workspace, "electricity", electricity_csv)
    second = import_file(workspace, "electricity", electricity_csv)
    assert first.created and not second.created
    assert second.batch.batch_id == first.batch.batch_id
    assert len(workspace.batches("electricity")) == 1


def test_same_content_from_another_file_is_stored_once(workspace, electricity_csv, tmp_path):
    copy = tmp_path / "copy.csv"
    copy.write_bytes(electricity_csv.read_bytes() + b"\n\n")  # other bytes, same records
    import_file(workspace, "electricity", electricity_csv)
    again = import_file(workspace, "electricity", copy)
    assert not again.created
    assert len(workspace.batches("electricity")) == 1


def test_batch_id_is_the_hash_of_its_file(workspace, electricity_csv):
    batch = import_file(workspace, "electricity", electricity_csv).batch
    table = workspace.read_batch(batch.batch_id)
    assert table.num_rows == 3
    (workspace.root / batch.parquet_path).write_bytes(b"tampered")
    with pytest.raises(IntegrityError, match="no longer matches"):
        workspace.read_batch(batch.batch_id)


def test_malformed_file_leaves_workspace_unchanged(workspace, electricity_csv, tmp_path):
    import_file(workspace, "electricity", electricity_csv)
    before = _snapshot(workspace)
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,facility_id,period,quantity\nX1,F1,2024-01,lots\n")
    with pytest.raises(ValidationError) as caught:
        import_file(workspace, "electricity", bad)
    assert "row 2" in str(caught.value) and "'quantity'" in str(caught.value)
    assert _snapshot(workspace) == before


@pytest.mark.parametrize("failing", ["write", "rename"])
def test_crash_mid_import_leaves_no_partial_batch(workspace, electricity_csv, monkeypatch, failing):
    from carbonledger.store.files import FileStore

    def boom(*_args, **_kwargs):
        raise OSError("disk full")

    if failing == "write":  # the staged records are written a block at a time
        monkeypatch.setattr(pq.ParquetWriter, "write_table", boom)
    else:
        monkeypatch.setattr(FileStore, "commit", boom)
    with pytest.raises(OSError, match="disk full"):
        import_file(workspace, "electricity", electricity_csv)
    monkeypatch.undo()
    assert _snapshot(workspace) == ([], [])
    assert [p for p in (workspace.root / ".staging").rglob("*") if p.is_file()] == []
    # and the import succeeds afterwards
    assert import_file(workspace, "electricity", electricity_csv).created


def _dead_pid() -> str:
    """The id of a process that has ended (a child that ran and exited)."""
    import subprocess
    import sys

    code = "import os; print(os.getpid())"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_crash_leftovers_in_staging_are_swept(workspace):
    dead = _dead_pid()
    folder = workspace.root / ".staging" / f"{dead}-abc"
    folder.mkdir(parents=True)
    (folder / "partial.parquet").write_bytes(b"partial")
    loose = workspace.root / ".staging" / "dead.parquet"
    loose.write_bytes(b"partial")
    Workspace.open(workspace.root)
    assert not folder.exists() and not loose.exists()


def test_sweep_spares_a_live_process_staging(workspace):
    import os

    live = workspace.root / ".staging" / f"{os.getppid()}-abc"  # the test runner's parent
    live.mkdir(parents=True)
    (live / "writing.parquet").write_bytes(b"in progress")
    Workspace.open(workspace.root)
    assert (live / "writing.parquet").exists()


def test_every_change_passes_the_write_path_with_one_event(workspace, electricity_csv):
    from carbonledger.app import lock

    batch = import_file(workspace, "electricity", electricity_csv).batch
    import_file(workspace, "electricity", electricity_csv)  # nothing new, no event
    before = len(workspace.events())
    kinds = [
        (e.kind, e.subject) for e in workspace.events() if e.payload.get("kind") == "electricity"
    ]
    assert kinds == [("batch.stored", batch.batch_id)]
    assert workspace.events()[-1].payload["rows"] == 3
    with pytest.raises(WorkspaceError):
        lock(workspace, "2024")  # no run yet: nothing is written
    assert len(workspace.events()) == before


def test_a_tampered_batch_is_an_integrity_error_naming_it(workspace, electricity_csv):
    batch = import_file(workspace, "electricity", electricity_csv).batch
    path = workspace.root / batch.parquet_path
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(IntegrityError, match=batch.batch_id):
        workspace.batch_path(batch)


def test_store_schema_is_managed_by_alembic(workspace):
    from sqlalchemy import text

    from carbonledger.store.metadata import HEAD_REVISION

    with workspace.metadata.engine.connect() as connection:
        version = connection.execute(text("select version_num from alembic_version")).scalar()
    assert version == HEAD_REVISION == "0005"
    if workspace.metadata.dialect == "sqlite":
        assert (Path(workspace.root) / "carbonledger.db").exists()


@pytest.mark.skipif(
    bool(os.environ.get(POSTGRES_ENV)), reason="the suite's own databases stand in on this pass"
)
def test_the_metadata_store_is_named_by_url(tmp_path, monkeypatch):
    from carbonledger.store.metadata import DATABASE_URL_ENV, MetadataStore

    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    assert MetadataStore.for_workspace(tmp_path, url).url.database.endswith("elsewhere.db")
    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'env.db'}")
    assert MetadataStore.for_workspace(tmp_path, url).url.database.endswith("env.db")


def test_an_unreachable_or_invalid_store_is_a_clear_error(tmp_path):
    from carbonledger.errors import ConfigError
    from carbonledger.store.metadata import MetadataStore

    with pytest.raises(ConfigError, match="not valid"):
        MetadataStore("no url at all")
    store = MetadataStore("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(WorkspaceError, match="cannot open the metadata store") as caught:
        store.migrate()
    assert "secret" not in str(caught.value)


def test_a_writer_waits_for_the_lock_and_says_for_whom(workspace):
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from carbonledger.store.lock import writer_lock\n"
            "with writer_lock(Path(sys.argv[1]), 'import electricity'):\n"
            "    print('held', flush=True); time.sleep(3)",
            str(workspace.root),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        from carbonledger.store.lock import writer_lock

        with pytest.raises(TimeoutError, match="import electricity"):
            writer_lock(workspace.root, "calculate", timeout=0.3).__enter__()
    finally:
        holder.kill()
        holder.communicate()
    import json
    import os

    with writer_lock(workspace.root, "calculate", timeout=5):  # free once the holder is gone
        holder_info = json.loads((workspace.root / ".writer.lock").read_text())
    assert holder_info["pid"] == os.getpid() and holder_info["purpose"] == "calculate"
    assert (workspace.root / ".writer.lock").read_text() == ""  # released, holder cleared


def test_head_revision_is_alembics_head():
    from importlib import resources

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from carbonledger.store.metadata import HEAD_REVISION

    config = Config()
    location = resources.files("carbonledger.store").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_factor_releases_of_an_older_workspace_are_adopted_on_open(workspace, tmp_path):
    """A workspace from before releases had metadata rows (revision 0003) keeps its releases:
    opening it registers each, with an event."""
    from importlib import resources

    from alembic import command
    from alembic.config import Config

    from carbonledger.app import add_factor_release, workspace_library
    from carbonledger.factors import ReleaseInfo
    from tests.integration.test_user_factors import HEADER, ROWS

    factors = tmp_path / "factors.csv"
    factors.write_text(HEADER + ROWS, encoding="utf-8")
    info = ReleaseInfo("acme-2025", "Acme", "own", "1", "2026-01-01", "CC0-1.0", "", ())
    add_factor_release(workspace, factors, info)
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("carbonledger.store").joinpath("migrations"))
    )
    with workspace.metadata.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")  # as an older release left it: no rows, no events
    reopened = Workspace.open(workspace.root)
    assert "acme-2025" in workspace_library(reopened).release_ids
    assert [e.subject for e in reopened.events("factor_release.added")] == ["acme-2025"]


def test_a_stopped_calculations_spill_is_swept_and_said(workspace, capsys):
    dead = _dead_pid()
    spill = workspace.root / ".staging" / f"{dead}-abc" / "ledger.spill"
    spill.mkdir(parents=True)
    (spill / "duckdb_temp_block-1.block").write_bytes(b"\0" * 100)
    Workspace.open(workspace.root)
    assert not spill.exists()
    assert "removed 1 staged file(s) or folder(s) a stopped process left" in capsys.readouterr().err


def test_the_empty_staging_folder_of_a_finished_process_goes_without_a_word(workspace, capsys):
    # every process that wrote leaves its (empty) staging folder; only what a stopped process
    # had written is reported
    finished = workspace.root / ".staging" / f"{_dead_pid()}-abc"
    finished.mkdir(parents=True)
    Workspace.open(workspace.root)
    assert not finished.exists()
    assert "stopped process" not in capsys.readouterr().err


def test_a_calculation_leaves_no_spill_folder(load, tmp_path):
    import tempfile

    from carbonledger.app import calculate

    workspace = load(Workspace.init(tmp_path / "fresh", WorkspaceConfig(organisation="T")))
    before = set(Path(tempfile.gettempdir()).glob("carbonledger-spill-*"))
    calculate(workspace, memory_limit="1GB")
    assert set(Path(tempfile.gettempdir()).glob("carbonledger-spill-*")) == before
    assert not list((workspace.root / ".staging").rglob("*.spill"))
