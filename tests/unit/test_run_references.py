"""A run's reference tables: one not imported reads as empty with its columns, so analyses
of a workspace without facilities or allocation keys answer instead of failing (Schemathesis
found /facilities and /forecast answering 500 for such a tenant)."""

from __future__ import annotations

import pyarrow as pa

from carbonledger.run.inputs import RunInputs


def test_a_reference_not_imported_is_empty_with_its_columns():
    inputs = RunInputs({})
    facilities = inputs.reference("facilities")
    assert facilities.num_rows == 0
    assert {"facility_id", "country", "name"} <= set(facilities.column_names)


def test_an_imported_reference_is_returned_as_it_is():
    table = pa.table({"facility_id": ["F1"], "country": ["CN"]})
    assert RunInputs({}, {"facilities": table}).reference("facilities") is table
