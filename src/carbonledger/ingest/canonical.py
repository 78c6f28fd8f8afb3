"""Map a file's headers to the canonical column names of its activity schema."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from carbonledger.schema import ActivitySchema, fold_header

__all__ = ["CanonicalTable", "canonicalise"]


@dataclass
class CanonicalTable:
    """A table renamed to canonical columns, with how each header was matched.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns renamed to canonical names; unknown columns dropped.
    source_headers : dict of str to str
        Canonical name to the file header it was read from.
    unknown : list of str
        File headers that match no column.
    clashes : dict of str to list of str
        Canonical names claimed by more than one file header.
    """

    table: pd.DataFrame
    source_headers: dict[str, str]
    unknown: list[str] = field(default_factory=list)
    clashes: dict[str, list[str]] = field(default_factory=dict)


def canonicalise(frame: pd.DataFrame, schema: ActivitySchema) -> CanonicalTable:
    """Rename a file's columns to canonical names through the schema's aliases.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table as read from the file.
    schema : ActivitySchema
        Schema of the activity kind.

    Returns
    -------
    CanonicalTable
    """
    lookup = schema.header_map()
    result = CanonicalTable(pd.DataFrame(index=frame.index), {})
    for header in frame.columns:
        canonical = lookup.get(fold_header(str(header)))
        if canonical is None:
            result.unknown.append(str(header))
        elif canonical in result.source_headers:
            first = result.source_headers[canonical]
            result.clashes.setdefault(canonical, [first]).append(str(header))
        else:
            result.source_headers[canonical] = str(header)
            result.table[canonical] = frame[header]
    return result
