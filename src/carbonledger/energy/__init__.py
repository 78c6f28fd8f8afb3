"""Park energy: PV yield (pvlib), time-of-use tariffs as data, and the microgrid's dispatch as
a linear programme (linopy + HiGHS)."""

from carbonledger.energy.dispatch import (
    Battery,
    DispatchResult,
    EVFleet,
    Site,
    Sizing,
    dispatch,
)
from carbonledger.energy.pv import PVSystem, clear_sky_weather, pv_defaults, pv_power, read_weather
from carbonledger.energy.sizing import size
from carbonledger.energy.tariffs import Tariff, load_tariff, packaged_tariffs

__all__ = [
    "Battery",
    "DispatchResult",
    "EVFleet",
    "PVSystem",
    "Site",
    "Sizing",
    "Tariff",
    "clear_sky_weather",
    "dispatch",
    "load_tariff",
    "packaged_tariffs",
    "pv_defaults",
    "pv_power",
    "read_weather",
    "size",
]
