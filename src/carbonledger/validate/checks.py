"""Small named checks, each looking at one rule over whole columns at once.

Each ``check_*`` takes the canonical table (text cells), the schema and a
:class:`Locator`, and returns findings; the parsers also return the typed column. Rows are
reported with the numbers users see in their file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from carbonledger.errors import Location, UnitError
from carbonledger.ingest import SourceMetadata
from carbonledger.options import PERIOD_YEARS
from carbonledger.schema import ActivitySchema, Column, ColumnType
from carbonledger.units import canonical_unit, check_dimension, gas_unit, parse_unit, suggest_units
from carbonledger.validate.report import Finding, Severity

__all__ = [
    "PARSERS",
    "Locator",
    "by_distinct",
    "check_enums",
    "check_gases",
    "check_identifier_characters",
    "check_patterns",
    "check_required",
    "check_required_if",
    "check_requires_one_of",
    "check_units",
    "parse_booleans",
    "parse_dates",
    "parse_months",
    "parse_numbers",
    "parse_timestamps",
]

_TRUE = {"true", "yes", "y", "1", "是", "t"}
_FALSE = {"false", "no", "n", "0", "否", "f"}
#: Years a period may be in.
YEARS = PERIOD_YEARS
#: Largest magnitude of a number in a column without its own bound (no activity is larger).
MAX_MAGNITUDE = 1e15
#: Months as users write them; digits are ASCII (``[0-9]``: Python's ``\d`` also matches
#: Arabic-Indic and other digits, which a period must not hold). A dot needs a two-digit month:
#: a spreadsheet number 2025.10 reads back as 2025.1, which must not become January.
_MONTH_PATTERNS = (
    re.compile(r"^([0-9]{4})[-/]([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})\.([0-9]{2})$"),
    re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]0?1$"),
    re.compile(r"^([0-9]{4})([0-9]{2})$"),
    re.compile(r"^([0-9]{4})年([0-9]{1,2})月$"),
)


#: A decimal number as users and systems write it (ASCII digits; no thousands separators, which
#: :func:`parse_numbers` removes first).
_DECIMAL = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"


@dataclass(frozen=True)
class Locator:
    """Turns a table position and a canonical column into a place in the user's file."""

    meta: SourceMetadata
    source_headers: dict[str, str]

    def at(self, index: object, column: str | None) -> Location:
        """Location of the cell at a table index (position in the file) and column."""
        row = self.meta.first_data_row + int(index)  # type: ignore[call-overload]
        header = self.source_headers.get(column, column) if column else None
        return Location(self.meta.path, self.meta.sheet, row, header)


def _findings(
    mask: pd.Series,
    values: pd.Series,
    column: str,
    rule: str,
    message: str,
    where: Locator,
    severity: Severity = Severity.ERROR,
) -> list[Finding]:
    return [
        Finding(
            rule,
            message,
            where.at(i, column),
            None if pd.isna(values[i]) else str(values[i]),
            severity,
        )
        for i in mask[mask].index
    ]


def check_required(table: pd.DataFrame, schema: ActivitySchema, where: Locator) -> list[Finding]:
    """Every required column is present and filled on every row."""
    found: list[Finding] = []
    for column in schema.columns:
        if not column.required:
            continue
        if column.name not in table:
            if column.default is None:
                found.append(
                    Finding(
                        "required_column",
                        f"column {column.name!r} is missing",
                        Location(where.meta.path, where.meta.sheet, None, None),
                    )
                )
            continue
        values = table[column.name]
        found += _findings(
            values.isna(), values, column.name, "required", "a value is required", where
        )
    return found


def check_required_if(table: pd.DataFrame, schema: ActivitySchema, where: Locator) -> list[Finding]:
    """Columns required on rows where another column has a given value."""
    found: list[Finding] = []
    for column in schema.columns:
        for other, value in (column.required_if or {}).items():
            if other not in table:
                continue
            if column.name in table:
                values = table[column.name]
            else:
                values = pd.Series(None, index=table.index, dtype="object")
            mask = (table[other] == value) & values.isna()
            found += _findings(
                mask,
                values,
                column.name,
                "required",
                f"a value is required where {other} is {value}",
                where,
            )
    return found


def check_gases(table: pd.DataFrame, schema: ActivitySchema, where: Locator) -> list[Finding]:
    """Gas columns name a gas of the unit registry, or CO2e; each distinct value checked once."""
    found: list[Finding] = []
    for column in schema.columns:
        if column.type is not ColumnType.GAS or column.name not in table:
            continue
        values = table[column.name]
        for gas in values.dropna().unique():
            if gas == "CO2e":
                continue
            try:
                gas_unit(str(gas))
            except UnitError:
                found += _findings(
                    values == gas,
                    values,
                    column.name,
                    "gas",
                    "expected a gas (CO2, CH4, N2O, HFC-134a ...) or CO2e",
                    where,
                )
    return found


def parse_numbers(
    values: pd.Series, column: Column, where: Locator
) -> tuple[pd.Series, list[Finding]]:
    """Parse numbers (thousands separators allowed) and check the column's bounds. Only the
    values holding a comma or a space (found in one Arrow pass) are cleaned one by one."""
    cleaned = values.copy()
    separated = _holds(values, "[, ]")
    if separated.any():
        cleaned[separated] = (
            values[separated]
            .str.replace(r"(?<=\d),(?=\d{3}\b)", "", regex=True)
            .str.replace(" ", "")
        )
    parsed = _decimal_numbers(cleaned)
    infinite = parsed.notna() & ~np.isfinite(parsed.fillna(0.0))  # inf, Infinity, 1e309
    parsed[infinite] = np.nan
    bad = values.notna() & parsed.isna()
    kind = "an integer" if column.type is ColumnType.INTEGER else "a number"
    found = _findings(bad, values, column.name, "number", f"expected {kind}, finite", where)
    if column.max is None:  # no column bound: refuse what no activity can be (1e308, 400 digits)
        found += _findings(
            parsed.abs() > MAX_MAGNITUDE,
            values,
            column.name,
            "magnitude",
            f"must be at most {MAX_MAGNITUDE:g} in size",
            where,
        )
    if column.type is ColumnType.INTEGER:
        fractional = parsed.notna() & (parsed % 1 != 0)
        found += _findings(fractional, values, column.name, "number", f"expected {kind}", where)
    if column.min is not None:
        found += _findings(
            parsed < column.min, values, column.name, "minimum", f"must be >= {column.min:g}", where
        )
    if column.max is not None:
        found += _findings(
            parsed > column.max, values, column.name, "maximum", f"must be <= {column.max:g}", where
        )
    return parsed, found


def _decimal_numbers(values: pd.Series) -> pd.Series:
    """Values written as decimal numbers (``12``, ``-0.5``, ``1.2e3``) as floats, others NaN
    (``inf`` and ``nan`` too), recognised and converted in Arrow compute."""
    text = _arrow_text(values)
    shaped = pc.fill_null(pc.match_substring_regex(text, _DECIMAL), False)
    numbers = pc.cast(pc.if_else(shaped, text, pa.scalar(None, pa.string())), pa.float64())
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=values.index, dtype="float64")


def parse_booleans(
    values: pd.Series, column: Column, where: Locator
) -> tuple[pd.Series, list[Finding]]:
    """Parse yes/no, true/false, 1/0 and 是/否."""
    folded = values.str.strip().str.casefold()
    parsed = pd.Series(pd.NA, index=values.index, dtype="boolean")
    parsed[folded.isin(_TRUE)] = True
    parsed[folded.isin(_FALSE)] = False
    bad = values.notna() & parsed.isna()
    return parsed, _findings(
        bad, values, column.name, "boolean", "expected true/false, yes/no, 1/0 or 是/否", where
    )


def parse_months(
    values: pd.Series, column: Column, where: Locator
) -> tuple[pd.Series, list[Finding]]:
    """Parse months written YYYY-MM, YYYY/MM, YYYYMM, YYYY-MM-01 or YYYY年M月 into YYYY-MM.

    Each distinct value is parsed once (a column of a million records holds a few dozen
    months); values already written YYYY-MM are recognised in one Arrow pass, only the others
    are tried against each written form.
    """
    parsed = by_distinct(values, _months)
    bad = values.notna() & parsed.isna()
    message = f"expected a month YYYY-MM of a year {YEARS[0]}-{YEARS[1]}"
    return parsed, _findings(bad, values, column.name, "month", message, where)


def _months(values: pd.Series) -> pd.Series:
    """Distinct values as months ``YYYY-MM`` (None where a value is not one)."""
    parsed = _canonical_months(values)
    rest = values[parsed.isna() & values.notna()]
    for pattern in _MONTH_PATTERNS if len(rest) else ():
        parts = rest.str.extract(pattern).reindex(values.index)
        hit = parts[0].notna() & parsed.isna()
        month = pd.to_numeric(parts[1], errors="coerce")
        year = pd.to_numeric(parts[0], errors="coerce")
        valid = hit & month.between(1, 12) & year.between(*YEARS)
        parsed[valid] = (
            parts[0][valid] + "-" + month[valid].astype("Int64").astype(str).str.zfill(2)
        )
    return parsed


def by_distinct(values: pd.Series, parse: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply ``parse`` to each distinct text value once and spread its results back.

    Parameters
    ----------
    values : pandas.Series
        Text cells (a value that is not text counts as missing).
    parse : callable
        Takes the distinct values (object Series, index 0..k-1) and returns their text
        results (None where there is none).

    Returns
    -------
    pandas.Series
        Each value's result (None where the value is missing), on ``values``' index.
    """
    text = _arrow_text(values)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    encoded = pc.dictionary_encode(text)
    distinct = pd.Series(encoded.dictionary.to_pylist(), dtype="object")
    results = pa.array(parse(distinct).tolist(), pa.string()) if len(distinct) else None
    if results is None:
        spread = pa.nulls(len(text), pa.string())
    else:
        spread = pc.take(results, encoded.indices)
    return pd.Series(spread.to_numpy(zero_copy_only=False), index=values.index, dtype="object")


def _holds(values: pd.Series, pattern: str) -> pd.Series:
    """Whether each value matches a regular expression somewhere (Arrow compute; missing and
    non-text values are False)."""
    found = pc.fill_null(pc.match_substring_regex(_arrow_text(values), pattern), False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _arrow_text(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The values as Arrow strings (without a copy where pandas holds them in Arrow); a value
    that is not text (a number an XLSX cell held) is missing there."""
    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())


def _canonical_months(values: pd.Series) -> pd.Series:
    """The values already written ``YYYY-MM`` with a month 01-12 and a year in range, others
    None (Arrow compute: no Python per value)."""
    text = _arrow_text(values)
    shaped = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{4}-(0[1-9]|1[0-2])$"), False)
    year = pc.cast(pc.utf8_slice_codeunits(pc.if_else(shaped, text, "0000"), 0, 4), pa.int32())
    valid = pc.and_(
        shaped, pc.and_(pc.greater_equal(year, YEARS[0]), pc.less_equal(year, YEARS[1]))
    )
    kept = pc.if_else(valid, text, pa.scalar(None, pa.string()))
    return pd.Series(kept.to_numpy(zero_copy_only=False), index=values.index, dtype="object")


def check_identifier_characters(
    table: pd.DataFrame, schema: ActivitySchema, where: Locator
) -> list[Finding]:
    """Keys and references (``record_id``, ``facility_id`` ...) hold no invisible or control
    characters (zero-width spaces, NUL) and do not mix Latin with Cyrillic or Greek letters:
    such an id looks like another and would be counted as a second record."""
    found: list[Finding] = []
    names = [
        c.name
        for c in schema.columns
        if c.type is ColumnType.STRING and (c.name in schema.primary_key or c.name.endswith("_id"))
    ]
    for name in names:
        if name not in table:
            continue
        values = table[name]
        text = _arrow_text(values)
        # printable ASCII can hold neither an invisible character nor a look-alike letter: only
        # the other values, once each, are examined character by character
        suspect = pc.fill_null(pc.match_substring_regex(text, r"[^ -~]"), False)
        if not pc.any(suspect).as_py():
            continue
        distinct = pc.unique(pc.filter(text, suspect)).to_pylist()
        for broken, message in _CHARACTER_RULES:
            bad_values = [v for v in distinct if broken(v)]
            if not bad_values:
                continue
            bad = pc.fill_null(pc.is_in(text, value_set=pa.array(bad_values, pa.string())), False)
            mask = pd.Series(np.asarray(bad), index=values.index, dtype=bool)
            found += _findings(mask, values, name, "characters", message, where)
    return found


def _has_invisible(text: str) -> bool:
    """Whether ``text`` holds a format, control, private-use or surrogate character."""
    return any(unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cs") for ch in text)


def _mixes_scripts(text: str) -> bool:
    """Whether ``text`` mixes Latin letters with Cyrillic or Greek ones (look-alikes)."""
    scripts = set()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            for script in ("LATIN", "CYRILLIC", "GREEK"):
                if name.startswith(script):
                    scripts.add(script)
    return "LATIN" in scripts and len(scripts) > 1


def parse_dates(
    values: pd.Series, column: Column, where: Locator
) -> tuple[pd.Series, list[Finding]]:
    """Parse ISO dates (YYYY-MM-DD)."""
    parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    bad = values.notna() & parsed.isna()
    found = _findings(bad, values, column.name, "date", "expected a date YYYY-MM-DD", where)
    return parsed.dt.date, found


#: A UTC offset or ``Z`` at the end of a time: refused, a meter's times are its local clock.
_OFFSET = r"(?:Z|[+-][0-9]{2}:?[0-9]{2})$"


def parse_timestamps(
    values: pd.Series, column: Column, where: Locator
) -> tuple[pd.Series, list[Finding]]:
    """Parse local clock times written ISO 8601 without a UTC offset (``YYYY-MM-DD HH:MM``,
    seconds optional, ``T`` or a space between date and time) to whole seconds."""
    text = values.astype("string").str.strip()
    offset = text.str.contains(_OFFSET, regex=True).fillna(False).astype(bool)
    parsed = pd.to_datetime(text.where(~offset), format="ISO8601", errors="coerce")
    bad = values.notna() & parsed.isna()
    message = "expected a local time YYYY-MM-DD HH:MM[:SS] without a UTC offset"
    return parsed.dt.floor("s"), _findings(bad, values, column.name, "timestamp", message, where)


def check_enums(table: pd.DataFrame, schema: ActivitySchema, where: Locator) -> list[Finding]:
    """Enum columns hold one of their listed values."""
    found: list[Finding] = []
    for column in schema.columns:
        if column.type is ColumnType.ENUM and column.name in table:
            values = table[column.name]
            bad = values.notna() & ~values.isin(column.values)
            found += _findings(
                bad,
                values,
                column.name,
                "enum",
                f"expected one of {', '.join(column.values)}",
                where,
            )
    return found


def check_patterns(table: pd.DataFrame, schema: ActivitySchema, where: Locator) -> list[Finding]:
    """String columns with a pattern match it in full."""
    found: list[Finding] = []
    for column in schema.columns:
        if column.pattern and column.name in table:
            values = table[column.name]
            bad = values.notna() & ~values.str.fullmatch(column.pattern).fillna(False).astype(bool)
            found += _findings(
                bad,
                values,
                column.name,
                "pattern",
                f"expected text matching {column.pattern}",
                where,
            )
    return found


def check_units(table: pd.DataFrame, schema: ActivitySchema, where: Locator) -> list[Finding]:
    """Unit columns name known units of an allowed dimension; each distinct unit is checked once."""
    found: list[Finding] = []
    for column in schema.columns:
        if column.type is not ColumnType.UNIT or column.name not in table:
            continue
        values = table[column.name]
        dimensions = (column.dimension or "").split("|")
        problems: dict[str, str] = {}
        for unit in values.dropna().unique():
            problem = _unit_problem(str(unit), dimensions)
            if problem:
                problems[str(unit)] = problem
        for unit, problem in problems.items():
            found += _findings(values == unit, values, column.name, "unit", problem, where)
    return found


def _unit_problem(unit: str, dimensions: list[str]) -> str | None:
    try:
        parse_unit(unit)
    except UnitError:
        near = suggest_units(unit)
        return "unknown unit" + (f"; did you mean {' or '.join(near)}?" if near else "")
    named = [d for d in dimensions if d]
    for dimension in named:
        try:
            check_dimension(unit, dimension)
            return None
        except UnitError:
            continue
    return f"expected a unit of {' or '.join(named)}" if named else None


def parse_units(
    values: pd.Series, column: Column, where: Locator
) -> tuple[pd.Series, list[Finding]]:
    """Units as the registry spells them (``度`` -> ``kWh``, ``m3`` -> ``m ** 3``); the
    check that they are units of the column's dimension is :func:`check_units`. Each distinct
    spelling is looked up once."""
    spelled = by_distinct(values, lambda distinct: distinct.map(canonical_unit))
    return spelled.where(spelled.notna(), values), []


def check_requires_one_of(
    table: pd.DataFrame, schema: ActivitySchema, where: Locator
) -> list[Finding]:
    """Each row fills at least one column of every ``requires_one_of`` group."""
    found: list[Finding] = []
    for group in schema.requires_one_of:
        present = [c for c in group if c in table]
        filled = (
            table[present].notna().any(axis=1) if present else pd.Series(False, index=table.index)
        )
        for index in filled[~filled].index:
            found.append(
                Finding(
                    "requires_one_of",
                    f"fill at least one of {', '.join(group)}",
                    where.at(index, group[0]),
                )
            )
    return found


#: Parser of each typed column kind.
PARSERS: dict[
    ColumnType, Callable[[pd.Series, Column, Locator], tuple[pd.Series, list[Finding]]]
] = {
    ColumnType.FLOAT: parse_numbers,
    ColumnType.INTEGER: parse_numbers,
    ColumnType.BOOLEAN: parse_booleans,
    ColumnType.MONTH: parse_months,
    ColumnType.DATE: parse_dates,
    ColumnType.TIMESTAMP: parse_timestamps,
    ColumnType.UNIT: parse_units,
}


#: Character rules of ids: (the test, what the finding says).
_CHARACTER_RULES = (
    (_has_invisible, "holds an invisible or control character (zero-width space, NUL ...)"),
    (_mixes_scripts, "mixes Latin letters with look-alike Cyrillic or Greek ones"),
)
