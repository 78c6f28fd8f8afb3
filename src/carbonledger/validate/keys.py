"""The rule across a file's blocks: each record's key once in the file, checked by DuckDB over
all the typed records (in memory or in the Parquet file they were written to)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from carbonledger.engine import records_connection
from carbonledger.schema import ActivitySchema
from carbonledger.validate.checks import Locator
from carbonledger.validate.report import Finding

__all__ = ["duplicate_keys"]

#: Repeated keys named one by one; more are counted.
NAMED = 1_000


def duplicate_keys(
    records: pa.Table | Path,
    schema: ActivitySchema,
    where: Locator,
    memory_limit: str | None = None,
) -> tuple[list[Finding], int]:
    """Rows whose primary key an earlier row of the file holds (an empty optional key part
    counts as a value; a row without a required part is the required check's).

    Parameters
    ----------
    records : pyarrow.Table or Path
        Typed records with ``source_row``: a table, or a Parquet file of them.
    schema : ActivitySchema
        Schema of the activity kind (its ``primary_key``).
    where : Locator
        Turns rows and columns into places in the user's file.
    memory_limit : str, optional
        DuckDB's memory limit; beyond it the query spills beside ``records``.

    Returns
    -------
    findings : list of Finding
        The first :data:`NAMED` repeated rows, in file order.
    more : int
        How many more rows repeat a key.
    """
    key = list(schema.primary_key)
    if not key:
        return [], 0
    complete = " AND ".join(f'"{c}" IS NOT NULL' for c in key if schema.column(c).required)
    columns = ", ".join(f'"{c}"' for c in key)
    con = records_connection(records, memory_limit)
    try:
        rows = f"SELECT source_row, {columns} FROM records WHERE {complete or 'true'}"
        (repeated,) = con.execute(
            f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM ({rows}) "
            f"GROUP BY {columns} HAVING count(*) > 1)"
        ).fetchone()
        if not repeated:
            return [], 0
        found = con.execute(
            f'SELECT source_row, CAST("{key[0]}" AS VARCHAR) FROM (SELECT source_row, '
            f'"{key[0]}", row_number() OVER (PARTITION BY {columns} ORDER BY source_row) AS '
            f"nth FROM ({rows})) WHERE nth > 1 ORDER BY source_row LIMIT {NAMED}"
        ).fetchall()
    finally:
        con.close()
    message = f"duplicate key ({', '.join(key)})"
    findings = [
        Finding("unique", message, where.in_file(row - where.meta.first_data_row, key[0]), value)
        for row, value in found
    ]
    return findings, int(repeated) - len(findings)
