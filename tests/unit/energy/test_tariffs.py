"""Time-of-use tariffs as data: every hour priced once, seasons by month, errors named."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonledger.energy import load_tariff
from carbonledger.errors import CarbonLedgerError


def test_the_illustrative_tariff_prices_every_hour_by_season_and_period():
    tariff = load_tariff("illustrative_tou")
    assert tariff.illustrative and tariff.export_price is None
    summer = pd.date_range("2025-08-01", periods=24, freq="1h")
    winter = pd.date_range("2025-01-15", periods=24, freq="1h")
    assert tariff.period_names(summer).iloc[16] == "critical_peak"
    assert tariff.period_names(winter).iloc[16] == "peak"
    assert tariff.import_prices(winter).iloc[2] == pytest.approx(0.30)
    quarter = pd.date_range("2025-01-01", periods=35_040, freq="15min")
    assert tariff.import_prices(quarter).notna().all()


def test_a_tariff_with_a_gap_or_an_overlap_is_refused_naming_it(tmp_path):
    text = (
        "id: t\nname: t\ncurrency: CNY\nseasons:\n"
        "  - {name: all, months: [1,2,3,4,5,6,7,8,9,10,11,12], periods: ["
        "{name: day, hours: [[8, 20]], price: 1.0}, "
        "{name: night, hours: [[20, 24]], price: 0.5}]}\n"
    )
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CarbonLedgerError, match=r"month 1 hour 0 has no price \(96 hours"):
        load_tariff(path)
    path.write_text(text.replace("[[20, 24]]", "[[0, 8], [19, 24]]"), encoding="utf-8")
    with pytest.raises(CarbonLedgerError, match="night: hours 19-24 overlap"):
        load_tariff(path)
    with pytest.raises(CarbonLedgerError, match="no tariff 'nope'"):
        load_tariff("nope")
