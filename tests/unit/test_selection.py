"""Factor selection: every fallback step, strict mode, and invariants."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonledger.errors import FactorNotFoundError
from carbonledger.factors import (
    FactorRow,
    FactorTableBuilder,
    ReleaseInfo,
    SelectionPolicy,
    region_chain,
    select_factors,
)

INFO = ReleaseInfo("t-1", "T", "t", "1", "2026-01-01", "CC0-1.0", "", ())


def _factors(rows: list[tuple[str, str, int, float]], stage: str = "generation") -> pa.Table:
    builder = FactorTableBuilder(INFO)
    for key, region, year, value in rows:
        builder.add(
            FactorRow(
                activity_key=key,
                name=key,
                region=region,
                year=year,
                gas="CO2",
                original_value=value,
                numerator="kg",
                denominator="kWh",
                stage=stage,
                source_location=f"{key}-{region}-{year}",
            )
        )
    return builder.table()


LIBRARY = _factors(
    [
        ("electricity/grid", "CN-GD", 2023, 0.44),
        ("electricity/grid", "CN-GRID-SOUTH", 2022, 0.40),
        ("electricity/grid", "CN", 2023, 0.53),
        ("electricity/grid", "WORLD", 2024, 0.47),
        ("electricity/grid", "GB", 2025, 0.18),
        ("electricity/grid", "GB", 2026, 0.13),
    ]
)


def _request(region: str, year: int, key: str = "electricity/grid", unit: str = "kWh"):
    return pa.table(
        {
            "request_id": [1],
            "activity_key": [key],
            "region": [region],
            "year": [year],
            "unit": [unit],
        }
    )


def _pick(region, year, policy=None, **kw):
    selection = select_factors(_request(region, year, **kw), LIBRARY, policy or SelectionPolicy())
    return selection.matches.to_pylist(), selection


@pytest.mark.parametrize(
    ("region", "year", "value", "level", "gap"),
    [
        ("CN-GD", 2023, 0.44, "exact", 0),
        ("CN-GD", 2025, 0.44, "exact", 2),  # nearest earlier year
        ("CN-GX", 2024, 0.40, "parent", 2),  # regional grid
        ("CN-XZ", 2023, 0.53, "country", 0),  # Tibet: no provincial or regional factor
        ("SG", 2025, 0.47, "world", 1),
        ("GB", 2025, 0.18, "exact", 0),  # never the later 2026 factor
        ("GB", 2030, 0.13, "exact", 4),
    ],
)
def test_each_fallback_step_is_recorded(region, year, value, level, gap):
    rows, _ = _pick(region, year)
    assert len(rows) == 1
    assert rows[0]["value"] == pytest.approx(value)
    assert (rows[0]["match_level"], rows[0]["year_gap"]) == (level, gap)


def test_no_factor_from_a_later_year():
    rows, selection = _pick("CN-GD", 2021)
    assert rows == []
    assert selection.missing.column("request_id").to_pylist() == [1]
    with pytest.raises(FactorNotFoundError, match="electricity/grid in CN-GD for 2021"):
        selection.raise_if_missing()


def test_strict_mode_refuses_fallbacks():
    policy = SelectionPolicy(strict=True)
    assert _pick("CN-GD", 2023, policy)[0][0]["match_level"] == "exact"
    assert _pick("CN-GD", 2024, policy)[0] == []
    assert _pick("CN-GX", 2022, policy)[0] == []


def test_proxy_regions_only_when_named():
    library = _factors([("fuel/x", "GB", 2025, 2.0)], stage="combustion")
    request = _request("CN", 2025, key="fuel/x")
    assert select_factors(request, library, SelectionPolicy()).matches.num_rows == 0
    chosen = select_factors(request, library, SelectionPolicy(proxy_regions=("GB",))).matches
    assert chosen.column("match_level").to_pylist() == ["proxy"]


def test_max_year_gap():
    assert _pick("GB", 2030, SelectionPolicy(max_year_gap=3))[0] == []


def test_unit_dimension_must_match():
    assert _pick("GB", 2025, unit="kg")[0] == []
    assert _pick("GB", 2025, unit="MWh")[0][0]["value"] == pytest.approx(0.18)


def test_stage_preference_outranks_region():
    library = pa.concat_tables(
        [
            _factors([("electricity/grid", "SG", 2025, 0.50)], stage="lifecycle"),
            _factors([("electricity/grid", "WORLD", 2025, 0.40)], stage="generation"),
        ]
    )
    request = _request("SG", 2025)
    generation_first = SelectionPolicy(stages=("generation", "lifecycle"))
    rows = select_factors(request, library, generation_first).matches.to_pylist()
    assert (rows[0]["stage"], rows[0]["match_level"]) == ("generation", "world")
    only_lifecycle = SelectionPolicy(stages=("lifecycle",))
    rows = select_factors(request, library, only_lifecycle).matches.to_pylist()
    assert (rows[0]["stage"], rows[0]["match_level"]) == ("lifecycle", "exact")


def test_region_chain():
    assert [r for r, _ in region_chain("EGRID-CAMX")] == ["EGRID-CAMX", "US", "WORLD"]
    assert [r for r, _ in region_chain("US-CA")] == ["US-CA", "US", "WORLD"]
    assert [r for r, _ in region_chain("WORLD")] == ["WORLD"]


REGIONS = ["CN-GD", "CN-GX", "CN-XZ", "CN", "GB", "SG", "WORLD", "US-CA"]
KEYS = ["electricity/grid", "fuel/other"]


@settings(max_examples=60, deadline=None)
@given(
    requests=st.lists(
        st.tuples(st.sampled_from(KEYS), st.sampled_from(REGIONS), st.integers(2015, 2032)),
        min_size=1,
        max_size=20,
    )
)
def test_never_another_key_or_a_later_year(requests):
    table = pa.table(
        {
            "request_id": list(range(len(requests))),
            "activity_key": [r[0] for r in requests],
            "region": [r[1] for r in requests],
            "year": [r[2] for r in requests],
            "unit": ["kWh"] * len(requests),
        }
    )
    matches = select_factors(table, LIBRARY, SelectionPolicy()).matches.to_pylist()
    by_id = {i: r for i, r in enumerate(requests)}
    assert len({m["request_id"] for m in matches}) == len(matches)  # one factor per request
    for match in matches:
        key, _region, year = by_id[match["request_id"]]
        assert match["activity_key"] == key
        assert match["factor_year"] <= year
        assert match["year_gap"] == year - match["factor_year"]


def _energy_request(key: str, region: str, basis: str | None = None) -> pa.Table:
    return pa.table(
        {
            "request_id": [1],
            "activity_key": [key],
            "region": [region],
            "year": [2025],
            "unit": ["therm"],
            "heating_value_basis": pa.array([basis], pa.string()),
        }
    )


def test_an_energy_request_without_basis_takes_the_publishers_only_basis():
    # EPA Hub 2025 Table 1 gives natural gas per mmBtu on HHV only: the default. DESNZ gives
    # kWh on gross and net CV: a request must say which.
    from carbonledger.factors import default_library

    library = default_library()
    us = library.select(_energy_request("fuel/natural_gas", "US"), SelectionPolicy())
    assert {m["heating_value_basis"] for m in us.matches.to_pylist()} == {"HHV"}
    assert {m["release_id"] for m in us.matches.to_pylist()} == {"epa-hub-2025"}
    gb = library.select(_energy_request("fuel/natural_gas", "GB"), SelectionPolicy())
    assert gb.matches.num_rows == 0
    [reason] = gb.missing["reason"].to_pylist()
    assert "basis: heating-value basis HHV, LHV, the request's is none" in reason
    net = library.select(_energy_request("fuel/natural_gas", "GB", "LHV"), SelectionPolicy())
    assert {m["release_id"] for m in net.matches.to_pylist()} == {"desnz-2025"}


def test_when_nothing_matches_each_part_that_ruled_factors_out_is_named():
    factors = _factors(
        [("electricity/grid", "CN", 2023, 0.5), ("electricity/grid", "US", 2030, 0.3)]
    )
    requests = pa.concat_tables([_request("CN", 2020), _request("US", 2025)])
    requests = requests.set_column(0, "request_id", pa.array([1, 2], requests["request_id"].type))
    selection = select_factors(requests, factors, SelectionPolicy())
    reasons = selection.missing["reason"].to_pylist()
    assert "year: year 2023, later than 2020" in reasons[0]
    assert "region: published for CN, not for US" in reasons[1]
    assert "year: year 2030, later than 2025" in reasons[1]
    with pytest.raises(FactorNotFoundError, match="later than 2020"):
        selection.raise_if_missing()
    unknown = select_factors(
        _request("CN", 2025, key="electricity/gird"), factors, SelectionPolicy()
    )
    assert unknown.missing["reason"].to_pylist() == ["no factor has the key electricity/gird"]
