"""Property: converting a column to a unit and back returns it."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from carbonledger.units import convert

_PAIRS = [
    ("kWh", "GJ"),
    ("MWh", "mmBtu"),
    ("gallon", "L"),
    ("short_ton", "kg"),
    ("mile", "km"),
    ("lb CO2 / MWh", "kg CO2 / kWh"),
    ("tkm", "ton_mile"),
    ("scf", "m ** 3"),
]

values = st.lists(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), min_size=1, max_size=50
)


@given(values=values, pair=st.sampled_from(_PAIRS))
def test_round_trip(values, pair):
    source, target = pair
    there = convert(values, source, target)
    back = convert(there, target, source)
    np.testing.assert_allclose(back, values, rtol=1e-12, atol=1e-9)


@given(values=values, pair=st.sampled_from(_PAIRS), factor=st.floats(0.001, 1000))
def test_conversion_is_linear(values, pair, factor):
    source, target = pair
    scaled = convert(np.asarray(values) * factor, source, target)
    np.testing.assert_allclose(
        scaled, convert(values, source, target) * factor, rtol=1e-12, atol=1e-6
    )
