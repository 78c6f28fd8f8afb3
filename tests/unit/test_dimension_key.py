"""Dimensions compare in one order: pint's text of a dimensionality follows what the process
met first (a tonne-km read after a km x t product is "[length] * [mass]", the releases hold
"[mass] * [length]"), which once left every freight request without a factor in a process
that had first computed a route-optimisation measure."""

from __future__ import annotations

import subprocess
import sys

from carbonledger.units import dimension_key


def test_dimension_key_is_order_free():
    assert dimension_key("t * km") == dimension_key("km * t") == "[length] * [mass]"
    assert dimension_key("[mass] * [length]") == "[length] * [mass]"
    assert dimension_key("kg CO2e / USD") == "[CO2e] * [mass] / [USD]"
    assert dimension_key("MWh") == dimension_key("kWh")


def test_freight_selects_a_factor_after_pint_met_km_times_t_first():
    script = (  # a fresh process, so that this route optimisation is the first thing pint meets
        "from carbonledger.plan import Measure, calculate_measure, load_measure_types\n"
        "inputs = {'vehicles_avoided': (1, ''), 'distance': (20000, 'km'), 'load': (6, 't')}\n"
        "m = Measure('M', 'route_optimisation', 'r', 'CN', 2025, 10, 'CNY', inputs=inputs)\n"
        "lookup = lambda *a: (0.0, [], [])\n"
        "calculate_measure(load_measure_types()['route_optimisation'], m, lookup)\n"
        "from carbonledger.app import estimate\n"
        "e = estimate('freight/road/hgv_articulated/average_laden', 1000, 't * km', 'GB', 2025)\n"
        "print(round(e.co2e, 3))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) > 0
