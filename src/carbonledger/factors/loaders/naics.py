"""NAICS code lists and concordances for mapping spend categories to EEIO factors.

Census NAICS 2017/2022 code lists, the 2012->2017->2022 concordances, EPA's NAICS<->BEA 2017
crosswalk (the "Reference USEEIO Code" of the supply-chain factors) and Census' NAICS 2017 <->
ISIC Rev.4 concordance with the UN ISIC structure. All codes are kept as strings.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from carbonledger.factors._raw import raw_file
from carbonledger.factors._xlsx import read_rows
from carbonledger.factors.table import ReleaseInfo

__all__ = ["RELEASE", "load_tables"]

RELEASE = ReleaseInfo(
    release_id="naics-concordances",
    publisher="US Census Bureau; US EPA (flowsa); UN Statistics Division",
    dataset="NAICS code lists, NAICS 2012/2017/2022 concordances, NAICS-BEA and NAICS-ISIC",
    version="flowsa c25c206; Census 2017/2022",
    published="2022-01-01",
    licence="US-Government-Public-Domain (UNSD ISIC structure: free use with attribution)",
    url="https://www.census.gov/naics/",
    source_keys=(
        "naics_2017_codes",
        "naics_2022_codes",
        "naics_2012_to_2017",
        "naics_2017_to_2022",
        "naics_to_bea_2017",
        "naics_to_isic_2017",
    ),
    notes="Concordances are many-to-many; partial links are flagged, never silently resolved.",
)


def _csv_rows(path: Path, skip: int = 0) -> Iterator[list[str]]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    for _ in range(skip):
        next(reader)
    yield from reader


def _code(value: Any, width: int = 0) -> str:
    text = str(value).strip() if value is not None else ""
    if text.endswith(".0"):
        text = text[:-2]
    return text.zfill(width) if width and text.isdigit() else text


def _code_list(key: str, year: int, root: Path | None) -> list[dict[str, Any]]:
    rows = []
    for record in _csv_rows(raw_file(key, root), skip=1):
        if len(record) > 2 and record[1].strip():
            rows.append({"year": year, "code": _code(record[1]), "title": record[2].strip()})
    return rows


def _concordance(key: str, years: tuple[int, int], root: Path | None) -> list[dict[str, Any]]:
    rows = []
    for record in _csv_rows(raw_file(key, root), skip=3):
        if len(record) > 3 and record[0].strip().isdigit():
            rows.append(
                {
                    "from_year": years[0],
                    "from_code": _code(record[0]),
                    "from_title": " ".join(record[1].split()),
                    "to_year": years[1],
                    "to_code": _code(record[2]),
                    "to_title": record[3].strip(),
                }
            )
    return rows


def load_tables(root: Path | None = None) -> dict[str, pa.Table]:
    """Load every concordance table.

    Returns
    -------
    dict of str to pyarrow.Table
        ``naics_codes``, ``naics_concordance``, ``naics_to_bea``, ``naics_to_isic``.
    """
    codes = _code_list("naics_2017_codes", 2017, root) + _code_list("naics_2022_codes", 2022, root)
    concordance = _concordance("naics_2012_to_2017", (2012, 2017), root) + _concordance(
        "naics_2017_to_2022", (2017, 2022), root
    )
    bea = [
        {
            "naics_2017": _code(r[3]),
            "bea_detail": r[2].strip(),
            "bea_summary": r[1].strip(),
            "bea_sector": r[0].strip(),
        }
        for r in _csv_rows(raw_file("naics_to_bea_2017", root), skip=1)
        if len(r) > 3
    ]
    return {
        "naics_codes": pa.Table.from_pylist(codes),
        "naics_concordance": pa.Table.from_pylist(concordance),
        "naics_to_bea": pa.Table.from_pylist(bea),
        "naics_to_isic": pa.Table.from_pylist(_isic(root)),
    }


def _isic(root: Path | None) -> list[dict[str, Any]]:
    rows = next(iter(read_rows(raw_file("naics_to_isic_2017", root)).values()))
    links = []
    for record in rows[1:]:
        naics, isic = _code(record[1]), _code(record[4], width=4)
        if not naics or naics == "0" or not isic:
            continue
        links.append(
            {
                "naics_2017": naics,
                "naics_title": str(record[2]).strip(),
                "isic4": isic,
                "isic_title": str(record[5]).strip(),
                "partial_naics": (record[0] or "").strip() == "*",
                "partial_isic": (record[3] or "").strip() == "*",
            }
        )
    return links
