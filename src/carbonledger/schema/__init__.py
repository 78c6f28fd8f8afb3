"""Schema as data: every activity table is described by a YAML file in this folder.

The same files drive validation (:mod:`carbonledger.validate`), the import of user files
(:mod:`carbonledger.ingest`) and the documentation, so the three never disagree.

Examples
--------
>>> from carbonledger.schema import get_schema
>>> schema = get_schema("electricity")
>>> schema.column("quantity").unit_column
'unit'
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from carbonledger.errors import SchemaError

__all__ = [
    "ActivitySchema",
    "Column",
    "ColumnType",
    "conform",
    "fold_header",
    "get_schema",
    "get_table_schema",
    "render_markdown",
    "schema_kinds",
]


def conform(table: pa.Table, schema: pa.Schema, keep_extra: bool = False) -> pa.Table:
    """``table`` with the columns of ``schema``, in its order: a column the table lacks (an
    optional one added after the table was written) is empty. Columns beyond the schema (such
    as ``source_row``) are dropped, or kept last with ``keep_extra``.
    """
    columns = {
        f.name: table[f.name] if f.name in table.column_names else pa.nulls(len(table), f.type)
        for f in schema
    }
    if keep_extra:
        columns |= {name: table[name] for name in table.column_names if name not in columns}
        return pa.table(columns)
    return pa.table(columns, schema=schema)


class ColumnType(StrEnum):
    """Logical types of activity columns."""

    STRING = "string"
    FLOAT = "float"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"
    MONTH = "month"
    UNIT = "unit"
    ENUM = "enum"
    GAS = "gas"


_ARROW_TYPES: dict[ColumnType, pa.DataType] = {
    ColumnType.STRING: pa.string(),
    ColumnType.FLOAT: pa.float64(),
    ColumnType.INTEGER: pa.int64(),
    ColumnType.BOOLEAN: pa.bool_(),
    ColumnType.DATE: pa.date32(),
    ColumnType.TIMESTAMP: pa.timestamp("s"),
    ColumnType.MONTH: pa.string(),
    ColumnType.UNIT: pa.string(),
    ColumnType.ENUM: pa.string(),
    ColumnType.GAS: pa.string(),
}


class Column(BaseModel):
    """One column of an activity table.

    Parameters
    ----------
    name : str
        Canonical column name.
    type : ColumnType
        Logical type.
    required : bool
        Whether every row needs a value.
    description : str
        What the column holds, with its unit in brackets where it is fixed.
    aliases : list of str
        Other headers users' files use for this column (Chinese or vendor names).
    unit_column : str, optional
        For a quantity, the column that holds its unit.
    dimension : str, optional
        For a unit column, the allowed dimensionalities, ``|``-separated (``[energy]``).
    default : str, optional
        Value used where the cell is empty (units and enums only).
    values : list of str, optional
        Allowed values of an enum.
    min, max : float, optional
        Inclusive bounds of a number.
    pattern : str, optional
        Regular expression a string must match in full.
    required_if : dict of str to str, optional
        Required on rows where another column has a value (``{"gas": "CO2e"}``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    type: ColumnType
    required: bool = False
    description: str = ""
    aliases: tuple[str, ...] = ()
    unit_column: str | None = None
    dimension: str | None = None
    default: str | None = None
    values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    required_if: dict[str, str] | None = None

    @property
    def arrow_type(self) -> pa.DataType:
        """The Arrow type the column is stored as."""
        return _ARROW_TYPES[self.type]

    @model_validator(mode="after")
    def _consistent(self) -> Column:
        if self.type is ColumnType.ENUM and not self.values:
            raise ValueError(f"enum column {self.name!r} lists no values")
        if self.type is ColumnType.UNIT and not self.dimension:
            raise ValueError(f"unit column {self.name!r} has no dimension")
        return self


class ActivitySchema(BaseModel):
    """The schema of one activity kind.

    Parameters
    ----------
    kind : str
        Name of the activity kind (``electricity``).
    title : dict of str to str
        Title by language (``en``, ``zh``).
    description : str
        What the table records.
    primary_key : list of str
        Columns that identify a row; must be unique within a batch.
    columns : list of Column
        The columns, in canonical order.
    requires_one_of : list of list of str
        Groups of columns of which each row must fill at least one.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    title: dict[str, str]
    description: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...] = Field(min_length=1)
    requires_one_of: tuple[tuple[str, ...], ...] = ()

    @model_validator(mode="after")
    def _references_exist(self) -> ActivitySchema:
        names = {c.name for c in self.columns}
        referenced = set(self.primary_key)
        referenced |= {c.unit_column for c in self.columns if c.unit_column}
        referenced |= {n for group in self.requires_one_of for n in group}
        if missing := referenced - names:
            raise ValueError(f"schema {self.kind!r} refers to unknown columns {sorted(missing)}")
        return self

    @property
    def column_names(self) -> list[str]:
        """Canonical column names in order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """Return a column by canonical name.

        Raises
        ------
        KeyError
            If the schema has no such column (the message lists the valid names).
        """
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.kind} has no column {name!r}; columns: {self.column_names}")

    def header_map(self) -> dict[str, str]:
        """Map every accepted header (name or alias, case-folded) to its canonical name."""
        mapping: dict[str, str] = {}
        for column in self.columns:
            for header in (column.name, *column.aliases):
                mapping[fold_header(header)] = column.name
        return mapping

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema of a stored batch of this kind."""
        return pa.schema([pa.field(c.name, c.arrow_type) for c in self.columns])


def fold_header(header: str) -> str:
    """Normalise a file header for matching: trimmed, case-folded, spaces as underscores."""
    return " ".join(str(header).replace("\ufeff", "").split()).casefold().replace(" ", "_")


@cache
def schema_kinds() -> tuple[str, ...]:
    """Return the activity kinds that have a schema, sorted."""
    folder = resources.files("carbonledger.schema")
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


@cache
def get_schema(kind: str) -> ActivitySchema:
    """Return the schema of an activity kind.

    Parameters
    ----------
    kind : str
        Activity kind such as ``"electricity"``.

    Raises
    ------
    SchemaError
        If no schema exists for the kind (the message lists the kinds) or it is malformed.
    """
    if kind not in schema_kinds():
        raise SchemaError(f"unknown activity kind {kind!r}; kinds: {', '.join(schema_kinds())}")
    text = resources.files("carbonledger.schema").joinpath(f"{kind}.yaml").read_text("utf-8")
    raw: dict[str, Any] = yaml.safe_load(text)
    try:
        return ActivitySchema.model_validate(raw)
    except ValidationError as exc:
        raise SchemaError(f"schema file {kind}.yaml is malformed: {exc}") from exc


@cache
def get_table_schema(name: str) -> ActivitySchema:
    """Return the schema of an internal table (``factors``; later the emission ledger).

    Raises
    ------
    SchemaError
        If no such table schema exists.
    """
    folder = resources.files("carbonledger.schema").joinpath("tables")
    path = folder.joinpath(f"{name}.yaml")
    if not path.is_file():
        known = sorted(p.name.removesuffix(".yaml") for p in folder.iterdir())
        raise SchemaError(f"unknown table schema {name!r}; tables: {', '.join(known)}")
    raw: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    try:
        return ActivitySchema.model_validate(raw)
    except ValidationError as exc:
        raise SchemaError(f"table schema {name}.yaml is malformed: {exc}") from exc


def render_markdown(schema: ActivitySchema) -> str:
    """A Markdown page documenting a schema: its columns, types, units and aliases."""
    lines = [
        f"# {schema.kind}: {schema.title.get('en', '')} / {schema.title.get('zh', '')}",
        "",
        " ".join(schema.description.split()),
        "",
        f"Primary key: {', '.join(f'`{c}`' for c in schema.primary_key)}.",
        "",
    ]
    if schema.requires_one_of:
        groups = "; ".join(" or ".join(f"`{c}`" for c in g) for g in schema.requires_one_of)
        lines += [f"Each row fills at least one of: {groups}.", ""]
    lines += [
        "| column | type | required | unit / values | also accepted as | description |",
        "|---|---|---|---|---|---|",
    ]
    for c in schema.columns:
        detail = (
            c.dimension
            or ", ".join(c.values)
            or (f"unit in `{c.unit_column}`" if c.unit_column else "")
        )
        if c.default:
            detail += f" (default {c.default})"
        required = (
            "yes"
            if c.required
            else (
                f"if {', '.join(f'{k} = {v}' for k, v in c.required_if.items())}"
                if c.required_if
                else ""
            )
        )
        lines.append(
            f"| `{c.name}` | {c.type.value} | {required} | {detail} | "
            f"{', '.join(c.aliases)} | {c.description} |"
        )
    return "\n".join(lines) + "\n"
