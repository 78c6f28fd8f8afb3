"""Read users' activity files into canonical tables.

Readers return ``(table, metadata)``: a table of text cells (typing is the validator's job, so
that a bad cell can be reported rather than silently coerced) and where it came from. Headers
are mapped to canonical column names through the schema's visible alias list.
"""

from carbonledger.ingest.canonical import canonicalise
from carbonledger.ingest.readers import (
    SUPPORTED_SUFFIXES,
    SourceMetadata,
    SourceTable,
    open_table,
    read_table,
)

__all__ = [
    "SUPPORTED_SUFFIXES",
    "SourceMetadata",
    "SourceTable",
    "canonicalise",
    "open_table",
    "read_table",
]
