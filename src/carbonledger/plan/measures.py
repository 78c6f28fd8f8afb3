"""The measures library: a calculator per measure type, each a documented formula as data
(``measure_types.yaml``), and the yearly effect of one measure.

A measure's **changes** are yearly changes of activities (less electricity, less diesel, more
electricity for electric vans ...). The factor library turns each into emissions at the
measure's place and year, through the same selection the inventory uses (the caller passes
that lookup: this room never reads factors itself); abatement is minus their sum. Every change
says where it acts: on an inventory source (scope, scope 3 category, methods), outside the
inventory (avoided emissions, kept apart), or as a removal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pint
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from carbonledger.errors import CarbonLedgerError, UnitError
from carbonledger.formula import evaluate, names_in
from carbonledger.units import parse_unit, ureg

__all__ = [
    "ChangeResult",
    "EmissionLookup",
    "Measure",
    "MeasureResult",
    "MeasureType",
    "Source",
    "calculate_measure",
    "load_measure_types",
]


class Source(BaseModel):
    """The inventory source a change acts on: a scope, and optionally a scope 3 category and
    the calculation methods (ledger ``method``) it is limited to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scope: int = Field(ge=1, le=3)
    scope3_category: int | None = Field(default=None, ge=1, le=15)
    methods: tuple[str, ...] = ()

    def label(self) -> str:
        """``scope 2``, ``scope 3 cat. 1``, ``scope 1 (mobile_combustion)``."""
        text = f"scope {self.scope}"
        if self.scope3_category:
            text += f" cat. {self.scope3_category}"
        if self.methods:
            text += f" ({', '.join(self.methods)})"
        return text


class InputSpec(BaseModel):
    """One input of a measure type: its unit (``{currency}`` stands for the measure's)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: str
    default: float | None = None
    description: str = ""


class ChangeSpec(BaseModel):
    """One activity change of a measure type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    activity: str | None = None
    unit: str
    amount: str
    boundary: Literal["inventory", "outside", "removal"] = "inventory"
    source: Source | None = None
    acts_as: Literal["share", "amount"] = "amount"
    bases: tuple[Literal["location", "market"], ...] = ("location", "market")
    price: str | None = None
    price_sign: Literal["saving", "cost"] = "saving"

    @model_validator(mode="after")
    def _consistent(self) -> ChangeSpec:
        if self.boundary == "inventory" and self.source is None:
            raise ValueError("a change inside the inventory names its source")
        if self.boundary != "removal" and not self.activity:
            raise ValueError("a change names the activity (factor key) it changes")
        return self


class MeasureType(BaseModel):
    """A measure type: its calculator as data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: dict[str, str]
    formula: str
    reference: str = ""
    inputs: dict[str, InputSpec]
    changes: tuple[ChangeSpec, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _inputs_known(self) -> MeasureType:
        for change in self.changes:
            unknown = names_in(change.amount) - set(self.inputs)
            if change.price and change.price not in self.inputs:
                unknown.add(change.price)
            if unknown:
                raise ValueError(f"formula reads undeclared inputs {sorted(unknown)}")
        return self


def _read_types(text: str, origin: str) -> dict[str, MeasureType]:
    data = yaml.safe_load(text) or {}
    types = {}
    for name, body in data.items():
        try:
            types[name] = MeasureType(name=name, **body)
        except (ValidationError, CarbonLedgerError) as exc:
            raise CarbonLedgerError(f"{origin}: measure type {name!r}: {exc}") from exc
    return types


@cache
def _packaged_types() -> dict[str, MeasureType]:
    text = resources.files("carbonledger.plan").joinpath("measure_types.yaml").read_text("utf-8")
    return _read_types(text, "measure_types.yaml")


def load_measure_types(path: str | Path | None = None) -> dict[str, MeasureType]:
    """The packaged measure types, plus (and overriding by name) those of a user's file laid
    out like ``plan/measure_types.yaml``.

    Raises
    ------
    CarbonLedgerError
        Naming the file and type when a type is malformed.
    """
    types = dict(_packaged_types())
    if path is not None:
        types |= _read_types(Path(path).read_text("utf-8"), str(path))
    return types


@dataclass(frozen=True)
class Measure:
    """One planned measure (a row of ``measures`` with its ``measure_inputs``).

    Attributes
    ----------
    measure_id, measure_type, name
    region : str
        Where it acts (factor region: ``CN``, ``CN-GD``, ``US`` ...).
    facility_id : str, optional
        The facility it acts at; blank for the whole group's source.
    start_year : int
    ramp_years : int
        Years to full effect (1: full in its first year).
    capex : float
        Investment [currency].
    opex_change : float
        Change of yearly operating cost other than energy [currency a year].
    lifetime : int
        Years of service [year].
    discount_rate : float
        [fraction a year]
    currency : str
    inputs : dict of str to (float, str)
        Value and unit of each input.
    cost_note : str, optional
        Where the costs come from (``illustrative`` in the demo).
    """

    measure_id: str
    measure_type: str
    name: str
    region: str
    start_year: int
    lifetime: int
    currency: str
    facility_id: str | None = None
    ramp_years: int = 1
    capex: float = 0.0
    opex_change: float = 0.0
    discount_rate: float = 0.0
    inputs: Mapping[str, tuple[float, str]] = field(default_factory=dict)
    cost_note: str | None = None


#: ``(activity key, quantity, unit, region, year) -> (t CO2e, factor ids, factor releases)``.
EmissionLookup = Callable[[str, float, str, str, int], tuple[float, list[str], list[str]]]


@dataclass(frozen=True)
class ChangeResult:
    """The effect of one change of a measure in a year.

    Attributes
    ----------
    activity : str or None
        Factor key (None for a removal).
    quantity : float
        Change of the activity a year [``unit``]; negative is less of it.
    unit : str
    co2e : float
        Emissions of the change [t CO2e a year]; negative is a reduction (for a removal, the
        CO2 removed, negative).
    boundary : {"inventory", "outside", "removal"}
    source : Source or None
    acts_as : {"share", "amount"}
    bases : tuple of str
    energy_cost_change : float
        [currency a year]; negative is a saving.
    factor_ids, factor_releases : list of str
    """

    activity: str | None
    quantity: float
    unit: str
    co2e: float
    boundary: str
    source: Source | None
    acts_as: str
    bases: tuple[str, ...]
    energy_cost_change: float
    factor_ids: list[str] = field(default_factory=list)
    factor_releases: list[str] = field(default_factory=list)

    @property
    def abatement(self) -> float:
        """Emissions it avoids [t CO2e a year] (negative where it adds emissions)."""
        return -self.co2e


@dataclass(frozen=True)
class MeasureResult:
    """What a measure does on its own, before interactions with other measures.

    Attributes
    ----------
    measure : Measure
    type_title : dict of str to str
    formula, reference : str
    changes : list of ChangeResult
    """

    measure: Measure
    type_title: dict[str, str]
    formula: str
    reference: str
    changes: list[ChangeResult]

    @property
    def abatement(self) -> float:
        """Standalone inventory abatement [t CO2e a year] (removals and avoided emissions
        outside the inventory are not in it)."""
        return sum(c.abatement for c in self.changes if c.boundary == "inventory")

    @property
    def energy_cost_change(self) -> float:
        """[currency a year]"""
        return sum(c.energy_cost_change for c in self.changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form."""
        return {
            "measure": asdict(self.measure),
            "type_title": self.type_title,
            "formula": self.formula,
            "reference": self.reference,
            "abatement": self.abatement,
            "energy_cost_change": self.energy_cost_change,
            "changes": [
                {**asdict(c), "source": c.source.label() if c.source else None}
                for c in self.changes
            ],
        }


def _unit(text: str, currency: str) -> pint.Unit:
    text = text.replace("{currency}", currency).strip()
    return ureg.dimensionless if text in ("", "1") else parse_unit(text)


def _given(value: float, unit: str, currency: str) -> pint.Quantity:
    """A user's value in its unit; a unit with a scale (``L / (100 km)``) is read as an
    expression."""
    try:
        return ureg.Quantity(value, _unit(unit, currency))
    except UnitError:
        try:
            scaled = ureg.parse_expression(unit.replace("{currency}", currency))
        except (pint.UndefinedUnitError, pint.DefinitionSyntaxError, TypeError, ValueError):
            raise UnitError(f"unknown unit {unit!r}") from None
        return value * scaled


def _inputs(mtype: MeasureType, measure: Measure) -> dict[str, pint.Quantity]:
    unknown = set(measure.inputs) - set(mtype.inputs)
    if unknown:
        raise CarbonLedgerError(
            f"measure {measure.measure_id}: {mtype.name} has no input {sorted(unknown)}; its "
            f"inputs are {sorted(mtype.inputs)}"
        )
    values = {}
    for name, spec in mtype.inputs.items():
        unit = _unit(spec.unit, measure.currency)
        if name in measure.inputs:
            value, given = measure.inputs[name]
            try:
                values[name] = _given(value, given, measure.currency).to(unit)
            except (pint.DimensionalityError, UnitError) as exc:
                raise CarbonLedgerError(
                    f"measure {measure.measure_id}: input {name!r} in {given!r} cannot be "
                    f"expressed in {unit:~} ({exc})"
                ) from exc
        elif spec.default is not None:
            values[name] = ureg.Quantity(spec.default, unit)
        else:
            raise CarbonLedgerError(
                f"measure {measure.measure_id} ({mtype.name}): input {name!r} is required "
                f"[{unit:~}]: {spec.description or 'see carbonledger measures types'}"
            )
    return values


def _as(quantity: pint.Quantity, unit: pint.Unit, what: str) -> float:
    try:
        return float(quantity.to(unit).magnitude)
    except pint.DimensionalityError as exc:
        raise CarbonLedgerError(f"{what}: {quantity.units:~} is not {unit:~}") from exc


def calculate_measure(
    mtype: MeasureType, measure: Measure, emission_of: EmissionLookup, year: int | None = None
) -> MeasureResult:
    """The yearly effect of ``measure`` at full implementation.

    Parameters
    ----------
    mtype : MeasureType
    measure : Measure
    emission_of : callable
        Emissions of an activity change, from the factor library.
    year : int, optional
        Year whose factors apply (default: the measure's start year).

    Raises
    ------
    CarbonLedgerError
        For a missing input, an input in a unit of another dimension, a formula whose result
        is not in its change's unit, or no factor for a change.
    """
    values = _inputs(mtype, measure)
    year = year or measure.start_year
    changes = []
    for spec in mtype.changes:
        what = f"measure {measure.measure_id} ({mtype.name})"
        quantity = _as(evaluate(spec.amount, values), _unit(spec.unit, measure.currency), what)
        ids: list[str] = []
        releases: list[str] = []
        if spec.boundary == "removal":
            co2e = -_as(ureg.Quantity(quantity, spec.unit), ureg.t, what)
        else:
            assert spec.activity is not None
            co2e, ids, releases = emission_of(
                spec.activity, quantity, spec.unit, measure.region, year
            )
        cost = 0.0
        if spec.price:
            money = ureg.Quantity(quantity, spec.unit) * values[spec.price]
            cost = _as(money, _unit(measure.currency, measure.currency), f"{what} price")
            cost = -cost if spec.price_sign == "cost" else cost
        changes.append(
            ChangeResult(
                activity=spec.activity,
                quantity=quantity,
                unit=spec.unit,
                co2e=co2e,
                boundary=spec.boundary,
                source=spec.source,
                acts_as=spec.acts_as,
                bases=spec.bases,
                energy_cost_change=cost,
                factor_ids=ids,
                factor_releases=releases,
            )
        )
    return MeasureResult(measure, mtype.title, mtype.formula, mtype.reference, changes)
