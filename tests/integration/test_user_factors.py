"""Users' own factor releases: validated, atomic, immutable, and used by selection."""

from __future__ import annotations

import pytest

from carbonledger.app import add_factor_release, estimate, workspace_library
from carbonledger.errors import FactorError, ValidationError
from carbonledger.factors import ReleaseInfo, SelectionPolicy

INFO = ReleaseInfo("cn-own-2023", "Lanting", "own factors", "1", "2026-01-01", "CC0-1.0", "", ())
HEADER = (
    "activity_key,name,name_zh,region,year,gas,gwp_set,value,numerator_unit,per_unit,stage,source\n"
)
ROWS = (
    "electricity/grid,China national average,全国电网平均,CN,2023,CO2,,0.5306,kg,kWh,generation,"
    "MEE/NBS Announcement 2025 No. 47\n"
    "material/express_box_paper,Express box paper,快递纸箱用纸,CN,2014,CO2,,1.14,t,t,"
    "cradle_to_gate,YZ/T 0135-2014\n"
)


@pytest.fixture
def factor_file(tmp_path):
    path = tmp_path / "own.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def test_added_release_is_selected_and_searchable(workspace, factor_file):
    manifest = add_factor_release(workspace, factor_file, INFO)
    assert manifest["tables"]["factors"]["rows"] == 2
    library = workspace_library(workspace)
    assert "cn-own-2023" in library.release_ids
    # Tibet has no provincial factor: with only this release, its national average is used,
    # recorded as "country"; with the packaged MEE release too, the Southwest grid's (0.2472,
    # Announcement 2025 No. 47 Table 2) comes first, as the parent region.
    own = SelectionPolicy(releases=("cn-own-2023",))
    result = estimate("electricity/grid", 1000, "kWh", "CN-XZ", 2025, policy=own, library=library)
    assert result.co2e == pytest.approx(530.6)
    assert result.rows[0]["match_level"] == "country"
    result = estimate("electricity/grid", 1000, "kWh", "CN-XZ", 2025, library=library)
    assert (result.co2e, result.rows[0]["match_level"]) == (pytest.approx(247.2), "parent")
    # 2 t of express-box paper at 1.14 t CO2/t.
    assert estimate(
        "material/express_box_paper", 2, "t", "CN", 2025, library=library
    ).co2e == pytest.approx(2280.0)
    assert library.search("快递")[0]["source_location"] == "own.csv:3 (YZ/T 0135-2014)"


def test_invalid_rows_are_reported_and_nothing_is_written(workspace, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "electricity/grid,x,,CN,2023,CO2e,,0.5,kg,kWh,generation,src\n"
        "Electricity,x,,CN,2023,XYZ,,0.5,kg,kg2,nowhere,src\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        add_factor_release(workspace, bad, INFO)
    findings = {(f.rule, f.location.row, f.location.column) for f in caught.value.report.errors}
    assert ("required", 2, "gwp_set") in findings
    assert ("gas", 3, "gas") in findings
    assert ("pattern", 3, "activity_key") in findings
    assert ("enum", 3, "stage") in findings
    assert ("unit", 3, "per_unit") in findings
    assert not (workspace.root / "factors" / "cn-own-2023").exists()


def test_releases_are_immutable(workspace, factor_file):
    add_factor_release(workspace, factor_file, INFO)
    with pytest.raises(FactorError, match="immutable"):
        add_factor_release(workspace, factor_file, INFO)


def test_a_release_folder_without_its_metadata_row_is_never_read(workspace):
    """A crash after a release's files were written but before its row was committed leaves a
    folder no library reads; only registered releases are part of the workspace."""
    from carbonledger.app import workspace_library

    packaged = set(workspace_library(workspace).release_ids)
    orphan = workspace.factors_dir / "orphan-2025"
    orphan.mkdir(parents=True)
    (orphan / "manifest.json").write_text('{"release_id": "orphan-2025", "tables": {}}')
    assert set(workspace_library(workspace).release_ids) == packaged
