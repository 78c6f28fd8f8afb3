"""Small named checks, each looking at one rule over whole columns at once, in Arrow compute.

Each ``check_*`` takes a block's canonical columns (Arrow text, a blank cell missing), the
schema and a :class:`Locator`, and returns findings; the parsers also return the typed column.
Python runs only per distinct value (months, units, gases, patterns) or per finding; rows are
reported with the numbers users see in their file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

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
    "Columns",
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


#: A block's canonical columns: name to Arrow text (one chunk), a blank cell missing.
Columns = dict[str, pa.Array]

_NULL_TEXT = pa.scalar(None, pa.string())
#: A comma between digits that separates thousands (Python's ``re``: RE2 has no look-around).
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


@dataclass(frozen=True)
class Locator:
    """Turns a block's row and a canonical column into a place in the user's file.

    Attributes
    ----------
    meta : SourceMetadata
        Where the file came from.
    source_headers : dict of str to str
        Canonical name to the file's header.
    positions : numpy.ndarray, optional
        Each block row's position among the file's data rows (for :meth:`at`).
    """

    meta: SourceMetadata
    source_headers: dict[str, str]
    positions: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="int64"))

    def at(self, row: int, column: str | None) -> Location:
        """Location of the cell in a block row (0-based) and canonical column."""
        return self.in_file(int(self.positions[row]), column)

    def in_file(self, position: int, column: str | None) -> Location:
        """Location of the cell at a position among the file's data rows (0-based)."""
        header = self.source_headers.get(column, column) if column else None
        return Location(
            self.meta.path, self.meta.sheet, self.meta.first_data_row + position, header
        )


def _rows(mask: pa.Array | pa.ChunkedArray | np.ndarray) -> np.ndarray:
    """Block rows where ``mask`` is true (missing counts as false)."""
    if isinstance(mask, np.ndarray):
        return np.flatnonzero(mask)
    return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))


def _findings(
    mask: pa.Array | np.ndarray,
    values: pa.Array | None,
    column: str,
    rule: str,
    message: str,
    where: Locator,
    severity: Severity = Severity.ERROR,
) -> list[Finding]:
    rows = _rows(mask)
    if not len(rows):
        return []
    shown = values.take(pa.array(rows)).to_pylist() if values is not None else [None] * len(rows)
    return [
        Finding(rule, message, where.at(row, column), value, severity)
        for row, value in zip(rows, shown, strict=True)
    ]


def _missing(length: int) -> pa.Array:
    return pa.nulls(length, pa.string())


def check_required(table: Columns, schema: ActivitySchema, where: Locator) -> list[Finding]:
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
            pc.is_null(values), values, column.name, "required", "a value is required", where
        )
    return found


def check_required_if(table: Columns, schema: ActivitySchema, where: Locator) -> list[Finding]:
    """Columns required on rows where another column has a given value."""
    found: list[Finding] = []
    for column in schema.columns:
        for other, value in (column.required_if or {}).items():
            if other not in table:
                continue
            values = table.get(column.name)
            if values is None:
                values = _missing(len(table[other]))
            mask = pc.and_(pc.equal(table[other], value), pc.is_null(values))
            found += _findings(
                mask,
                values,
                column.name,
                "required",
                f"a value is required where {other} is {value}",
                where,
            )
    return found


def check_gases(table: Columns, schema: ActivitySchema, where: Locator) -> list[Finding]:
    """Gas columns name a gas of the unit registry, or CO2e; each distinct value checked once."""
    found: list[Finding] = []
    for column in schema.columns:
        if column.type is not ColumnType.GAS or column.name not in table:
            continue
        values = table[column.name]
        for gas in pc.unique(values.drop_null()).to_pylist():
            if gas == "CO2e":
                continue
            try:
                gas_unit(gas)
            except UnitError:
                found += _findings(
                    pc.equal(values, gas),
                    values,
                    column.name,
                    "gas",
                    "expected a gas (CO2, CH4, N2O, HFC-134a ...) or CO2e",
                    where,
                )
    return found


def parse_numbers(
    values: pa.Array, column: Column, where: Locator
) -> tuple[pa.Array, list[Finding]]:
    """Parse numbers (thousands separators allowed) and check the column's bounds. Only the
    values holding a comma or a space (found in one Arrow pass) are cleaned one by one."""
    separated = _holds_any(values, (",", " "))
    cleaned = values
    if separated.any():
        rows = np.flatnonzero(separated)
        fixed = [_THOUSANDS.sub("", v).replace(" ", "") for v in values.take(rows).to_pylist()]
        cleaned = pc.replace_with_mask(values, pa.array(separated), pa.array(fixed, pa.string()))
    parsed = _decimal_numbers(cleaned)
    parsed = pc.if_else(pc.is_finite(parsed), parsed, pa.scalar(None, pa.float64()))  # inf, 1e309
    bad = pc.and_(pc.is_valid(values), pc.is_null(parsed))
    kind = "an integer" if column.type is ColumnType.INTEGER else "a number"
    found = _findings(bad, values, column.name, "number", f"expected {kind}, finite", where)
    if column.max is None:  # no column bound: refuse what no activity can be (1e308, 400 digits)
        found += _findings(
            pc.greater(pc.abs(parsed), MAX_MAGNITUDE),
            values,
            column.name,
            "magnitude",
            f"must be at most {MAX_MAGNITUDE:g} in size",
            where,
        )
    if column.type is ColumnType.INTEGER:
        fractional = pc.not_equal(pc.floor(parsed), parsed)
        found += _findings(fractional, values, column.name, "number", f"expected {kind}", where)
        whole = pc.and_not(pc.less_equal(pc.abs(parsed), MAX_MAGNITUDE), fractional)
        parsed = pc.if_else(whole, parsed, pa.scalar(None, pa.float64()))
    if column.min is not None:
        found += _findings(
            pc.less(parsed, column.min),
            values,
            column.name,
            "minimum",
            f"must be >= {column.min:g}",
            where,
        )
    if column.max is not None:
        found += _findings(
            pc.greater(parsed, column.max),
            values,
            column.name,
            "maximum",
            f"must be <= {column.max:g}",
            where,
        )
    return pc.cast(parsed, column.arrow_type, safe=False), found


def _decimal_numbers(values: pa.Array) -> pa.Array:
    """Values written as decimal numbers (``12``, ``-0.5``, ``1.2e3``) as floats, others
    missing; ``inf`` and ``nan`` may come back as such (the caller refuses non-finite values).

    Arrow's own cast reads exactly the decimal forms :data:`_DECIMAL` describes plus ``inf``
    and ``nan`` (a test holds it to that), so a column it reads whole needs no regular
    expression; a column holding anything else is recognised by :data:`_DECIMAL` first.
    """
    try:
        return pc.cast(values, pa.float64())
    except pa.ArrowInvalid:
        shaped = pc.fill_null(pc.match_substring_regex(values, _DECIMAL), False)
        return pc.cast(pc.if_else(shaped, values, _NULL_TEXT), pa.float64())


def parse_booleans(
    values: pa.Array, column: Column, where: Locator
) -> tuple[pa.Array, list[Finding]]:
    """Parse yes/no, true/false, 1/0 and 是/否."""
    folded = pc.utf8_lower(pc.utf8_trim_whitespace(values))
    truth = pc.is_in(folded, value_set=pa.array(sorted(_TRUE)))
    falsity = pc.is_in(folded, value_set=pa.array(sorted(_FALSE)))
    parsed = pc.if_else(truth, True, pc.if_else(falsity, False, pa.scalar(None, pa.bool_())))
    bad = pc.and_(pc.is_valid(values), pc.is_null(parsed))
    return parsed, _findings(
        bad, values, column.name, "boolean", "expected true/false, yes/no, 1/0 or 是/否", where
    )


def parse_months(
    values: pa.Array, column: Column, where: Locator
) -> tuple[pa.Array, list[Finding]]:
    """Parse months written YYYY-MM, YYYY/MM, YYYYMM, YYYY-MM-01 or YYYY年M月 into YYYY-MM.

    Each distinct value is parsed once (a column of a million records holds a few dozen
    months); values already written YYYY-MM are recognised in one Arrow pass, only the others
    are tried against each written form.
    """
    parsed = by_distinct(values, _months, pa.string())
    bad = pc.and_(pc.is_valid(values), pc.is_null(parsed))
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


def by_distinct(
    values: pa.Array, parse: Callable[[pd.Series], pd.Series], arrow_type: pa.DataType
) -> pa.Array:
    """Apply ``parse`` to each distinct text value once and spread its results back.

    Parameters
    ----------
    values : pyarrow.Array
        Text cells.
    parse : callable
        Takes the distinct values (object Series, index 0..k-1) and returns their results
        (missing where there is none).
    arrow_type : pyarrow.DataType
        Type of the results.

    Returns
    -------
    pyarrow.Array
        Each value's result (missing where the value is).
    """
    encoded = pc.dictionary_encode(values)
    distinct = pd.Series(encoded.dictionary.to_pylist(), dtype="object")
    if not len(distinct):
        return pa.nulls(len(values), arrow_type)
    results = parse(distinct)
    try:
        typed = pa.array(results, type=arrow_type, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        typed = pa.array([None if pd.isna(v) else v for v in results.tolist()], type=arrow_type)
    return pc.take(typed, encoded.indices)


def _holds_any(values: pa.Array, parts: tuple[str, ...]) -> np.ndarray:
    """Whether each value holds any of ``parts`` (plain substrings; missing values: False)."""
    found = np.zeros(len(values), dtype=bool)
    for part in parts:
        found |= pc.fill_null(pc.match_substring(values, part), False).to_numpy(
            zero_copy_only=False
        )
    return found


def _canonical_months(values: pd.Series) -> pd.Series:
    """The values already written ``YYYY-MM`` with a month 01-12 and a year in range, others
    None (Arrow compute: no Python per value)."""
    text = pa.array(values, type=pa.string(), from_pandas=True)
    shaped = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{4}-(0[1-9]|1[0-2])$"), False)
    year = pc.cast(pc.utf8_slice_codeunits(pc.if_else(shaped, text, "0000"), 0, 4), pa.int32())
    valid = pc.and_(
        shaped, pc.and_(pc.greater_equal(year, YEARS[0]), pc.less_equal(year, YEARS[1]))
    )
    kept = pc.if_else(valid, text, _NULL_TEXT)
    return pd.Series(kept.to_numpy(zero_copy_only=False), index=values.index, dtype="object")


def check_identifier_characters(
    table: Columns, schema: ActivitySchema, where: Locator
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
        text = table[name]
        # printable ASCII can hold neither an invisible character nor a look-alike letter: only
        # the other values, once each, are examined character by character
        suspect = pc.fill_null(pc.invert(pc.ascii_is_printable(text)), False)
        if not pc.any(suspect).as_py():
            continue
        distinct = pc.unique(pc.filter(text, suspect)).to_pylist()
        for broken, message in _CHARACTER_RULES:
            bad_values = [v for v in distinct if broken(v)]
            if not bad_values:
                continue
            bad = pc.is_in(text, value_set=pa.array(bad_values, pa.string()))
            found += _findings(bad, text, name, "characters", message, where)
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


def parse_dates(values: pa.Array, column: Column, where: Locator) -> tuple[pa.Array, list[Finding]]:
    """Parse ISO dates (YYYY-MM-DD); each distinct value once."""

    def dates(distinct: pd.Series) -> pd.Series:
        return pd.to_datetime(distinct, format="%Y-%m-%d", errors="coerce").dt.date

    parsed = by_distinct(values, dates, pa.date32())
    bad = pc.and_(pc.is_valid(values), pc.is_null(parsed))
    found = _findings(bad, values, column.name, "date", "expected a date YYYY-MM-DD", where)
    return parsed, found


#: A UTC offset or ``Z`` at the end of a time: refused, a meter's times are its local clock.
_OFFSET = r"(?:Z|[+-][0-9]{2}:?[0-9]{2})$"


def parse_timestamps(
    values: pa.Array, column: Column, where: Locator
) -> tuple[pa.Array, list[Finding]]:
    """Parse local clock times written ISO 8601 without a UTC offset (``YYYY-MM-DD HH:MM``,
    seconds optional, ``T`` or a space between date and time) to whole seconds; each distinct
    value once."""

    def times(distinct: pd.Series) -> pd.Series:
        text = distinct.astype("string").str.strip()
        offset = text.str.contains(_OFFSET, regex=True).fillna(False).astype(bool)
        parsed = pd.to_datetime(text.where(~offset), format="ISO8601", errors="coerce")
        return parsed.dt.floor("s")

    parsed = by_distinct(values, times, column.arrow_type)
    bad = pc.and_(pc.is_valid(values), pc.is_null(parsed))
    message = "expected a local time YYYY-MM-DD HH:MM[:SS] without a UTC offset"
    return parsed, _findings(bad, values, column.name, "timestamp", message, where)


def check_enums(table: Columns, schema: ActivitySchema, where: Locator) -> list[Finding]:
    """Enum columns hold one of their listed values."""
    found: list[Finding] = []
    for column in schema.columns:
        if column.type is ColumnType.ENUM and column.name in table:
            values = table[column.name]
            listed = pc.is_in(values, value_set=pa.array(list(column.values), pa.string()))
            found += _findings(
                pc.and_(pc.is_valid(values), pc.invert(listed)),
                values,
                column.name,
                "enum",
                f"expected one of {', '.join(column.values)}",
                where,
            )
    return found


def check_patterns(table: Columns, schema: ActivitySchema, where: Locator) -> list[Finding]:
    """String columns with a pattern match it in full (Python's ``re``, each distinct value
    once)."""
    found: list[Finding] = []
    for column in schema.columns:
        if column.pattern and column.name in table:
            values = table[column.name]
            pattern = re.compile(column.pattern)
            distinct = pc.unique(values.drop_null()).to_pylist()
            failing = [v for v in distinct if not pattern.fullmatch(v)]
            if not failing:
                continue
            found += _findings(
                pc.is_in(values, value_set=pa.array(failing, pa.string())),
                values,
                column.name,
                "pattern",
                f"expected text matching {column.pattern}",
                where,
            )
    return found


def check_units(table: Columns, schema: ActivitySchema, where: Locator) -> list[Finding]:
    """Unit columns name known units of an allowed dimension; each distinct unit is checked once."""
    found: list[Finding] = []
    for column in schema.columns:
        if column.type is not ColumnType.UNIT or column.name not in table:
            continue
        values = table[column.name]
        dimensions = (column.dimension or "").split("|")
        for unit in pc.unique(values.drop_null()).to_pylist():
            problem = _unit_problem(unit, dimensions)
            if problem:
                found += _findings(
                    pc.equal(values, unit), values, column.name, "unit", problem, where
                )
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


def parse_units(values: pa.Array, column: Column, where: Locator) -> tuple[pa.Array, list[Finding]]:
    """Units as the registry spells them (``度`` -> ``kWh``, ``m3`` -> ``m ** 3``); the
    check that they are units of the column's dimension is :func:`check_units`. Each distinct
    spelling is looked up once."""
    spelled = by_distinct(values, lambda distinct: distinct.map(canonical_unit), pa.string())
    return pc.coalesce(spelled, values), []


def check_requires_one_of(table: Columns, schema: ActivitySchema, where: Locator) -> list[Finding]:
    """Each row fills at least one column of every ``requires_one_of`` group."""
    found: list[Finding] = []
    rows = len(where.positions)
    for group in schema.requires_one_of:
        filled = np.zeros(rows, dtype=bool)
        for name in group:
            if name in table:
                filled |= table[name].is_valid().to_numpy(zero_copy_only=False)
        found += _findings(
            ~filled,
            None,
            group[0],
            "requires_one_of",
            f"fill at least one of {', '.join(group)}",
            where,
        )
    return found


#: Parser of each typed column kind.
PARSERS: dict[ColumnType, Callable[[pa.Array, Column, Locator], tuple[pa.Array, list[Finding]]]] = {
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
