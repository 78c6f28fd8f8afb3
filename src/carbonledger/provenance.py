"""Content hashes and run manifests: what produced a result, so it can be reproduced."""

from __future__ import annotations

import hashlib
import io
import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = [
    "PARQUET_OPTIONS",
    "RunManifest",
    "code_fingerprint",
    "library_versions",
    "parquet_bytes",
    "sha256_bytes",
    "sha256_file",
    "utc_now",
]

_LIBRARIES = ("carbonledger", "duckdb", "ibis-framework", "pyarrow", "pandas", "numpy", "pint")


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: How stored Parquet files are written (by :func:`parquet_bytes` and by streamed writers).
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "write_statistics": True,
    "store_schema": False,
}


def parquet_bytes(table: pa.Table) -> bytes:
    """Serialise a table to Parquet deterministically: same table and versions, same bytes.

    Schema metadata (which pandas fills with its own version and index layout) is dropped and
    the Arrow schema is not embedded, so the content hash depends on the data alone.
    """
    sink = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(None), sink, **PARQUET_OPTIONS)
    return sink.getvalue()


def utc_now() -> str:
    """Return the current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def code_fingerprint() -> str:
    """Hash of the package's own source and data files, so a changed method changes runs."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".yaml", ".csv"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Return the versions of the libraries that shape a result, plus Python's."""
    versions = {"python": platform.python_version(), "carbonledger-code": code_fingerprint()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@dataclass(frozen=True)
class RunManifest:
    """Everything needed to reproduce a calculation run.

    Parameters
    ----------
    inputs : dict of str to list of str or str
        Input batch ids (content hashes) by activity kind, or the hash of a merged reference
        table.
    factor_releases : list of str
        Factor release ids used.
    gwp_set : str
        GWP set applied.
    options : dict
        Options of the run (engine, period, strictness ...).
    versions : dict of str to str
        Library versions.
    created_at : str
        UTC time of the run (not part of :meth:`fingerprint`).
    """

    inputs: dict[str, list[str] | str]
    factor_releases: list[str]
    gwp_set: str
    options: dict[str, Any]
    versions: dict[str, str] = field(default_factory=library_versions)
    created_at: str = field(default_factory=utc_now)

    def fingerprint(self) -> str:
        """Return a hash of everything but the time: equal inputs, equal fingerprint."""
        content = asdict(self)
        content.pop("created_at")
        return sha256_bytes(json.dumps(content, sort_keys=True).encode())

    def to_json(self) -> str:
        """Serialise the manifest."""
        return json.dumps(asdict(self), sort_keys=True, indent=2)
