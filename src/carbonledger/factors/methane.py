"""The origin of a factor's methane (fossil or not), which chooses its GWP-100 under AR6.

AR6 gives fossil methane a higher GWP-100 than methane from biogenic sources, since its
oxidation adds CO2 that was not taken from the air (AR6 WG1 Table 7.15: 29.8 against 27.0).
One value for every source understates fossil combustion and fugitive gas, so the origin is
read from the factor's activity key by the patterns of ``factors/methane_origin.yaml``.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import cache
from importlib import resources

import yaml

__all__ = ["methane_origin"]

_ORDER = ("unspecified", "non_fossil", "fossil")


@cache
def _patterns() -> tuple[tuple[str, tuple[str, ...]], ...]:
    path = resources.files("carbonledger.factors").joinpath("methane_origin.yaml")
    text = path.read_text("utf-8")
    data: dict[str, list[str]] = yaml.safe_load(text)
    return tuple((origin, tuple(data.get(origin, ()))) for origin in _ORDER)


@cache
def methane_origin(activity_key: str) -> str:
    """Origin of the methane an activity emits.

    Parameters
    ----------
    activity_key : str
        Factor activity key (``fuel/natural_gas``, ``fuel/wood_and_wood_residuals``).

    Returns
    -------
    str
        ``fossil``, ``non_fossil`` or ``unspecified`` (no pattern matches, or the key mixes
        both, as burnt municipal waste does).

    Examples
    --------
    >>> methane_origin("fuel/natural_gas"), methane_origin("fuel/wood_and_wood_residuals")
    ('fossil', 'non_fossil')
    >>> methane_origin("eeio/111120")
    'unspecified'
    """
    for origin, patterns in _patterns():
        if any(fnmatchcase(activity_key, p) for p in patterns):
            return origin
    return "unspecified"
