"""Several groupings in one scan give exactly what one scan per grouping gives."""

from __future__ import annotations

import pyarrow as pa
import pytest

from carbonledger.errors import CarbonLedgerError
from carbonledger.inventory import totals
from carbonledger.inventory.totals import totals_sets
from carbonledger.schema import get_table_schema


def _ledger() -> pa.Table:
    rows = []
    for i in range(60):
        rows.append(
            {
                "run_id": "r",
                "batch_id": "b",
                "record_id": f"R{i}",
                "line": 0,
                "method": ["electricity_location", "spend_eeio", "stationary_combustion"][i % 3],
                "entity_id": ["E1", "E2", None][i % 3],
                "facility_id": [None, "F1", "F2", "F3"][i % 4],
                "business_unit": "bu",
                "period": f"202{4 + i % 2}-{1 + i % 12:02d}",
                "scope": [2, 3, 1][i % 3],
                "scope3_category": [None, 1 + i % 4, None][i % 3],
                "iso_category": [2, 4, 1][i % 3],
                "scope2_basis": ["location" if i % 2 else "market", None, None][i % 3],
                "gas": ["CO2", "CH4", "CO2e"][i % 3],
                "mass": float(i),
                "co2e": float(i) * 1.5,
                "gwp_set": "AR5GWP100",
                "biogenic": i % 7 == 0,
                "activity_key": "k",
                "activity_quantity": 1.0,
                "activity_unit": "kWh",
                "factor_id": "f",
                "factor_release": ["desnz-2025", "epa-hub-2025"][i % 2],
                "match_level": ["exact", "proxy", "country"][i % 3],
                "year_gap": 0,
                "stage": "combustion",
                "data_quality": "measured",
                "status": "active" if i % 5 else "superseded",
                "superseded_by": None,
            }
        )
    schema = get_table_schema("ledger").arrow_schema()
    return pa.Table.from_pylist(rows, schema=schema)


SETS = [
    ["scope"],
    ["scope", "category"],
    ["scope", "facility"],
    ["gas"],
    [],
    ["match_level", "release"],
    ["scope"],
]


@pytest.mark.parametrize("basis", ["location", "market"])
@pytest.mark.parametrize("period", [None, "2025", "2024-03"])
def test_one_scan_equals_one_scan_per_grouping(basis, period):
    ledger = _ledger()
    shares = pa.table({"entity_id": ["E1", "E2"], "share": [1.0, 0.4]})
    together = totals_sets(ledger, SETS, basis, period, shares)
    for by, table in zip(SETS, together, strict=True):
        alone = totals(ledger, by or None, basis, period, shares)
        assert table.column_names == alone.column_names
        assert len(table) == len(alone)
        for got, want in zip(table.to_pylist(), alone.to_pylist(), strict=True):
            keys = [k for k in want if k not in ("co2e", "biogenic_co2")]
            assert [got[k] for k in keys] == [want[k] for k in keys]
            if want["co2e"] is None:
                assert got["co2e"] is None
            else:
                expected = (want["co2e"], want["biogenic_co2"])
                assert (got["co2e"], got["biogenic_co2"]) == pytest.approx(
                    expected, rel=1e-12, abs=1e-12
                )


def test_the_grand_total_of_nothing_is_one_row_as_totals_gives():
    empty = _ledger().slice(0, 0)
    [grand] = totals_sets(empty, [[]])
    assert grand.to_pylist() == totals(empty).to_pylist()


def test_totals_of_chosen_values_are_those_groups_of_the_whole():
    """``where`` keeps the rows of the values named (as text, scopes and categories too): the
    same numbers as the matching groups of an unfiltered grouping."""
    ledger = _ledger()
    whole = totals(ledger, ["facility", "scope"]).to_pylist()
    chosen = totals(ledger, ["scope"], where={"facility": ["F1", "F3"], "scope": ["1", "3"]})
    expected: dict[int, float] = {}
    for row in whole:
        if row["facility"] in ("F1", "F3") and row["scope"] in (1, 3):
            expected[row["scope"]] = expected.get(row["scope"], 0.0) + row["co2e"]
    assert {r["scope"]: r["co2e"] for r in chosen.to_pylist()} == pytest.approx(expected)
    assert expected and len(expected) == 2
    nothing = totals(ledger, [], where={"category": ["15"]}).to_pylist()
    assert nothing[0]["rows"] == 0


def test_a_filter_on_an_unknown_dimension_is_refused():
    with pytest.raises(CarbonLedgerError, match="cannot total by"):
        totals(_ledger(), ["scope"], where={"colour": ["green"]})
