"""The target-setting rules as data (``rules.yaml``): SBTi criteria versions, ambition rates,
coverage thresholds, timeframes, base-year and net-zero rules.

Examples
--------
>>> rules = load_rules()
>>> rules.criteria_name("near_term")
'SBTi Corporate Near-Term Criteria 5.2'
>>> rules.annual_rate("absolute", "1.5C")
0.042
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from carbonledger.errors import CarbonLedgerError

__all__ = ["Rules", "load_rules"]

_RATE_TABLES = {"absolute": "absolute_contraction", "intensity": "economic_intensity"}


@dataclass(frozen=True)
class Rules:
    """Target-setting rules read from a rules file.

    Attributes
    ----------
    data : dict
        The file's content: ``criteria``, ``absolute_contraction``, ``economic_intensity``,
        ``coverage``, ``timeframe``, ``base_year``, ``net_zero``.
    """

    data: dict[str, Any]

    def criteria_name(self, key: str) -> str:
        """Name and version of a criteria document (``near_term`` or ``net_zero``)."""
        doc = self.data["criteria"][key]
        return f"{doc['name']} {doc['version']}"

    def rule(self, section: str, name: str) -> dict[str, Any]:
        """One rule's entry, with ``criteria`` replaced by the document's name and version."""
        entry = dict(self.data[section][name])
        entry["criteria"] = self.criteria_name(entry["criteria"])
        return entry

    def annual_rate(self, kind: str, ambition: str) -> float:
        """Minimum annual reduction rate of an ambition [fraction a year]: linear for the
        absolute contraction approach, compounded for economic intensity.

        Raises
        ------
        CarbonLedgerError
            If the rules define no rate for that kind and ambition.
        """
        table = self.data.get(_RATE_TABLES.get(kind, ""), {})
        if ambition not in table:
            raise CarbonLedgerError(
                f"no {kind} reduction rate for ambition {ambition!r}; the rules define "
                f"{sorted(table) or 'none for this kind'}"
            )
        return float(table[ambition]["annual_rate"])


@cache
def _packaged() -> Rules:
    text = resources.files("carbonledger.plan").joinpath("rules.yaml").read_text("utf-8")
    return Rules(yaml.safe_load(text))


def load_rules(path: str | Path | None = None) -> Rules:
    """The packaged rules, or those of a YAML file laid out like ``plan/rules.yaml``."""
    if path is None:
        return _packaged()
    return Rules(yaml.safe_load(Path(path).read_text("utf-8")))
