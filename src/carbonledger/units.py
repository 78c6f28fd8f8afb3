"""One unit registry for the whole package, with greenhouse gases as dimensions.

Every greenhouse gas is a dimension of its own (``kg CH4`` is ``[mass] * [CH4]``), and so is
CO2-equivalent (``[CO2e]``). A mass of gas can become a mass of CO2e only inside a named GWP
context (``AR4GWP100``, ``AR5GWP100``, ``AR6GWP100``) whose values come from the packaged GWP
table (built from the openly licensed tables in ``shared/data`` by
:mod:`carbonledger.factors`). There is deliberately no conversion from CO2e back to a gas.

Currencies are dimensions too, one per currency (``[USD]``), because an exchange rate is data
that varies by year, not a unit definition.

Examples
--------
>>> from carbonledger.units import ureg, convert
>>> ureg.Quantity(2.0, "kg CH4").to("kg CO2e", "AR5GWP100").magnitude
56.0
>>> convert([1.0, 1000.0], ["MWh", "kWh"], "kWh").tolist()
[1000.0, 1000.0]
"""

from __future__ import annotations

import csv
import functools
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import pint

from carbonledger.errors import UnitError

__all__ = [
    "CURRENCIES",
    "GWP_SETS",
    "METHANE_ORIGINS",
    "Quantity",
    "canonical_unit",
    "check_dimension",
    "conversion_factor",
    "convert",
    "dimension_key",
    "gas_names",
    "gas_unit",
    "gwp",
    "gwp_set_name",
    "parse_unit",
    "suggest_units",
    "unit_aliases",
    "ureg",
]

#: The GWP sets (100-year horizon) the package can apply, by their context names.
GWP_SETS: tuple[str, ...] = ("AR4GWP100", "AR5GWP100", "AR6GWP100")

#: ISO 4217 codes defined as currency dimensions. Exchange rates are data, not units.
CURRENCIES: tuple[str, ...] = (
    "USD",
    "CNY",
    "EUR",
    "GBP",
    "JPY",
    "HKD",
    "SGD",
    "MYR",
    "THB",
    "IDR",
    "VND",
    "PHP",
    "KRW",
    "INR",
    "AUD",
    "CAD",
    "CHF",
    "TWD",
)

# Shapes in which a gas appears in practice: the numerator (an amount of gas, or a mass of
# gas) over one denominator (per year, per kWh, per km, per tonne.km ...), as dimension
# exponents. A GWP context holds one transformation per gas and shape, as openscm-units does.
_NUMERATORS: tuple[dict[str, int], ...] = ({}, {"[mass]": 1})
_DENOMINATORS: tuple[dict[str, int], ...] = (
    {},
    {"[time]": 1},
    {"[length]": 2, "[mass]": 1, "[time]": -2},  # energy
    {"[length]": 1},
    {"[length]": 3},
    {"[length]": 2},
    {"[mass]": 1},
    {"[vehicle]": 1, "[length]": 1},
    {"[passenger]": 1, "[length]": 1},
    {"[vehicle]": 1},
    {"[passenger]": 1},
    {"[room_night]": 1},
    {"[item]": 1},
    *({f"[{c}]": 1} for c in CURRENCIES),
)

_GWP_TABLE_RESOURCE = ("data", "gwp100.csv")


def _read_gwp_table() -> dict[str, dict[str, float]]:
    """Read the packaged GWP-100 table: ``{species: {gwp_set: value}}``."""
    path = resources.files("carbonledger").joinpath(*_GWP_TABLE_RESOURCE)
    table: dict[str, dict[str, float]] = {}
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            values = {s: float(row[s]) for s in GWP_SETS if row.get(s) not in (None, "")}
            table[row["species"]] = values
    return table


_GWP_TABLE = _read_gwp_table()

#: Origins of methane, which choose its GWP-100 in AR6 (``data/gwp100_methane_origin.csv``).
METHANE_ORIGINS: tuple[str, ...] = ("fossil", "non_fossil", "unspecified")


def _read_methane_origins() -> dict[tuple[str, str], float]:
    """``{(gwp_set, origin): value}`` of methane's GWP-100 by origin."""
    path = resources.files("carbonledger").joinpath("data", "gwp100_methane_origin.csv")
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {(r["gwp_set"], r["origin"]): float(r["value"]) for r in rows}


_METHANE_BY_ORIGIN = _read_methane_origins()


def _build_registry() -> pint.UnitRegistry:
    registry: pint.UnitRegistry = pint.UnitRegistry(
        autoconvert_offset_to_baseunit=False, cache_folder=None
    )
    registry.define("CO2e = [CO2e] = CO2eq = CO2_eq")
    registry.define("CO2 = [CO2]")
    for species in _GWP_TABLE:
        registry.define(f"{species} = [{species}]")
    for code in CURRENCIES:
        registry.define(f"{code} = [{code}]")
    registry.define("vehicle = [vehicle] = veh")
    registry.define("passenger = [passenger] = pax")
    registry.define("room_night = [room_night]")
    registry.define("item = [item] = unit_item = package")
    registry.define("employee = [employee] = FTE = person")
    # US energy statistics (EPA Hub, EIA) use the International Table Btu; pint's plain "Btu"
    # is the ISO 31-4 value. The US therm is 0.1 mmBtu as the EPA Hub uses it.
    registry.define("mmBtu = 1e6 * Btu_it = MMBtu")
    registry.define("therm = 0.1 * mmBtu = thm")
    registry.define("scf = foot ** 3")
    registry.define("tkm = tonne * kilometer = tonne_km")
    registry.define("vkm = vehicle * kilometer = vehicle_km")
    registry.define("pkm = passenger * kilometer = passenger_km")
    registry.define("vehicle_mile = vehicle * mile")
    registry.define("passenger_mile = passenger * mile")
    registry.define("ton_mile = short_ton * mile")
    return registry


ureg: pint.UnitRegistry = _build_registry()
Quantity = ureg.Quantity


def gas_names() -> tuple[str, ...]:
    """Return the greenhouse gases defined as dimensions, CO2 first.

    Returns
    -------
    tuple of str
        Unit symbols such as ``"CO2"``, ``"CH4"``, ``"HFC134a"``.
    """
    return ("CO2", *_GWP_TABLE)


def gas_unit(name: str) -> str:
    """Return the unit symbol for a gas written the way publishers write it.

    Parameters
    ----------
    name : str
        A gas name such as ``"HFC-134a"``, ``"CO₂"``, ``"PFC-14"`` or ``"c-C4F8"``.

    Returns
    -------
    str
        The registry symbol (``"HFC134a"``).

    Raises
    ------
    UnitError
        If the name is not a gas of the registry.
    """
    subscript = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
    text = name.strip().translate(subscript)
    aliases = _gas_aliases()
    key = re.sub(r"[\s\-]", "", text)
    if key in aliases:
        return aliases[key]
    raise UnitError(f"unknown gas {name!r}; known gases: {', '.join(gas_names())}")


@functools.cache
def _gas_aliases() -> dict[str, str]:
    aliases = {g: g for g in gas_names()}
    aliases.update({g.lower(): g for g in gas_names()})
    # PFC industrial names used by EPA (PFC-14 is CF4, ...).
    aliases.update(
        {
            "PFC14": "CF4",
            "PFC116": "C2F6",
            "PFC218": "C3F8",
            "PFC318": "cC4F8",
            "PFC3110": "C4F10",
            "PFC4112": "C5F12",
            "PFC5114": "C6F14",
            "PFC9118": "C10F18",
            "CO2e": "CO2e",
        }
    )
    return aliases


def gwp_set_name(name: str) -> str:
    """Normalise a GWP set name (``"AR5"``, ``"ar5gwp100"``) to its context name.

    Raises
    ------
    UnitError
        If the set is not one of :data:`GWP_SETS`.
    """
    text = name.strip().upper().replace("-", "").replace("_", "")
    if not text.endswith("GWP100"):
        text = f"{text}GWP100"
    if text not in GWP_SETS:
        raise UnitError(f"unknown GWP set {name!r}; use one of {', '.join(GWP_SETS)}")
    return text


def gwp(gas: str, gwp_set: str, origin: str = "unspecified") -> float:
    """Return the 100-year global warming potential of a gas.

    Parameters
    ----------
    gas : str
        Gas name (any spelling :func:`gas_unit` accepts).
    gwp_set : str
        GWP set (``"AR5"`` or ``"AR5GWP100"``).
    origin : {"unspecified", "fossil", "non_fossil"}
        Origin of methane: AR6 gives fossil methane a higher value (the CO2 of its
        oxidation). Ignored for other gases and for sets applied with one value (AR4, and AR5
        as its factor publishers apply it; ``data/gwp100_methane_origin.csv``).

    Examples
    --------
    >>> gwp("CH4", "AR6"), gwp("CH4", "AR6", "fossil"), gwp("CH4", "AR6", "non_fossil")
    (27.9, 29.8, 27.0)

    Returns
    -------
    float
        GWP-100 [kg CO2e / kg gas].

    Raises
    ------
    UnitError
        If the gas has no value in that set.
    """
    symbol = gas_unit(gas)
    set_name = gwp_set_name(gwp_set)
    if origin not in METHANE_ORIGINS:
        raise UnitError(f"unknown methane origin {origin!r}; use one of {METHANE_ORIGINS}")
    if symbol == "CO2":
        return 1.0
    if symbol == "CH4" and (set_name, origin) in _METHANE_BY_ORIGIN:
        return _METHANE_BY_ORIGIN[(set_name, origin)]
    try:
        return _GWP_TABLE[symbol][set_name]
    except KeyError:
        raise UnitError(f"no {set_name} value for gas {symbol!r}") from None


def _make_context(set_name: str) -> Any:
    context = pint.Context(set_name, aliases=(set_name.removesuffix("GWP100"),))
    co2e = ureg.Unit("CO2e")
    for species, values in {"CO2": {set_name: 1.0}, **_GWP_TABLE}.items():
        if set_name not in values:
            continue
        factor = values[set_name] * co2e / ureg.Unit(species)
        for numerator in _NUMERATORS:
            for denominator in _DENOMINATORS:
                source = _shape(numerator, denominator, f"[{species}]")
                target = _shape(numerator, denominator, "[CO2e]")
                context.add_transformation(source, target, functools.partial(_times, factor=factor))
    return context


def _shape(numerator: dict[str, int], denominator: dict[str, int], gas: str) -> Any:
    exponents = {gas: 1, **numerator}
    for name, power in denominator.items():
        exponents[name] = exponents.get(name, 0) - power
    return pint.util.UnitsContainer({k: v for k, v in exponents.items() if v})


def _times(_registry: pint.UnitRegistry, value: Any, factor: Any) -> Any:
    return value * factor


for _set in GWP_SETS:
    ureg.add_context(_make_context(_set))


@functools.cache
def unit_aliases() -> tuple[tuple[str, str, str], ...]:
    """Units as users type them (``m3``, ``kwh``, ``度``, ``立方米`` ...): ``(alias, registry
    unit, note)`` rows of ``data/unit_aliases.csv``."""
    path = resources.files("carbonledger").joinpath("data", "unit_aliases.csv")
    with path.open(encoding="utf-8") as handle:
        return tuple((r["alias"], r["unit"], r["note"]) for r in csv.DictReader(handle))


@functools.cache
def _unit_aliases() -> dict[str, str]:
    return {alias: unit for alias, unit, _ in unit_aliases()}


def canonical_unit(text: str) -> str:
    """The registry's spelling of a unit as a user typed it (``度`` -> ``kWh``, ``m3`` ->
    ``m ** 3``); other text unchanged."""
    stripped = text.strip()
    return _unit_aliases().get(stripped, stripped)


def suggest_units(text: str, limit: int = 3) -> list[str]:
    """Units spelt like ``text``, for an error message (aliases and the registry's names)."""
    import difflib

    names = {name: name for name in ureg._units} | _unit_aliases()  # pint's names, then aliases
    folded = {name.casefold(): unit for name, unit in names.items()}
    close = difflib.get_close_matches(text.strip().casefold(), list(folded), n=limit, cutoff=0.6)
    return list(dict.fromkeys(folded[c] for c in close))


def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string into a registry unit.

    Parameters
    ----------
    text : str
        A unit such as ``"kWh"``, ``"kg CO2e / USD"`` or ``"short_ton"``.

    Raises
    ------
    UnitError
        If the text is empty or names no unit of the registry.
    """
    if not isinstance(text, str) or not text.strip():
        raise UnitError(f"empty unit {text!r}")
    try:
        parsed = ureg.parse_units(canonical_unit(text))
    except (
        pint.UndefinedUnitError,
        pint.DefinitionSyntaxError,
        AttributeError,
        TypeError,
        ValueError,
        AssertionError,
        tokenize.TokenError,  # unbalanced brackets: "kg)"
    ) as exc:
        near = suggest_units(text)
        hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        raise UnitError(f"unknown unit {text!r}{hint} ({exc})") from None
    return parsed


def check_dimension(unit: str, dimension: str) -> None:
    """Raise unless ``unit`` has the dimensionality ``dimension``.

    Parameters
    ----------
    unit : str
        The unit to check, e.g. ``"MWh"``.
    dimension : str
        A pint dimensionality (``"[energy]"``) or a reference unit (``"kWh"``).

    Raises
    ------
    UnitError
        If the unit is unknown or its dimensionality differs.
    """
    parsed = parse_unit(unit)
    expected = (
        ureg.get_dimensionality(dimension)
        if dimension.startswith("[")
        else parse_unit(dimension).dimensionality
    )
    if parsed.dimensionality != expected:
        raise UnitError(f"unit {unit!r} has dimension {parsed.dimensionality}, expected {expected}")


def dimension_key(unit: str | pint.Unit | Mapping[str, float]) -> str:
    """A unit's dimensionality as text in one order, whatever pint's caches hold.

    ``str(unit.dimensionality)`` follows the order in which pint first met the dimensions of a
    unit (``[mass] * [length]`` or ``[length] * [mass]`` for a tonne-km, depending on what the
    process computed before), so it must never be compared; this key sorts them. A string in
    brackets (``"[mass] * [length]"``, as stored in older factor releases) is read as a
    dimensionality, anything else as a unit.

    >>> dimension_key("t * km") == dimension_key("km * t") == dimension_key("[mass] * [length]")
    True
    >>> dimension_key("kWh")
    '[length] ** 2 * [mass] / [time] ** 2'
    """
    dims: Any
    if isinstance(unit, str):
        dims = (
            ureg.get_dimensionality(unit)
            if unit.strip().startswith("[")
            else parse_unit(unit).dimensionality
        )
    elif isinstance(unit, pint.Unit):
        dims = unit.dimensionality
    else:
        dims = unit
    return _dimension_text(tuple(sorted(dict(dims).items())))


@functools.lru_cache(maxsize=1024)
def _dimension_text(items: tuple[tuple[str, float], ...]) -> str:
    def term(name: str, power: float) -> str:
        power = abs(power)
        exponent = int(power) if float(power).is_integer() else power
        return name if exponent == 1 else f"{name} ** {exponent}"

    up = [term(n, p) for n, p in items if p > 0]
    down = [term(n, p) for n, p in items if p < 0]
    text = " * ".join(up) or "1"
    return f"{text} / {' / '.join(down)}" if down else text


@functools.lru_cache(maxsize=4096)
def conversion_factor(source: str, target: str, gwp_set: str | None = None) -> float:
    """Return the factor that converts a magnitude in ``source`` to ``target``.

    Parameters
    ----------
    source, target : str
        Units. Offset units (degC) are refused.
    gwp_set : str, optional
        GWP context needed when ``target`` is in CO2e and ``source`` is in a gas.

    Returns
    -------
    float
        ``x [source] * factor = y [target]``.

    Raises
    ------
    UnitError
        If either unit is unknown or the two are not convertible (under the GWP set given).
    """
    src, dst = parse_unit(source), parse_unit(target)
    contexts = (gwp_set_name(gwp_set),) if gwp_set else ()
    try:
        factor = ureg.Quantity(1.0, src).to(dst, *contexts).magnitude
    except pint.OffsetUnitCalculusError:
        raise UnitError(f"offset unit in {source!r} -> {target!r} is not supported") from None
    except pint.DimensionalityError:
        hint = "" if contexts else " (a gas to CO2e needs a GWP set)"
        raise UnitError(f"cannot convert {source!r} to {target!r}{hint}") from None
    return float(factor)


def convert(
    values: npt.ArrayLike,
    units: str | Sequence[str] | Iterable[str] | npt.ArrayLike,
    target: str,
    gwp_set: str | None = None,
) -> npt.NDArray[np.float64]:
    """Convert a column of magnitudes, each in its own unit, to one target unit.

    Each distinct unit is resolved once, then the column is multiplied by a vector of
    factors, so the cost is one pint look-up per distinct unit, not per row.

    Parameters
    ----------
    values : array_like
        Magnitudes.
    units : str or array_like of str
        One unit for every value, or a single unit for all of them.
    target : str
        The unit to convert to.
    gwp_set : str, optional
        GWP context for gas to CO2e conversions.

    Returns
    -------
    numpy.ndarray
        Magnitudes in ``target``.

    Raises
    ------
    UnitError
        Naming the first unit that is unknown or not convertible.
    """
    magnitudes = np.asarray(values, dtype=np.float64)
    if isinstance(units, str):
        return magnitudes * conversion_factor(units, target, gwp_set)
    unit_array = np.asarray(units if isinstance(units, np.ndarray) else list(units), dtype=object)  # type: ignore[arg-type]
    if unit_array.shape != magnitudes.shape:
        raise UnitError(f"{unit_array.shape[0]} units given for {magnitudes.shape[0]} values")
    distinct, inverse = np.unique(unit_array.astype(str), return_inverse=True)
    factors = np.array([conversion_factor(u, target, gwp_set) for u in distinct])
    return magnitudes * factors[inverse]
