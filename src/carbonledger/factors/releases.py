"""Factor releases: build them from the raw publisher files, package and verify them.

A packaged release is a folder ``factors/releases/<release_id>/`` holding ``factors.parquet``
(the canonical table; absent for pure reference releases), any side tables
(``<name>.parquet``) and ``manifest.json``: publisher, dataset, version, publication date,
licence, URL, the raw files with their sha256, and the sha256 and row count of every table.
Installed carbonledger reads only these folders; ``build_releases`` rewrites them from
``shared/data`` and ``verify_releases`` rebuilds in memory and compares hashes.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa

from carbonledger.errors import FactorError
from carbonledger.factors._raw import _sources, raw_file
from carbonledger.factors.loaders import desnz, epa_hub, epa_scf, grid, naics
from carbonledger.factors.table import ReleaseInfo
from carbonledger.provenance import parquet_bytes, sha256_bytes, sha256_file

__all__ = [
    "BUILDERS",
    "ReleaseBuild",
    "build_release",
    "build_releases",
    "packaged_dir",
    "verify_releases",
    "write_release",
]

FACTORS_TABLE = "factors"
MANIFEST = "manifest.json"


@dataclass
class ReleaseBuild:
    """A release built in memory: its identity and its tables."""

    info: ReleaseInfo
    tables: dict[str, pa.Table] = field(default_factory=dict)


#: Every release the package ships, with the function that builds its tables from raw files.
BUILDERS: dict[str, tuple[ReleaseInfo, Callable[[Path | None], dict[str, pa.Table]]]] = {
    "epa-hub-2025": (epa_hub.RELEASE, epa_hub.load_tables),
    "desnz-2025": (desnz.RELEASES[2025], lambda r: {FACTORS_TABLE: desnz.load(2025, r)}),
    "desnz-2026": (desnz.RELEASES[2026], lambda r: {FACTORS_TABLE: desnz.load(2026, r)}),
    "epa-scf-1.3.0": (
        epa_scf.RELEASES["1.3.0"],
        lambda r: {FACTORS_TABLE: epa_scf.load("1.3.0", r)},
    ),
    "epa-scf-1.2": (epa_scf.RELEASES["1.2"], lambda r: {FACTORS_TABLE: epa_scf.load("1.2", r)}),
    "owid-ember-2026": (grid.OWID_EMBER, lambda r: {FACTORS_TABLE: grid.load_owid(r)}),
    "mee-cn-2021-2023": (grid.CHINA_MEE, lambda r: {FACTORS_TABLE: grid.load_china(r)}),
    "egrid-states-2023": (grid.EGRID_STATES, lambda r: {FACTORS_TABLE: grid.load_egrid_states(r)}),
    "naics-concordances": (naics.RELEASE, naics.load_tables),
}


def packaged_dir() -> Path:
    """Folder of the packaged releases inside the installed package."""
    return Path(str(resources.files("carbonledger.factors").joinpath("releases")))


def build_release(release_id: str, root: Path | None = None) -> ReleaseBuild:
    """Build one release from the raw files (checksums verified first).

    Raises
    ------
    KeyError
        If the release is unknown (the message lists the known ones).
    """
    if release_id not in BUILDERS:
        raise KeyError(f"unknown release {release_id!r}; releases: {', '.join(BUILDERS)}")
    info, builder = BUILDERS[release_id]
    return ReleaseBuild(info, builder(root))


def _manifest(build: ReleaseBuild, root: Path | None) -> dict[str, Any]:
    sources = _sources()
    return {
        **asdict(build.info),
        "source_keys": list(build.info.source_keys),
        "sources": [
            {"key": k, "path": sources[k]["path"], "sha256": sha256_file(raw_file(k, root))}
            for k in build.info.source_keys
        ],
        "tables": {
            name: {"rows": table.num_rows, "sha256": sha256_bytes(parquet_bytes(table))}
            for name, table in sorted(build.tables.items())
        },
    }


def build_releases(
    target: Path | None = None, root: Path | None = None, releases: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Build releases from the raw files and write them as packaged folders.

    Parameters
    ----------
    target : Path, optional
        Folder to write into (default: the package's own ``factors/releases``).
    root : Path, optional
        Folder of raw publisher data.
    releases : list of str, optional
        Release ids (default: all of :data:`BUILDERS`).

    Returns
    -------
    dict
        Manifest of each release written.
    """
    out = target or packaged_dir()
    manifests = {}
    for release_id in releases or list(BUILDERS):
        build = build_release(release_id, root)
        manifests[release_id] = write_release(out, build, _manifest(build, root), replace=True)
    return manifests


def write_release(
    folder: Path, build: ReleaseBuild, manifest: dict[str, Any], replace: bool = False
) -> dict[str, Any]:
    """Write a release folder atomically: staged beside its target, then renamed into place.

    Parameters
    ----------
    folder : Path
        Folder of releases.
    build : ReleaseBuild
        The release's tables.
    manifest : dict
        Its manifest (written as ``manifest.json``).
    replace : bool, default False
        Replace an existing release of the same id (used when rebuilding packaged data);
        otherwise an existing release is an error, because releases are immutable.

    Raises
    ------
    FactorError
        If the release exists and ``replace`` is false.
    """
    target = folder / build.info.release_id
    if target.exists() and not replace:
        raise FactorError(
            f"release {build.info.release_id!r} already exists at {target}; "
            "releases are immutable, give the new one another id"
        )
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
    try:
        for name, table in build.tables.items():
            (staging / f"{name}.parquet").write_bytes(parquet_bytes(table))
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        (staging / MANIFEST).write_text(text, encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def verify_releases(root: Path | None = None, folder: Path | None = None) -> dict[str, list[str]]:
    """Rebuild every release in memory and compare it with the packaged one.

    Returns
    -------
    dict of str to list of str
        For each release, the differences found (empty when it matches).
    """
    packaged = folder or packaged_dir()
    report: dict[str, list[str]] = {}
    for release_id in BUILDERS:
        problems: list[str] = []
        manifest_path = packaged / release_id / MANIFEST
        if not manifest_path.is_file():
            report[release_id] = ["not packaged"]
            continue
        expected = json.loads(manifest_path.read_text("utf-8"))
        rebuilt = _manifest(build_release(release_id, root), root)
        for name, entry in rebuilt["tables"].items():
            stored = expected["tables"].get(name)
            if stored != entry:
                problems.append(f"table {name}: packaged {stored}, rebuilt {entry}")
            on_disk = packaged / release_id / f"{name}.parquet"
            if on_disk.is_file() and sha256_file(on_disk) != entry["sha256"]:
                problems.append(f"table {name}: file on disk does not match its manifest")
        for key in ("licence", "version", "url", "sources"):
            if expected.get(key) != rebuilt.get(key):
                problems.append(f"{key}: packaged {expected.get(key)}, rebuilt {rebuilt.get(key)}")
        report[release_id] = problems
    return report


def read_manifest(release_id: str, folder: Path | None = None) -> dict[str, Any]:
    """Read a packaged release's manifest.

    Raises
    ------
    FactorError
        If the release is not packaged.
    """
    path = (folder or packaged_dir()) / release_id / MANIFEST
    if not path.is_file():
        raise FactorError(f"release {release_id!r} is not packaged at {path.parent}")
    manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return manifest
