"""Methods on in-memory tables: the same ledger as a stored run, without a workspace."""

from __future__ import annotations

import pandas as pd
import pyarrow.compute as pc
import pytest

from carbonledger.ingest import read_table
from carbonledger.run import calculate_tables
from carbonledger.schema import get_schema
from carbonledger.validate import validate_table
from tests.conftest import ENTITIES, FACILITIES

POWER = [
    {"record_id": "E1", "facility_id": "CN1", "period": "2025-03", "quantity": 50, "unit": "MWh"},
    {"record_id": "E2", "facility_id": "GB1", "period": "2025-04", "quantity": 20, "unit": "MWh"},
]


def _typed(kind, rows, tmp_path):
    path = tmp_path / f"{kind}.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    frame, meta = read_table(path)
    validated = validate_table(frame, meta, get_schema(kind))
    assert validated.table is not None, validated.report
    return validated.table


def _active_co2e(ledger, basis="location"):
    kept = ledger.filter(
        pc.and_(
            pc.equal(ledger["status"], "active"),
            pc.invert(
                pc.equal(
                    ledger["scope2_basis"].fill_null(""),
                    "market" if basis == "location" else "location",
                )
            ),
        )
    )
    return pc.sum(kept["co2e"]).as_py()


def test_tables_give_the_ledger_of_a_stored_run(tmp_path, workspace, load):
    from carbonledger.app import calculate

    references = {
        "facilities": _typed("facilities", FACILITIES, tmp_path),
        "entities": _typed("entities", ENTITIES, tmp_path),
    }
    activity = {"electricity": _typed("electricity", POWER, tmp_path)}
    in_memory = calculate_tables(activity, references)
    # no T&D loss lines: the library's loss rates are eGRID's, and these facilities are in
    # China and Great Britain
    assert set(in_memory["method"].to_pylist()) == {"electricity_location", "electricity_market"}
    load(workspace, electricity=POWER)
    stored = workspace.ledger_files(calculate(workspace).run)
    import pyarrow.parquet as pq

    ledger = pq.read_table(stored)
    assert _active_co2e(in_memory) == pytest.approx(_active_co2e(ledger), rel=1e-12)
    assert in_memory.num_rows == ledger.num_rows
    assert calculate_tables(activity, references, engine="reference").num_rows == ledger.num_rows


def test_a_table_without_a_column_its_method_requires_is_refused_before_running(tmp_path):
    from carbonledger.errors import CarbonLedgerError

    references = {
        "facilities": _typed("facilities", FACILITIES, tmp_path),
        "entities": _typed("entities", ENTITIES, tmp_path),
    }
    power = _typed("electricity", POWER, tmp_path).drop_columns(["facility_id"])
    with pytest.raises(CarbonLedgerError, match="has no column facility_id"):
        calculate_tables({"electricity": power}, references)
    with pytest.raises(CarbonLedgerError, match="needs facilities"):
        calculate_tables({"electricity": power}, {"entities": references["entities"]})
