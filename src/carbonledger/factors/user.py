"""Users' own factor releases: validated ``user_factors`` records as canonical factors.

The file format is the ``user_factors`` activity schema (``carbonledger.schema``); the
application layer reads and validates it like any import, then this module converts the
records through the same builder as the publishers' loaders, and :func:`write_release` writes
them (through the workspace's write path).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import PurePath
from typing import Any

import pyarrow as pa

from carbonledger.factors.releases import FACTORS_TABLE, ReleaseBuild
from carbonledger.factors.table import FactorRow, FactorTableBuilder, ReleaseInfo
from carbonledger.provenance import parquet_bytes, sha256_bytes

__all__ = ["user_release"]


def user_release(
    records: pa.Table, info: ReleaseInfo, source: str, source_sha256: str
) -> tuple[ReleaseBuild, dict[str, Any]]:
    """Convert validated ``user_factors`` records into a release and its manifest.

    Parameters
    ----------
    records : pyarrow.Table
        Typed records of the ``user_factors`` schema (with ``source_row``).
    info : ReleaseInfo
        Identity of the release.
    source : str
        File the records came from.
    source_sha256 : str
        Hash of that file.
    """
    builder = FactorTableBuilder(info)
    file_name = PurePath(source).name
    for record in records.to_pylist():
        builder.add(
            FactorRow(
                activity_key=record["activity_key"],
                name=record["name"],
                name_zh=record["name_zh"],
                region=record["region"],
                year=record["year"],
                gas=record["gas"],
                original_value=record["value"],
                numerator=record["numerator_unit"],
                denominator=record["per_unit"],
                stage=record["stage"],
                gwp_set=record["gwp_set"],
                heating_value_basis=record["heating_value_basis"],
                variant=record["variant"],
                boundary_notes=record["boundary_notes"],
                source_location=f"{file_name}:{record['source_row']} ({record['source']})",
            )
        )
    factors = builder.table()
    manifest = {
        **asdict(info),
        "source_keys": [],
        "user_release": True,
        "sources": [{"path": source, "sha256": source_sha256}],
        "tables": {
            FACTORS_TABLE: {
                "rows": factors.num_rows,
                "sha256": sha256_bytes(parquet_bytes(factors)),
            }
        },
    }
    return ReleaseBuild(info, {FACTORS_TABLE: factors}), manifest
