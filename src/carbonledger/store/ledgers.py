"""A run's emission ledger as stored: an ordered list of content-addressed Parquet parts and a
small manifest naming them.

A calculation writes one part per method, each sorted by the ledger order; the ledger is those
parts in method order. Nothing is concatenated: each row is encoded once. The manifest
(``ledgers/<sha256>.json``) lists every part with its hash and row count; its own hash is the
ledger's, so equal runs have equal manifests and equal parts, byte for byte.

Workspaces made before parts existed hold one ``ledgers/<sha256>.parquet`` per run; it reads as
a ledger of one part.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from carbonledger.errors import IntegrityError
from carbonledger.provenance import sha256_file

__all__ = ["LEDGER_FORMAT", "LedgerPart", "manifest_bytes", "parse_manifest", "stage_parts"]

#: Format of a ledger manifest (``format`` key).
LEDGER_FORMAT = "carbonledger-ledger/1"
#: Folder of the parts, inside the ledger folder.
PARTS_DIR = "parts"


@dataclass(frozen=True)
class LedgerPart:
    """One stored part of a ledger.

    Attributes
    ----------
    key : str
        Path relative to the workspace root (``ledgers/parts/<sha256>.parquet``).
    sha256 : str
        Hash of the part's bytes.
    rows : int
        Ledger rows in the part.
    """

    key: str
    sha256: str
    rows: int


def stage_parts(ledger_dir: str, staged: list[Path]) -> list[tuple[Path, LedgerPart]]:
    """The staged part files with their stored keys, hashes and row counts (empty parts left
    out, but a ledger keeps at least one part so that its columns are known)."""
    described = []
    for path in staged:
        sha256 = sha256_file(path)
        key = (Path(ledger_dir) / PARTS_DIR / f"{sha256}.parquet").as_posix()
        described.append((path, LedgerPart(key, sha256, pq.ParquetFile(path).metadata.num_rows)))
    kept = [(path, part) for path, part in described if part.rows] or described[:1]
    return kept


def manifest_bytes(parts: list[LedgerPart]) -> bytes:
    """The manifest of a ledger made of ``parts`` (in order), as canonical JSON bytes."""
    document = {
        "format": LEDGER_FORMAT,
        "rows": sum(p.rows for p in parts),
        "parts": [{"path": p.key, "sha256": p.sha256, "rows": p.rows} for p in parts],
    }
    return (json.dumps(document, sort_keys=True, indent=1) + "\n").encode()


def parse_manifest(content: bytes, where: Path) -> list[LedgerPart]:
    """The parts a ledger manifest lists, in order.

    Raises
    ------
    IntegrityError
        If the manifest is not a ledger manifest of a known format.
    """
    try:
        document: dict[str, Any] = json.loads(content)
        if document.get("format") != LEDGER_FORMAT:
            raise ValueError(f"format {document.get('format')!r}, expected {LEDGER_FORMAT!r}")
        return [LedgerPart(p["path"], p["sha256"], int(p["rows"])) for p in document["parts"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise IntegrityError(f"ledger manifest {where} cannot be read: {exc}") from None
