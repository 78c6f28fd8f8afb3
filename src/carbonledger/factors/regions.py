"""The region hierarchy factor selection walks: exact -> parent region -> country -> world."""

from __future__ import annotations

from enum import IntEnum
from functools import cache
from importlib import resources

import yaml

__all__ = ["WORLD", "MatchLevel", "region_chain"]

WORLD = "WORLD"


class MatchLevel(IntEnum):
    """How far selection had to walk up from the activity's region (lower is better)."""

    EXACT = 0
    PARENT = 1
    COUNTRY = 2
    WORLD = 3
    PROXY = 4

    @property
    def label(self) -> str:
        """Lower-case name, as recorded on results."""
        return self.name.lower()


@cache
def _parents() -> dict[str, str]:
    text = resources.files("carbonledger.factors").joinpath("regions.yaml").read_text("utf-8")
    parents: dict[str, str] = yaml.safe_load(text)["parents"]
    return parents


def _country(region: str) -> str | None:
    if region.startswith("EGRID-"):
        return "US"
    if region.startswith("CN-GRID-"):
        return "CN"
    if len(region) > 3 and region[2] == "-":
        return region[:2]
    return None


def region_chain(region: str, proxies: tuple[str, ...] = ()) -> list[tuple[str, MatchLevel]]:
    """Regions to try for an activity in ``region``, best first.

    Parameters
    ----------
    region : str
        The activity's region (``CN-GD``, ``EGRID-CAMX``, ``SG``).
    proxies : tuple of str
        Regions to try after ``WORLD``, each recorded as :attr:`MatchLevel.PROXY`; only what
        the caller's policy names explicitly.

    Examples
    --------
    >>> [(r, level.label) for r, level in region_chain("CN-GD")]
    [('CN-GD', 'exact'), ('CN-GRID-SOUTH', 'parent'), ('CN', 'country'), ('WORLD', 'world')]
    """
    chain = [(region, MatchLevel.EXACT)]
    parent = _parents().get(region)
    while parent is not None:
        chain.append((parent, MatchLevel.PARENT))
        parent = _parents().get(parent)
    country = _country(region)
    if country is not None:
        chain.append((country, MatchLevel.COUNTRY))
    if region != WORLD:
        chain.append((WORLD, MatchLevel.WORLD))
    seen = {r for r, _ in chain}
    chain += [(p, MatchLevel.PROXY) for p in proxies if p not in seen]
    return chain
