"""A file is read, validated and stored a block at a time (issue 14): whatever the block size,
the same records, row numbers and findings as the file read whole."""

from __future__ import annotations

import datetime as dt
import math

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carbonledger import validate
from carbonledger.app import create_workspace, import_file, list_batches
from carbonledger.app.data import records_sha256
from carbonledger.errors import CarbonLedgerError, ValidationError
from carbonledger.ingest import open_table, readers
from carbonledger.ingest.cells import cell_text
from carbonledger.options import WorkspaceConfig

HEADER = "record_id,facility_id,period,quantity,unit\n"
ROWS = 3_000


def _rows(count: int = ROWS, start: int = 0) -> list[str]:
    return [f"E{i},US1,2025-{1 + i % 12:02d},{100 + i},kWh\n" for i in range(start, count)]


def _csv(tmp_path, lines: list[str], name: str = "electricity.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 4 KiB: a 3,000-row file is read in about 30 of them."""
    monkeypatch.setattr(readers, "BLOCK_BYTES", 4096)


def test_blocks_keep_every_row_number_blank_lines_and_quoted_newlines_included(tmp_path):
    lines = _rows()
    lines.insert(500, "\n")  # a blank line: row 502 is empty, E500 is row 503
    lines.insert(1_200, '"E_multi\nline",US1,2025-01,"1,000",kWh\n')  # a record of two lines
    lines.insert(1_201, "   ,  ,\n")  # a short row of blanks, tolerated and kept in its place
    path = _csv(tmp_path, lines)
    whole = open_table(path, block_bytes=1 << 30)
    blocks = list(open_table(path, block_bytes=2048).blocks())
    assert len(blocks) > 10
    (single,) = list(whole.blocks())
    rows = [i for b in blocks for i in b.positions]
    assert rows == list(single.positions)
    by_id = {
        r: i + 2
        for b in blocks
        for i, r in zip(b.positions, b.table["record_id"].to_pylist(), strict=True)
    }
    assert by_id["E0"] == 2 and by_id["E499"] == 501 and by_id["E500"] == 503
    assert by_id["E1198"] == 1_201 and by_id["E_multi\nline"] == 1_202  # 1203: the blanks
    assert by_id["E1199"] == 1_204 and by_id[f"E{ROWS - 1}"] == ROWS + 4


def test_an_import_in_many_blocks_stores_what_one_block_stores(
    workspace, load, tmp_path, monkeypatch
):
    load(workspace)
    path = _csv(tmp_path, _rows())
    monkeypatch.setattr(readers, "BLOCK_BYTES", 1 << 30)
    whole = pq.read_table(workspace.batch_path(import_file(workspace, "electricity", path).batch))
    other = workspace.root.parent / "other"
    second = load(create_workspace(other, WorkspaceConfig(organisation="x")))
    monkeypatch.setattr(readers, "BLOCK_BYTES", 4096)
    result = import_file(second, "electricity", path)
    blocked = pq.read_table(second.batch_path(result.batch))
    assert blocked.num_rows == ROWS and blocked.to_pylist() == whole.to_pylist()
    assert pq.ParquetFile(second.batch_path(result.batch)).metadata.num_row_groups > 10
    assert result.batch.records_sha256 == records_sha256("electricity", whole)


def test_a_key_repeated_in_a_later_block_is_named_at_its_row(
    workspace, load, tmp_path, small_blocks
):
    load(workspace)
    path = _csv(tmp_path, [*_rows(), "E5,US1,2025-06,1,kWh\n"])
    with pytest.raises(ValidationError) as refused:
        import_file(workspace, "electricity", path)
    (finding,) = refused.value.report.findings
    assert finding.rule == "unique" and finding.location.row == ROWS + 2
    assert finding.location.column == "record_id" and finding.value == "E5"
    assert list_batches(workspace, "electricity") == []
    assert [p for p in (workspace.root / ".staging").rglob("*") if p.is_file()] == []


def test_a_ragged_row_in_a_later_block_is_named_at_its_row(workspace, load, tmp_path, small_blocks):
    load(workspace)
    lines = _rows()
    lines.insert(2_500, "E_short,US1,2025-01\n")
    with pytest.raises(CarbonLedgerError, match=r"row 2502: 3 field\(s\) where the header has 5"):
        import_file(workspace, "electricity", _csv(tmp_path, lines))
    assert list_batches(workspace, "electricity") == []


def test_a_file_broken_on_every_row_keeps_its_first_errors_and_counts_the_rest(
    workspace, load, tmp_path, small_blocks, monkeypatch
):
    monkeypatch.setattr(validate, "MAX_FINDINGS", 100)
    load(workspace)
    lines = [f"E{i},US1,2025-01,lots,kWh\n" for i in range(ROWS)]
    with pytest.raises(ValidationError) as refused:
        import_file(workspace, "electricity", _csv(tmp_path, lines))
    report = refused.value.report
    assert len(report.findings) == 100 and report.omitted == ROWS - 100
    assert report.to_dict()["errors"] == ROWS and not report.ok()
    assert [f.location.row for f in report.findings] == list(range(2, 102))
    assert f"{ROWS} error(s)" in str(report) and f"and {ROWS - 20} more" in str(report)


def test_typed_parquet_cells_read_as_the_text_a_user_sees(tmp_path):
    values = {
        "number": pa.array([1000.0, 1200.5, math.nan, None, 1e16], pa.float64()),
        "count": pa.array([1, 2, None, 4, 5], pa.int64()),
        "flag": pa.array([True, False, None, True, False]),
        "day": pa.array([dt.date(2025, 1, 31), None, None, None, dt.date(2024, 2, 29)]),
        "at": pa.array(
            [dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 1, 12, 30), None, None, None],
            pa.timestamp("us"),
        ),
        "label": pa.array([" padded ", "", "z", "x", "y"]).dictionary_encode(),
    }
    path = tmp_path / "typed.parquet"
    pq.write_table(pa.table(values), path)
    (block,) = list(open_table(path).blocks())
    for name, column in values.items():
        expected = [cell_text(v) for v in column.to_pylist()]
        read = block.table[name].to_pylist()
        if name == "flag":  # Arrow writes booleans in lower case; both parse the same
            expected = [None if v is None else v.lower() for v in expected]
        if name == "number":  # 1e16 is beyond integers kept integral: the same number
            assert float(read[4]) == 1e16
            read, expected = read[:4], expected[:4]
        assert read == expected, name
