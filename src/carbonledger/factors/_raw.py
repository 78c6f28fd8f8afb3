"""Locate the raw publisher files and check their checksums before any loader reads them."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from carbonledger.errors import FactorError, IntegrityError

__all__ = ["RAW_DATA_ENV", "raw_data_dir", "raw_file", "sha256_of"]

#: Environment variable that points at the folder of raw publisher files.
RAW_DATA_ENV = "CARBONLEDGER_RAW_DATA"


@cache
def _sources() -> dict[str, dict[str, str]]:
    text = resources.files("carbonledger.factors").joinpath("sources.yaml").read_text("utf-8")
    loaded: dict[str, dict[str, str]] = yaml.safe_load(text)
    return loaded


def raw_data_dir(start: Path | None = None) -> Path:
    """Return the folder of raw publisher files.

    The folder is ``$CARBONLEDGER_RAW_DATA`` when set, else the first ``shared/data`` found
    beside the current directory or one of its parents (the layout of a development checkout).

    Raises
    ------
    FactorError
        If no such folder exists.
    """
    if env := os.environ.get(RAW_DATA_ENV):
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "shared" / "data"
        if (candidate / "PROVENANCE.md").is_file():
            return candidate
    raise FactorError(
        f"raw publisher data not found: set {RAW_DATA_ENV} to the folder holding PROVENANCE.md"
    )


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def raw_file(key: str, root: Path | None = None) -> Path:
    """Return the path of a raw source file after checking its SHA-256.

    Parameters
    ----------
    key : str
        A key of ``factors/sources.yaml`` such as ``"epa_hub_2025"``.
    root : Path, optional
        Folder of raw data (default: :func:`raw_data_dir`).

    Raises
    ------
    KeyError
        If the key is unknown (the message lists the known keys).
    IntegrityError
        If the file is missing or its checksum differs from the manifest.
    """
    sources = _sources()
    if key not in sources:
        raise KeyError(f"unknown raw source {key!r}; known: {', '.join(sorted(sources))}")
    entry = sources[key]
    path = (root or raw_data_dir()) / entry["path"]
    if not path.is_file():
        raise IntegrityError(f"raw source {key!r} missing at {path}")
    actual = sha256_of(path)
    if actual != entry["sha256"]:
        raise IntegrityError(
            f"raw source {key!r} at {path} has sha256 {actual}, expected {entry['sha256']}"
        )
    return path
