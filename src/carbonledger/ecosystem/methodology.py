"""Methodologies of Scope 3+ programmes: baseline minus project emissions per activity, as data.

A methodology (``methodologies.yaml``, or a user's file of the same layout) names the activity
unit, the fields an activity row carries, its constants, the emission factors it needs and the
two formulas. :meth:`Methodology.check` evaluates both formulas once over pint quantities, so a
formula whose units do not give a mass fails with the methodology named before any row is
read; the programme ledger then computes the same formulas in SQL over base units
(:mod:`carbonledger.ecosystem.ledger`).

Examples
--------
>>> m = load_methodologies()["e_waybill"]
>>> m.label, m.activity_unit, sorted(m.factors)
('e_waybill@1', 'item', ['paper'])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pint
import yaml

from carbonledger.errors import CarbonLedgerError
from carbonledger.formula import evaluate, names_in
from carbonledger.units import parse_unit, ureg

__all__ = [
    "NO_FACTOR",
    "FactorSpec",
    "FieldSpec",
    "Methodology",
    "base_scale",
    "load_methodologies",
]

#: A value of a factor's ``keys`` map meaning "this choice emits nothing" (walking, cycling).
NO_FACTOR = "none"


def base_scale(unit: str) -> float:
    """What one ``unit`` is in base units (``km`` -> 1000, ``g`` -> 0.001, ``""`` -> 1)."""
    if not unit:
        return 1.0
    return float(ureg.Quantity(1, parse_unit(unit)).to_base_units().magnitude)


@dataclass(frozen=True)
class FieldSpec:
    """A value an activity row carries.

    Parameters
    ----------
    name : str
        Name in the formulas.
    column : str
        Column of the activity row (or of the product's certification).
    unit : str
        Unit of the column's numbers ("" for a share or a count).
    default : float, optional
        Value for a blank cell; without one a blank cell makes the row ineligible.
    mapping : dict, optional
        Text values and the numbers they stand for (a condition grade ...).
    description : str
    """

    name: str
    column: str
    unit: str = ""
    default: float | None = None
    mapping: dict[str, float] | None = None
    description: str = ""


@dataclass(frozen=True)
class FactorSpec:
    """An emission factor a methodology needs [kg CO2e per ``unit``].

    Parameters
    ----------
    name : str
        Name in the formulas.
    unit : str
        Unit the factor is asked per (``kg``, ``pkm``, ``kWh`` ...).
    key : str, optional
        Factor key; ``{column}`` in it is replaced by the activity's value of that column.
    keys_column, keys : optional
        Instead of ``key``: the column whose value chooses the key, and the keys by value
        (:data:`NO_FACTOR` for a choice without emissions).
    """

    name: str
    unit: str
    key: str | None = None
    keys_column: str | None = None
    keys: dict[str, str] | None = None

    @property
    def selector(self) -> str | None:
        """The activity column that chooses the factor's key, if any."""
        if self.keys_column:
            return self.keys_column
        if self.key and "{" in self.key:
            return self.key[self.key.index("{") + 1 : self.key.index("}")]
        return None

    def key_for(self, value: str | None) -> str | None:
        """The factor key for an activity whose selector column holds ``value`` (None for
        :data:`NO_FACTOR`).

        Raises
        ------
        CarbonLedgerError
            For a value the methodology does not know.
        """
        if self.keys is not None:
            if value not in self.keys:
                raise CarbonLedgerError(
                    f"factor {self.name}: {self.keys_column} {value!r} is none of "
                    f"{sorted(self.keys)}"
                )
            chosen = self.keys[value]
            return None if chosen == NO_FACTOR else chosen
        assert self.key is not None
        selector = self.selector
        if selector is None:
            return self.key
        if not value:
            raise CarbonLedgerError(f"factor {self.name}: the activity gives no {selector}")
        return self.key.replace("{" + selector + "}", value)


@dataclass(frozen=True)
class Methodology:
    """One version of a programme methodology (see the module's docstring)."""

    id: str
    version: int
    programme_type: str
    title: dict[str, str]
    activity_unit: str
    reference: str
    baseline: str
    project: str | None = None
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    parameters: dict[str, pint.Quantity] = field(default_factory=dict)
    factors: dict[str, FactorSpec] = field(default_factory=dict)
    eligible: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    certified: bool = False
    plan_measure_types: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``id@version``, as the programme ledger records it."""
        return f"{self.id}@{self.version}"

    def check(self) -> pint.Unit:
        """Evaluate both formulas once over unit quantities: each must be a mass.

        Raises
        ------
        CarbonLedgerError
            Naming the methodology, when a formula reads an unknown name or its units do not
            give a mass.
        """
        values: dict[str, pint.Quantity] = {"amount": ureg.Quantity(1, self.activity_unit)}
        values |= {n: ureg.Quantity(1, f.unit or "") for n, f in self.fields.items()}
        values |= self.parameters
        values |= {n: ureg.Quantity(1, f"kg / ({f.unit})") for n, f in self.factors.items()}
        kg = ureg.kilogram.dimensionality
        for side, formula in (("baseline", self.baseline), ("project", self.project)):
            if formula is None:
                continue
            try:
                unknown = names_in(formula) - set(values)
            except CarbonLedgerError as exc:
                raise CarbonLedgerError(f"methodology {self.label}, {side}: {exc}") from exc
            if unknown:
                raise CarbonLedgerError(
                    f"methodology {self.label}: {side} reads {sorted(unknown)}, which are no "
                    "field, parameter or factor of it"
                )
            try:
                result = evaluate(formula, values)
            except CarbonLedgerError as exc:
                raise CarbonLedgerError(f"methodology {self.label}, {side}: {exc}") from exc
            if result.dimensionality != kg:
                raise CarbonLedgerError(
                    f"methodology {self.label}: {side} is in {result.units}, not a mass of "
                    "CO2e per activity"
                )
        return ureg.kilogram

    def columns(self) -> set[str]:
        """The activity columns the methodology reads (fields and factor selectors)."""
        used = {f.column for f in self.fields.values()}
        return used | {f.selector for f in self.factors.values() if f.selector}


def _field(name: str, spec: Mapping[str, Any]) -> FieldSpec:
    mapping = spec.get("map")
    return FieldSpec(
        name,
        spec.get("column", name),
        str(spec.get("unit", "")),
        None if spec.get("default") is None else float(spec["default"]),
        {str(k): float(v) for k, v in mapping.items()} if mapping else None,
        str(spec.get("description", "")),
    )


def _factor(name: str, spec: Mapping[str, Any]) -> FactorSpec:
    keys = spec.get("keys")
    if keys is not None:
        values = {str(k): str(v) for k, v in keys["values"].items()}
        return FactorSpec(name, str(spec["unit"]), keys_column=keys["column"], keys=values)
    return FactorSpec(name, str(spec["unit"]), key=str(spec["key"]))


def _bounds(spec: Mapping[str, Any]) -> tuple[float | None, float | None]:
    low, high = spec.get("min"), spec.get("max")
    return (None if low is None else float(low), None if high is None else float(high))


def _methodology(mid: str, spec: Mapping[str, Any]) -> Methodology:
    try:
        parameters = {
            n: ureg.Quantity(float(p["value"]), p.get("unit") or "")
            for n, p in (spec.get("parameters") or {}).items()
        }
        methodology = Methodology(
            id=mid,
            version=int(spec["version"]),
            programme_type=str(spec["programme_type"]),
            title=dict(spec["title"]),
            activity_unit=str(spec["activity_unit"]),
            reference=" ".join(str(spec["reference"]).split()),
            baseline=str(spec["baseline"]),
            project=spec.get("project"),
            fields={n: _field(n, f) for n, f in (spec.get("fields") or {}).items()},
            parameters=parameters,
            factors={n: _factor(n, f) for n, f in (spec.get("factors") or {}).items()},
            eligible={n: _bounds(b) for n, b in (spec.get("eligible") or {}).items()},
            certified=bool(spec.get("certified", False)),
            plan_measure_types=tuple(spec.get("plan_measure_types") or ()),
        )
    except (KeyError, TypeError, ValueError, pint.errors.PintError) as exc:
        raise CarbonLedgerError(f"methodology {mid}: {type(exc).__name__} {exc}") from exc
    unknown = set(methodology.eligible) - set(methodology.fields)
    if unknown:
        raise CarbonLedgerError(f"methodology {mid}: eligibility of unknown fields {unknown}")
    methodology.check()
    return methodology


@cache
def _packaged() -> dict[str, Methodology]:
    text = resources.files("carbonledger.ecosystem").joinpath("methodologies.yaml").read_text()
    return {mid: _methodology(mid, spec) for mid, spec in yaml.safe_load(text).items()}


def load_methodologies(path: str | Path | None = None) -> dict[str, Methodology]:
    """The packaged methodologies, with those of a user's file (same layout) added or
    replacing packaged ones of the same id (then their version should move).

    Raises
    ------
    CarbonLedgerError
        Naming the methodology whose entry is malformed or whose units do not combine.
    """
    found = dict(_packaged())
    if path is not None:
        document = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        if not isinstance(document, dict):
            raise CarbonLedgerError(f"{path}: expected methodologies by id")
        found |= {mid: _methodology(mid, spec) for mid, spec in document.items()}
    return found
