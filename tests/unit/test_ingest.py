"""Readers: every format and encoding gives the same canonical table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carbonledger.errors import CarbonLedgerError
from carbonledger.ingest import canonicalise, open_table, read_table
from carbonledger.schema import get_schema

ROWS = [["E1", "F1", "2024-01", "1200.5", "kWh"], ["E2", "F1", "2024-02", "3", "MWh"]]
HEADERS_EN = ["record_id", "facility_id", "period", "quantity", "unit"]
HEADERS_ZH = ["记录编号", "设施编号", "月份", "用电量", "单位"]


def _csv(path: Path, headers: list[str], encoding: str) -> Path:
    text = "\n".join(",".join(r) for r in [headers, *ROWS]) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def _canonical(path: Path, **kwargs) -> pd.DataFrame:
    (block,) = open_table(path, **kwargs).blocks()
    return canonicalise(block.table, get_schema("electricity")).table.to_pandas()


@pytest.mark.parametrize(
    ("encoding", "headers", "expected"),
    [
        ("utf-8", HEADERS_EN, "utf-8"),
        ("utf-8-sig", HEADERS_ZH, "utf-8-sig"),
        ("gbk", HEADERS_ZH, "gb18030"),
    ],
)
def test_csv_encodings(tmp_path, encoding, headers, expected):
    path = _csv(tmp_path / "e.csv", headers, encoding)
    frame, meta = read_table(path)
    assert meta.encoding == expected
    assert meta.first_data_row == 2
    assert list(frame[headers[3]]) == ["1200.5", "3"]
    (block,) = open_table(path).blocks()
    table = canonicalise(block.table, get_schema("electricity")).table
    assert table["quantity"].to_pylist() == ["1200.5", "3"]


def test_gbk_bytes_really_are_not_utf8(tmp_path):
    path = _csv(tmp_path / "e.csv", HEADERS_ZH, "gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")


@pytest.mark.parametrize(
    ("text", "encoding", "named"),
    [
        ("设施编号,name\nJ1,東京倉庫の電気料金\nJ2,大阪物流センター\n", "shift_jis", "Shift-JIS"),
        ("设施编号,name\nK1,서울 물류센터 전기요금\nK2,부산 창고\n", "euc_kr", "EUC-KR"),
    ],
)
def test_japanese_and_korean_text_is_not_read_as_gbk(tmp_path, text, encoding, named):
    # GB18030 decodes these bytes without error, into nonsense: the file is refused instead.
    path = tmp_path / "x.csv"
    path.write_bytes(text.replace("设施编号", "facility_id").encode(encoding))
    path.read_bytes().decode("gb18030")  # what a reader trusting GB18030 would do
    with pytest.raises(CarbonLedgerError, match=f"{named}.*save the file as UTF-8"):
        read_table(path)


def test_chinese_gbk_text_is_never_taken_for_japanese_or_korean(tmp_path):
    # Names of the demo company (杭州总部 alone once scored as Korean by a plain detector).
    names = ["杭州总部", "广州增城履约中心", "上海嘉定物流园", "张家口数据中心", "北京朝阳生鲜店"]
    for count in range(1, len(names) + 1):
        path = tmp_path / f"zh{count}.csv"
        rows = [f"F{i},{n},{i * 37}" for i, n in enumerate(names[:count])]
        path.write_bytes(("facility_id,name,quantity\n" + "\n".join(rows) + "\n").encode("gbk"))
        assert read_table(path)[1].encoding == "gb18030"


def test_xlsx_and_parquet_match_csv(tmp_path):
    reference = _canonical(_csv(tmp_path / "e.csv", HEADERS_EN, "utf-8"))
    frame = pd.DataFrame(ROWS, columns=HEADERS_EN)
    frame["quantity"] = frame["quantity"].astype(float)
    xlsx = tmp_path / "e.xlsx"
    with pd.ExcelWriter(xlsx) as writer:
        pd.DataFrame([["title row"]]).to_excel(writer, sheet_name="2024", index=False, header=False)
        frame.to_excel(writer, sheet_name="2024", index=False, startrow=2)
    xlsx_table = _canonical(xlsx, sheet="2024")
    _frame, meta = read_table(xlsx, sheet="2024")
    assert meta.sheet == "2024"
    parquet = tmp_path / "e.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), parquet)
    for other in (xlsx_table, _canonical(parquet)):
        pd.testing.assert_frame_equal(other, reference)


def test_xlsx_header_row_is_located(tmp_path):
    xlsx = tmp_path / "e.xlsx"
    with pd.ExcelWriter(xlsx) as writer:
        pd.DataFrame([["Meter export"]]).to_excel(writer, index=False, header=False)
        pd.DataFrame(ROWS, columns=HEADERS_EN).to_excel(writer, index=False, startrow=3)
    _frame, meta = read_table(xlsx)
    assert meta.first_data_row == 5  # title in row 1, header in row 4 (startrow=3)


def test_blank_lines_keep_file_row_numbers(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("record_id,facility_id\nA,F\n\nB,F\n", encoding="utf-8")
    frame, meta = read_table(path)
    assert [meta.first_data_row + i for i in frame.index] == [2, 4]


def test_unsupported_and_missing_files(tmp_path):
    with pytest.raises(CarbonLedgerError, match="no such file"):
        read_table(tmp_path / "missing.csv")
    odd = tmp_path / "e.json"
    odd.write_text("{}")
    with pytest.raises(CarbonLedgerError, match="unsupported format"):
        read_table(odd)


def test_unknown_and_clashing_headers():
    table = pa.table({"quantity": ["1"], "用电量": ["2"], "colour": ["red"]})
    matched = canonicalise(table, get_schema("electricity"))
    assert matched.table.column_names == ["quantity"]
    assert matched.table["quantity"].to_pylist() == ["1"]
    assert matched.unknown == ["colour"]
    assert matched.clashes == {"quantity": ["quantity", "用电量"]}
