"""The factor library: every packaged (and user) release, searchable and selectable."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from carbonledger.engine import sql_connection
from carbonledger.errors import FactorError, FactorNotFoundError
from carbonledger.factors.releases import BUILDERS, FACTORS_TABLE, MANIFEST, packaged_dir
from carbonledger.factors.selection import Selection, SelectionPolicy, select_factors
from carbonledger.factors.table import factor_schema
from carbonledger.schema import conform
from carbonledger.units import dimension_key

__all__ = ["FactorLibrary", "default_library"]

_CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def _zh_terms() -> dict[str, list[str]]:
    text = resources.files("carbonledger.factors").joinpath("names_zh.yaml").read_text("utf-8")
    terms: dict[str, list[str]] = yaml.safe_load(text)
    return terms


class FactorLibrary:
    """Factor releases read from release folders (packaged ones, then users' own).

    Parameters
    ----------
    folders : sequence of Path
        Folders each holding release sub-folders with a ``manifest.json``, or release folders
        themselves (a folder with its own ``manifest.json``).

    Examples
    --------
    >>> library = default_library()
    >>> "desnz-2025" in library.release_ids
    True
    """

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = tuple(folders)

    @cached_property
    def _release_folders(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for folder in self.folders:
            own = folder / MANIFEST
            for manifest in [own] if own.is_file() else sorted(folder.glob(f"*/{MANIFEST}")):
                release_id = manifest.parent.name
                if release_id in found:
                    raise FactorError(
                        f"release {release_id!r} found twice: "
                        f"{found[release_id]} and {manifest.parent}"
                    )
                found[release_id] = manifest.parent
        return found

    @property
    def release_ids(self) -> list[str]:
        """Ids of every release, sorted."""
        return sorted(self._release_folders)

    def manifest(self, release_id: str) -> dict[str, Any]:
        """Manifest of one release.

        Raises
        ------
        KeyError
            If the release is unknown (the message lists the known ones).
        """
        if release_id not in self._release_folders:
            raise KeyError(f"unknown release {release_id!r}; releases: {self.release_ids}")
        manifest: dict[str, Any] = json.loads(
            (self._release_folders[release_id] / MANIFEST).read_text("utf-8")
        )
        return manifest

    def manifests(self) -> list[dict[str, Any]]:
        """Manifests of every release."""
        return [self.manifest(r) for r in self.release_ids]

    def table(self, release_id: str, name: str = FACTORS_TABLE) -> pa.Table:
        """One table of one release (``factors`` or a side table such as ``refrigerant_blends``).

        Raises
        ------
        KeyError
            If the release has no such table.
        """
        tables = self.manifest(release_id)["tables"]
        if name not in tables:
            raise KeyError(f"release {release_id!r} has no table {name!r}; tables: {list(tables)}")
        return pq.read_table(self._release_folders[release_id] / f"{name}.parquet")

    @cached_property
    def factors(self) -> pa.Table:
        """Every factor of every release, in one canonical table."""
        parts = [
            conform(self.table(r), factor_schema())
            for r in self.release_ids
            if FACTORS_TABLE in self.manifest(r)["tables"]
        ]
        table = pa.concat_tables(parts) if parts else factor_schema().empty_table()
        return _with_dimension_keys(table)

    def get(self, factor_id: str) -> dict[str, Any]:
        """One factor row by id, with its release's manifest entries.

        Raises
        ------
        FactorNotFoundError
            If no factor has that id.
        """
        rows = self._query("SELECT * FROM factors WHERE factor_id = ?", [factor_id])
        if not rows:
            raise FactorNotFoundError(f"no factor {factor_id!r}")
        row = rows[0]
        manifest = self.manifest(row["release_id"])
        row["release"] = {
            k: manifest[k]
            for k in ("publisher", "dataset", "version", "published", "licence", "url")
        }
        return row

    def search(
        self, text: str, region: str | None = None, year: int | None = None, limit: int = 50
    ) -> list[dict[str, Any]]:
        """Find factors whose key or name matches every word of ``text``.

        Chinese words are translated through ``names_zh.yaml`` and also matched against
        Chinese names.

        Parameters
        ----------
        text : str
            Words (English or Chinese) such as ``"natural gas"`` or ``"天然气"``.
        region : str, optional
            Only this region.
        year : int, optional
            Only this year.
        limit : int, default 50
            Most rows returned.
        """
        clauses: list[str] = []
        params: list[Any] = []
        for word in text.split():
            alternatives = [word]
            if _CJK.search(word):
                alternatives += [
                    t for zh, terms in _zh_terms().items() if zh in word for t in terms
                ]
            ors = []
            for alternative in alternatives:
                pattern = f"%{alternative.replace(' ', '_')}%"
                ors.append("(activity_key ILIKE ? OR name ILIKE ? OR coalesce(name_zh, '') LIKE ?)")
                params += [pattern, f"%{alternative}%", f"%{alternative}%"]
            clauses.append("(" + " OR ".join(ors) + ")")
        if region:
            clauses.append("region = ?")
            params.append(region)
        if year is not None:
            clauses.append("year = ?")
            params.append(year)
        where = " AND ".join(clauses) or "TRUE"
        query = (
            f"SELECT * FROM factors WHERE {where} "
            f"ORDER BY activity_key, region, year DESC, stage, gas LIMIT {int(limit)}"
        )
        return self._query(query, params)

    @property
    def default_release_order(self) -> tuple[str, ...]:
        """Release priority when a policy names none: users' own releases first (they are the
        organisation's specific data), then the packaged ones in :data:`BUILDERS` order, which
        puts per-gas publishers ahead of CO2e-only files for the same region and year."""
        packaged = [r for r in BUILDERS if r in self._release_folders]
        users = [r for r in self.release_ids if r not in BUILDERS]
        return (*users, *packaged)

    def select(self, requests: pa.Table, policy: SelectionPolicy | None = None) -> Selection:
        """Select the best factor per request (see :func:`select_factors`)."""
        policy = policy or SelectionPolicy()
        if policy.releases is None:
            policy = replace(policy, releases=self.default_release_order)
        return select_factors(requests, self.factors, policy)

    def _query(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        con = sql_connection()
        try:
            con.register("factors", self.factors)
            result: list[dict[str, Any]] = con.sql(sql, params=params).to_arrow_table().to_pylist()
        finally:
            con.close()
        return result


@cache
def default_library() -> FactorLibrary:
    """The library of the releases packaged with carbonledger."""
    return FactorLibrary([packaged_dir()])


def _with_dimension_keys(table: pa.Table) -> pa.Table:
    """The table with ``unit_dimension`` in the one order of :func:`dimension_key` (releases
    written before it hold pint's order of the day)."""
    column = table["unit_dimension"].combine_chunks().dictionary_encode()
    keys = pa.array([dimension_key(d) for d in column.dictionary.to_pylist()], pa.string())
    index = table.schema.get_field_index("unit_dimension")
    fixed = pa.DictionaryArray.from_arrays(column.indices, keys).cast(pa.string())
    return table.set_column(index, "unit_dimension", fixed)
