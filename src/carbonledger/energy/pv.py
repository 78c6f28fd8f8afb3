"""PV yield with pvlib's PVWatts chain: sun position, plane-of-array irradiance (Hay-Davies),
SAPM cell temperature, PVWatts DC power with its temperature coefficient, the PVWatts system
losses and inverter. Weather comes from a file (TMY3, EPW or a CSV of irradiance and
temperature) or, where the user has none, from a clear-sky model with the Linke turbidity
data and a stated derating.

Examples
--------
>>> import pandas as pd
>>> times = pd.date_range("2024-06-21 04:30", periods=3, freq="6h", tz="Etc/GMT-8")
>>> weather = pd.DataFrame({"ghi": [0.0, 800.0, 0.0], "dni": [0.0, 600.0, 0.0],
...     "dhi": [0.0, 150.0, 0.0], "temp_air": [25.0, 30.0, 24.0], "wind_speed": [1, 1, 1]},
...     index=times)
>>> system = PVSystem(kwp=100, tilt=25, azimuth=180)
>>> power = pv_power(weather, 30.3, 120.2, system, labelled="start")
>>> bool(power.iloc[0] == 0 and 40 < power.iloc[1] < 100)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import pvlib  # type: ignore[import-untyped]
import yaml

from carbonledger.errors import CarbonLedgerError

__all__ = ["PVSystem", "clear_sky_weather", "pv_defaults", "pv_power", "read_weather"]

_WEATHER_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")


@cache
def pv_defaults() -> dict[str, Any]:
    """The PVWatts defaults (``energy/pv_defaults.yaml``) with their source."""
    text = resources.files("carbonledger.energy").joinpath("pv_defaults.yaml").read_text("utf-8")
    return dict(yaml.safe_load(text))


def _default(key: str) -> Any:
    return pv_defaults()[key]


@dataclass(frozen=True)
class PVSystem:
    """A PV array and its inverter.

    Attributes
    ----------
    kwp : float
        DC rating at standard test conditions [kW].
    tilt, azimuth : float
        Surface tilt from horizontal and azimuth clockwise from north [°].
    gamma_pdc : float
        Temperature coefficient of DC power [1/°C].
    inverter_efficiency, dc_ac_ratio : float
        Nominal inverter efficiency and DC/AC rating ratio [-].
    losses : dict of str to float
        PVWatts loss categories [%]; ``derating`` [%] replaces them all when given.
    derating : float or None
        One stated system loss [%] (used with clear-sky weather, where no loss study exists).
    """

    kwp: float
    tilt: float
    azimuth: float
    gamma_pdc: float = field(default_factory=lambda: _default("gamma_pdc"))
    inverter_efficiency: float = field(default_factory=lambda: _default("inverter_efficiency"))
    dc_ac_ratio: float = field(default_factory=lambda: _default("dc_ac_ratio"))
    losses: dict[str, float] = field(default_factory=lambda: dict(_default("losses")))
    derating: float | None = None

    def loss_share(self) -> float:
        """The system's combined losses [-]."""
        if self.derating is not None:
            return self.derating / 100
        return float(pvlib.pvsystem.pvwatts_losses(**self.losses)) / 100


def read_weather(path: str | Path, year: int | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Hourly weather from a TMY3 or EPW file, or a CSV with a ``time`` column and
    ``ghi, dni, dhi, temp_air, wind_speed`` [W/m², °C, m/s].

    Returns
    -------
    weather : DataFrame
        Indexed by time (the file's time zone), the five columns.
    site : dict
        ``latitude``, ``longitude`` [°] where the file gives them.

    Raises
    ------
    CarbonLedgerError
        For a file that is none of these, or a CSV missing a column (named).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".epw":
            data, meta = pvlib.iotools.read_epw(path, coerce_year=year)
        elif suffix == ".csv" and _is_tmy3(path):
            data, meta = pvlib.iotools.read_tmy3(path, coerce_year=year, map_variables=True)
        elif suffix == ".csv":
            data = pd.read_csv(path, parse_dates=["time"], index_col="time")
            meta = {}
        else:
            raise CarbonLedgerError(f"{path}: weather as TMY3 (.csv), EPW (.epw) or CSV")
    except (ValueError, KeyError) as exc:
        raise CarbonLedgerError(f"{path}: cannot read it as weather: {exc}") from exc
    missing = [c for c in _WEATHER_COLUMNS if c not in data.columns]
    if missing:
        raise CarbonLedgerError(f"{path}: weather columns missing: {', '.join(missing)}")
    site = {k: float(meta[k]) for k in ("latitude", "longitude") if k in meta}
    return data[list(_WEATHER_COLUMNS)], site


def _is_tmy3(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as f:
        first, second = f.readline(), f.readline()
    return first.count(",") == 6 and second.startswith("Date (MM/DD/YYYY)")


def clear_sky_weather(
    times: pd.DatetimeIndex,
    latitude: float,
    longitude: float,
    linke_path: str | Path | None,
    temp_air: float,
    wind_speed: float = 1.0,
) -> pd.DataFrame:
    """Clear-sky irradiance (Ineichen with the monthly Linke turbidity of the site) and a
    constant air temperature [°C] and wind speed [m/s], where no weather file exists.

    ``linke_path`` None reads the Linke turbidity file pvlib installs with itself (Remund et
    al., SoDa); clear skies overstate a year's yield, so state the derating with it."""
    if linke_path is None:
        linke_path = Path(pvlib.__file__).parent / "data" / "LinkeTurbidities.h5"
    location = pvlib.location.Location(latitude, longitude)
    turbidity = pvlib.clearsky.lookup_linke_turbidity(times, latitude, longitude, linke_path)
    sky = location.get_clearsky(times, model="ineichen", linke_turbidity=turbidity)
    return sky.assign(temp_air=temp_air, wind_speed=wind_speed)[list(_WEATHER_COLUMNS)]


def pv_power(
    weather: pd.DataFrame,
    latitude: float,
    longitude: float,
    system: PVSystem,
    labelled: str = "end",
) -> pd.Series:
    """AC power of the system over each interval of ``weather`` [kW].

    The sun's position is taken at the middle of each interval: ``labelled="end"`` for files
    whose time ends the interval (TMY3 and EPW: 01:00 is 00:00-01:00), ``"start"`` for those
    whose time begins it.
    """
    if labelled not in ("end", "start"):
        raise CarbonLedgerError(f"labelled={labelled!r}: the interval's 'end' or 'start'")
    times = pd.DatetimeIndex(weather.index)
    step = pd.Timedelta(times[1] - times[0]) if len(times) > 1 else pd.Timedelta(0)
    middle = times.shift(-1 if labelled == "end" else 1, freq=step / 2)
    sun = pvlib.solarposition.get_solarposition(middle, latitude, longitude)
    extra = pvlib.irradiance.get_extra_radiation(middle)
    poa = pvlib.irradiance.get_total_irradiance(
        system.tilt,
        system.azimuth,
        sun["apparent_zenith"].to_numpy(),
        sun["azimuth"].to_numpy(),
        weather["dni"].to_numpy(),
        weather["ghi"].to_numpy(),
        weather["dhi"].to_numpy(),
        dni_extra=extra.to_numpy(),
        model="haydavies",
    )
    parameters = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][
        _default("temperature_model")
    ]
    cell = pvlib.temperature.sapm_cell(
        poa["poa_global"],
        weather["temp_air"].to_numpy(),
        weather["wind_speed"].to_numpy(),
        **parameters,
    )
    dc = pvlib.pvsystem.pvwatts_dc(poa["poa_global"], cell, system.kwp, system.gamma_pdc)
    dc = dc.clip(min=0) * (1 - system.loss_share())
    ac = pvlib.inverter.pvwatts(
        dc, system.kwp / system.dc_ac_ratio, eta_inv_nom=system.inverter_efficiency
    )
    return pd.Series(ac, index=times, name="pv_kw").fillna(0).clip(lower=0)
