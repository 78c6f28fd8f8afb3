"""Employee commuting and remote work (scope 3 category 7) against DESNZ 2025 rows."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from carbonledger.app import calculate


def _line(record_id, mode, **fields):
    return {
        "record_id": record_id,
        "entity_id": "E-GB",
        "period": "2025-04",
        "mode": mode,
        **fields,
    }


def test_rail_remote_work_and_cycling(workspace, load):
    load(
        workspace,
        commuting=[
            # Business travel- land!D87: national rail 0.03546 kg CO2e per passenger.km.
            # 10 employees x 20 days x 2 x 15 km = 6,000 passenger.km.
            _line("C1", "rail", employees=10, days=20, one_way_distance=15),
            # Homeworking!C24: office equipment plus heating 0.33378 kg CO2e per FTE hour;
            # 10 employees x 5 days x 8 hours = 400 hours.
            _line("C2", "remote", employees=10, days=5),
            # Homeworking!C22: office equipment only 0.03144 (no heating, e.g. a tropical office).
            _line("C3", "remote", employees=10, days=5, remote_heating=False, hours_per_day=7.5),
            _line("C4", "bike", employees=3, days=20, one_way_distance=4),
        ],
    )
    rows = pq.read_table(workspace.ledger_files(calculate(workspace).run)).to_pylist()
    by_record = {}
    for row in rows:
        by_record[row["record_id"]] = by_record.get(row["record_id"], 0.0) + row["co2e"]
    assert by_record["C1"] == pytest.approx(6000 * 0.03546, rel=2e-3)
    assert by_record["C2"] == pytest.approx(400 * 0.33378)
    assert by_record["C3"] == pytest.approx(375 * 0.03144)
    assert "C4" not in by_record  # cycling is zero and gives no row
    assert {r["scope3_category"] for r in rows} == {7}
