"""Map a file's headers to the canonical column names of its activity schema."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from carbonledger.schema import ActivitySchema, fold_header

__all__ = ["CanonicalTable", "canonicalise"]


@dataclass
class CanonicalTable:
    """A table renamed to canonical columns, with how each header was matched.

    Attributes
    ----------
    table : pyarrow.Table
        Columns renamed to canonical names; unknown columns dropped.
    source_headers : dict of str to str
        Canonical name to the file header it was read from.
    unknown : list of str
        File headers that match no column.
    clashes : dict of str to list of str
        Canonical names claimed by more than one file header.
    """

    table: pa.Table
    source_headers: dict[str, str]
    unknown: list[str] = field(default_factory=list)
    clashes: dict[str, list[str]] = field(default_factory=dict)


def canonicalise(table: pa.Table, schema: ActivitySchema) -> CanonicalTable:
    """Rename a file's columns to canonical names through the schema's aliases.

    Parameters
    ----------
    table : pyarrow.Table
        Table as read from the file (text cells).
    schema : ActivitySchema
        Schema of the activity kind.

    Returns
    -------
    CanonicalTable
        The first header claiming a canonical name gives its column; later ones are clashes.
    """
    lookup = schema.header_map()
    source_headers: dict[str, str] = {}
    unknown: list[str] = []
    clashes: dict[str, list[str]] = {}
    picked: list[int] = []
    for i, header in enumerate(table.column_names):
        canonical = lookup.get(fold_header(str(header)))
        if canonical is None:
            unknown.append(str(header))
        elif canonical in source_headers:
            clashes.setdefault(canonical, [source_headers[canonical]]).append(str(header))
        else:
            source_headers[canonical] = str(header)
            picked.append(i)
    renamed = table.select(picked).rename_columns(list(source_headers))
    return CanonicalTable(renamed, source_headers, unknown, clashes)
