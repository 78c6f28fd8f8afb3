"""GWP-100 tables (AR4, AR5, AR6) from openclimatedata ``globalwarmingpotentials`` (CC0).

The packaged table ``carbonledger/data/gwp100.csv`` that :mod:`carbonledger.units` reads is
written by :func:`write_gwp_table` from the raw file; nothing here holds a GWP value.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from carbonledger.factors._raw import raw_file

__all__ = ["GWP_COLUMNS", "read_gwp_table", "write_gwp_table"]

GWP_COLUMNS = ("AR4GWP100", "AR5GWP100", "AR6GWP100")
_SYMBOL = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_HEADER = (
    "# GWP-100 values by IPCC assessment report, written by carbonledger.factors.loaders.gwp\n"
    "# from openclimatedata/globalwarmingpotentials 0.13.2 (CC0-1.0), file sha256 {sha}.\n"
    "# Species whose names are not unit symbols are left out: {skipped}.\n"
)


def read_gwp_table(root: Path | None = None) -> tuple[list[dict[str, str]], list[str]]:
    """Read the openclimatedata GWP table.

    Parameters
    ----------
    root : Path, optional
        Folder of raw publisher data.

    Returns
    -------
    rows : list of dict
        ``species`` and one column per GWP set, values as the publisher wrote them.
    skipped : list of str
        Species whose names cannot be unit symbols (e.g. ``(CF3)2CFOCH3``).
    """
    path = raw_file("gwp_openclimatedata", root)
    rows: list[dict[str, str]] = []
    skipped: list[str] = []
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(line for line in handle if not line.startswith("#"))
        for record in reader:
            species = record["Species"].strip()
            if not _SYMBOL.match(species):
                skipped.append(species)
                continue
            rows.append({"species": species, **{c: record[c].strip() for c in GWP_COLUMNS}})
    return rows, skipped


def write_gwp_table(target: Path, root: Path | None = None) -> Path:
    """Write the packaged GWP table used by the unit registry.

    Parameters
    ----------
    target : Path
        Output CSV path.
    root : Path, optional
        Folder of raw publisher data.
    """
    from carbonledger.factors._raw import sha256_of

    rows, skipped = read_gwp_table(root)
    sha = sha256_of(raw_file("gwp_openclimatedata", root))
    with target.open("w", encoding="utf-8", newline="") as handle:
        handle.write(_HEADER.format(sha=sha, skipped=", ".join(skipped) or "none"))
        writer = csv.DictWriter(handle, fieldnames=["species", *GWP_COLUMNS], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return target
