"""The nearest earlier year's value for each key and year a method's records hold."""

from __future__ import annotations

import pyarrow as pa

from carbonledger.methods.base import latest_not_after, period_years


def test_each_key_and_year_takes_the_latest_published_year_not_after_it():
    fx = pa.table(
        {
            "currency": ["CNY", "CNY", "GBP"],
            "year": [2020, 2023, 2024],
            "per_usd": [6.9, 7.08, 0.78],
        }
    )
    years = period_years(["2019-05", "2022-01", "2022-12", "2025", None])
    assert years == [2019, 2022, 2025]
    found = latest_not_after(
        fx, ["currency"], [("CNY",), ("GBP",), (None,)], years, {"per_usd": "r"}
    )
    assert found.to_pylist() == [
        {"_k_currency": "CNY", "_k_year": 2022, "r": 6.9},  # 2020's: no 2021 or 2022 rate
        {"_k_currency": "CNY", "_k_year": 2025, "r": 7.08},
        {"_k_currency": "GBP", "_k_year": 2025, "r": 0.78},  # none for 2019 or 2022: left out
    ]
    assert found.schema.field("_k_year").type == pa.int64()


def test_a_key_nothing_publishes_gives_no_row_and_the_columns_keep_their_types():
    prices = pa.table(
        {"region": ["US"], "currency": ["USD"], "year": [2024], "price": [0.13]},
        schema=pa.schema(
            [
                ("region", pa.string()),
                ("currency", pa.string()),
                ("year", pa.int64()),
                ("price", pa.float64()),
            ]
        ),
    )
    found = latest_not_after(
        prices, ["region", "currency"], [("CN", "CNY")], [2025], {"price": "p"}
    )
    assert found.num_rows == 0
    assert found.schema.names == ["_k_region", "_k_currency", "_k_year", "p"]
    assert found.schema.field("p").type == pa.float64()
