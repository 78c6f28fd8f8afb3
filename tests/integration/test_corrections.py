"""Data that can be corrected: record identity across batches, replace, remove (issue 13)."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from carbonledger.app import (
    calculate,
    import_file,
    list_batches,
    lock,
    remove_batch,
    replace_batch,
    run_totals,
)
from carbonledger.errors import PeriodLockedError, ValidationError, WorkspaceError

POWER = [
    {"record_id": "E1", "facility_id": "CN1", "period": "2025-03", "quantity": 50, "unit": "MWh"},
    {"record_id": "E2", "facility_id": "CN1", "period": "2025-04", "quantity": 40, "unit": "MWh"},
]


def _csv(tmp_path, name, rows):
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _scope2(workspace) -> float:
    calculate(workspace)
    table = run_totals(workspace, ["scope"])[1].to_pylist()
    return next(r["co2e"] for r in table if r["scope"] == 2)


@pytest.fixture
def powered(workspace, load, tmp_path):
    load(workspace)
    first = import_file(workspace, "electricity", _csv(tmp_path, "power.csv", POWER)).batch
    return workspace, first


def test_a_corrected_copy_is_refused_beside_the_batch_it_corrects(powered, tmp_path):
    workspace, first = powered
    before = _scope2(workspace)
    fixed = [POWER[0], {**POWER[1], "quantity": 44}]
    with pytest.raises(ValidationError) as refused:
        import_file(workspace, "electricity", _csv(tmp_path, "fixed.csv", fixed))
    text = str(refused.value)
    assert "record_id=E1" in text and first.batch_id[:12] in text and "data replace" in text
    assert "row 2" in text  # the file's row of the first clash
    assert [b.batch_id for b in list_batches(workspace)] == [
        b.batch_id for b in list_batches(workspace, include_inactive=True)
    ]
    assert _scope2(workspace) == pytest.approx(before)  # nothing was stored


def test_replace_keeps_the_old_batch_superseded_and_counts_only_the_new(powered, tmp_path):
    workspace, first = powered
    before = _scope2(workspace)
    fixed = [POWER[0], {**POWER[1], "quantity": 44}]
    new = replace_batch(
        workspace, first.batch_id[:10], _csv(tmp_path, "fixed.csv", fixed), "May read twice"
    ).batch
    assert _scope2(workspace) == pytest.approx(before * 94 / 90)
    every = {b.batch_id: b for b in list_batches(workspace, "electricity", include_inactive=True)}
    old = every[first.batch_id]
    assert (old.status, old.superseded_by, old.status_reason) == (
        "superseded",
        new.batch_id,
        "May read twice",
    )
    assert [b.batch_id for b in list_batches(workspace, "electricity")] == [new.batch_id]
    assert pq.read_table(workspace.root / old.parquet_path).num_rows == 2  # the old file stays
    replaced = workspace.events("batch.replaced")[-1]
    assert replaced.subject == new.batch_id and replaced.payload["replaces"] == first.batch_id
    assert replaced.payload["reason"] == "May read twice" and replaced.actor
    with pytest.raises(WorkspaceError, match="needs a reason"):
        replace_batch(workspace, new.batch_id, _csv(tmp_path, "again.csv", POWER), " ")


def test_remove_takes_a_batch_out_and_keeps_it(powered):
    workspace, first = powered
    assert _scope2(workspace) > 0
    removed = remove_batch(workspace, first.batch_id, "imported into the wrong workspace")
    assert removed.status == "removed"
    assert list_batches(workspace, "electricity") == []
    assert list_batches(workspace, "electricity", include_inactive=True)[0].status == "removed"
    assert workspace.events("batch.removed")[-1].payload == {
        "reason": "imported into the wrong workspace"
    }
    with pytest.raises(WorkspaceError, match="was removed"):
        remove_batch(workspace, first.batch_id, "twice")
    with pytest.raises(WorkspaceError, match="needs a reason"):
        remove_batch(workspace, first.batch_id, "")


def test_a_removed_files_records_are_not_imported_silently_again(powered, tmp_path):
    workspace, first = powered
    remove_batch(workspace, first.batch_id, "wrong workspace")
    with pytest.raises(WorkspaceError, match=r"was removed.*data replace"):
        import_file(workspace, "electricity", tmp_path / "power.csv")


def test_locked_periods_refuse_replace_and_remove(powered, tmp_path):
    workspace, first = powered
    calculate(workspace)
    lock(workspace, "2025")
    with pytest.raises(PeriodLockedError, match="2025-03"):
        remove_batch(workspace, first.batch_id, "late correction")
    with pytest.raises(PeriodLockedError):
        replace_batch(workspace, first.batch_id, _csv(tmp_path, "f.csv", POWER[:1]), "fix")
    assert list_batches(workspace, "electricity")[0].status == "active"


def test_the_same_records_in_another_order_or_format_are_the_same_batch(powered, tmp_path):
    workspace, first = powered
    before = _scope2(workspace)
    shuffled = _csv(tmp_path, "reordered.csv", list(reversed(POWER)))
    again = import_file(workspace, "electricity", shuffled)
    assert not again.created and again.batch.batch_id == first.batch_id
    parquet = tmp_path / "power.parquet"
    pd.DataFrame(POWER).to_parquet(parquet)
    assert not import_file(workspace, "electricity", parquet).created
    workbook = tmp_path / "power.xlsx"
    pd.DataFrame(list(reversed(POWER))).to_excel(workbook, index=False)
    assert not import_file(workspace, "electricity", workbook).created
    assert len(list_batches(workspace, "electricity", include_inactive=True)) == 1
    assert _scope2(workspace) == pytest.approx(before)  # scope 2 counted once


def test_a_one_row_spend_mapping_changes_one_rule_and_keeps_the_default(workspace, load, tmp_path):
    from carbonledger.app import open_run
    from carbonledger.run import default_spend_mapping

    load(workspace)
    default = default_spend_mapping()
    rule = default.slice(0, 1).to_pylist()[0]
    one = {k: v for k, v in rule.items() if k != "source_row"} | {"naics_code": "493110"}
    import_file(workspace, "spend_mapping", _csv(tmp_path, "one.csv", [one]))
    import_file(workspace, "electricity", _csv(tmp_path, "power.csv", POWER))
    calculate(workspace)
    mapping = open_run(workspace).inputs.references["spend_mapping"]
    assert mapping.num_rows == default.num_rows  # one rule changed, none lost
    changed = [
        r
        for r in mapping.to_pylist()
        if (r["match_field"], r["match_value"]) == (rule["match_field"], rule["match_value"])
    ]
    assert [r["naics_code"] for r in changed] == ["493110"]
    full = [{k: v for k, v in r.items() if k != "source_row"} for r in default.to_pylist()]
    with pytest.raises(ValidationError, match="already stored"):
        import_file(workspace, "spend_mapping", _csv(tmp_path, "full.csv", full))
    calculate(workspace)  # still calculable


def test_facilities_still_named_by_records_cannot_be_removed_or_replaced_away(
    workspace, load, tmp_path
):
    from tests.conftest import FACILITIES

    load(workspace)
    import_file(workspace, "electricity", _csv(tmp_path, "power.csv", POWER))  # names CN1
    sites = next(b for b in list_batches(workspace, "facilities"))
    with pytest.raises(WorkspaceError, match="CN1"):
        remove_batch(workspace, sites.batch_id, "tidy up")
    without_cn = [f for f in FACILITIES if f["facility_id"] != "CN1"]
    with pytest.raises(WorkspaceError, match=r"CN1.*no longer be defined"):
        replace_batch(workspace, sites.batch_id, _csv(tmp_path, "f.csv", without_cn), "tidy up")
    renamed = [{**f, "name": f["name"] + " (new)"} for f in FACILITIES]
    replace_batch(workspace, sites.batch_id, _csv(tmp_path, "f2.csv", renamed), "new names")
