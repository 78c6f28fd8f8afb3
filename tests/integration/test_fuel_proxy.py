"""Fuels burnt where no release publishes a combustion factor: the workspace's fuel proxy
policy (default GB, then US), recorded on every row, refusable, with an error that says how
to fix it."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from carbonledger.app import calculate, report_context
from carbonledger.errors import FactorNotFoundError
from carbonledger.options import DEFAULT_FUEL_PROXY_REGIONS, WorkspaceConfig
from carbonledger.report.sections import sections
from carbonledger.store import Workspace

DIESEL_IN_GUANGZHOU = {
    "stationary_fuel": [
        {
            "record_id": "S1",
            "facility_id": "CN1",
            "period": "2025-03",
            "fuel": "diesel",
            "quantity": 1000,
            "unit": "L",
        }
    ]
}


def test_a_fuel_in_china_takes_the_default_fuel_proxy_and_says_so(workspace, load):
    # No release publishes Chinese fuel factors (PROVENANCE "not available"); the default
    # policy serves them from DESNZ 2025 Fuels!D70: diesel 2.57082 kg CO2e per litre.
    assert workspace.config.fuel_proxy_regions == list(DEFAULT_FUEL_PROXY_REGIONS)
    load(workspace, **DIESEL_IN_GUANGZHOU)
    run = calculate(workspace).run
    rows = [
        r
        for r in pq.read_table(workspace.ledger_files(run)).to_pylist()
        if r["method"] == "stationary_combustion"
    ]
    assert {r["match_level"] for r in rows} == {"proxy"}
    assert {r["factor_release"] for r in rows} == {"desnz-2025"}
    assert sum(r["co2e"] for r in rows) == pytest.approx(2570.82, abs=0.02)
    assert run.manifest["options"]["fuel_proxy_regions"] == ["GB", "US"]
    # the report discloses the policy and what it served
    parts = sections(report_context(workspace, run.run_id), "en")
    methods = next(s for s in parts if s.key == "methods")
    text = " ".join(methods.paragraphs)
    assert "for fuel combustion GB, US; for other activities none" in text
    # combustion and its well-to-tank part (DESNZ WTT, GB by the method's own proxy) are all
    # served by another region's factors
    assert "(100.0% of the location-based total), from desnz-2025" in text


def test_refusing_fuel_proxies_stops_the_run_with_how_to_fix_it(tmp_path, load):
    config = WorkspaceConfig(organisation="x", fuel_proxy_regions=[])
    workspace = Workspace.init(tmp_path / "strict", config)
    load(workspace, **DIESEL_IN_GUANGZHOU)
    with pytest.raises(FactorNotFoundError) as caught:
        calculate(workspace)
    message = str(caught.value)
    assert "in CN-GD" in message
    assert "fuel_proxy_regions" in message and "factors add" in message


def test_grid_electricity_is_never_proxied_and_the_error_says_why(tmp_path, load):
    config = WorkspaceConfig(organisation="x", proxy_regions=["GB"])
    workspace = Workspace.init(tmp_path / "grid", config)
    load(
        workspace,
        facilities=[
            {
                "facility_id": "AQ1",
                "entity_id": "E-GB",
                "name": "Station",
                "facility_type": "office",
                "country": "AQ",
            }
        ],
        electricity=[
            # before 1990, the first year of OWID's world series: no grid factor anywhere
            {
                "record_id": "E1",
                "facility_id": "AQ1",
                "period": "1985-03",
                "quantity": 1,
                "unit": "MWh",
            }
        ],
    )
    with pytest.raises(FactorNotFoundError, match="location-specific"):
        calculate(workspace)


def test_proxy_region_codes_are_checked():
    with pytest.raises(ValueError, match="region codes"):
        WorkspaceConfig(organisation="x", fuel_proxy_regions=[" "])
    assert WorkspaceConfig(organisation="x", proxy_regions=["gb"]).proxy_regions == ["GB"]
