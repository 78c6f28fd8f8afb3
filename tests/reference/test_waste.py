"""Waste generated in operations (scope 3 category 5) against DESNZ 2025 and EPA Hub 2025."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from carbonledger.app import calculate, report_context
from carbonledger.errors import FactorNotFoundError
from carbonledger.options import WorkspaceConfig
from carbonledger.report.sections import sections
from carbonledger.store import Workspace


def _waste(record_id, facility, material, treatment, quantity, unit="t"):
    return {
        "record_id": record_id,
        "facility_id": facility,
        "period": "2025-03",
        "material": material,
        "treatment": treatment,
        "quantity": quantity,
        "unit": unit,
    }


def test_board_landfilled_in_the_uk_and_the_us(workspace, load):
    load(
        workspace,
        waste=[
            # DESNZ 2025 Waste disposal!H87: paper and board (board), landfill,
            # 1,164.4894 kg CO2e per tonne.
            _waste("W1", "GB1", "paper_board", "landfill", 2),
            # EPA Hub 2025 Table 9 (E449): corrugated containers landfilled, 1.00 t CO2e per short
            # ton (AR4 GWPs); 2 t = 2 / 0.90718474 short tons.
            _waste("W2", "US1", "paper_board", "landfill", 2),
        ],
    )
    rows = {
        r["record_id"]: r
        for r in pq.read_table(workspace.ledger_files(calculate(workspace).run)).to_pylist()
    }
    assert rows["W1"]["co2e"] == pytest.approx(2 * 1164.4894)
    assert rows["W1"]["factor_release"] == "desnz-2025"
    assert rows["W2"]["co2e"] == pytest.approx(2 / 0.90718474 * 1000)
    assert rows["W2"]["gwp_set"] == "AR4GWP100"  # the publisher's own basis, recorded
    assert {(r["scope"], r["scope3_category"], r["iso_category"]) for r in rows.values()} == {
        (3, 5, 4)
    }


def test_an_ar4_co2e_factor_in_an_ar5_inventory_is_disclosed_or_refused(tmp_path, load):
    # EPA Hub 2025 Table 9 publishes waste factors only as CO2e under AR4: they cannot be
    # restated under AR5 without their gases. Default: used as published and disclosed;
    # gwp_mixing = "refuse": they do not qualify and the run says why.
    us_board = [_waste("W2", "US1", "paper_board", "landfill", 2)]
    disclosed = Workspace.init(tmp_path / "d", WorkspaceConfig(organisation="x"))
    load(disclosed, waste=us_board)
    run = calculate(disclosed).run
    assert run.manifest["options"]["gwp_mixing"] == "disclose"
    parts = sections(report_context(disclosed, run.run_id), "en")
    text = " ".join(next(s for s in parts if s.key == "methods").paragraphs)
    assert "CO2e is under the AR5GWP100 global warming potentials." in text
    assert "under another set are used as published" in text and "AR4GWP100 2.205 t" in text

    refused = Workspace.init(tmp_path / "r", WorkspaceConfig(organisation="x", gwp_mixing="refuse"))
    load(refused, waste=us_board)
    with pytest.raises(FactorNotFoundError, match="gwp_mixing"):
        calculate(refused)
