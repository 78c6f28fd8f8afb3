"""Jobs on emission factors: the library of a workspace, one-off estimates, a user's release."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from carbonledger.errors import FactorNotFoundError, ValidationError
from carbonledger.factors import (
    DEFAULT_STAGE_ORDER,
    FactorLibrary,
    ReleaseInfo,
    Selection,
    SelectionPolicy,
    build_releases,
    default_library,
    raw_data_dir,
    user_release,
    verify_releases,
    write_release,
)
from carbonledger.ingest import read_table
from carbonledger.methods import calculate_activity
from carbonledger.options import DEFAULT_GWP_SET
from carbonledger.run import workspace_library
from carbonledger.schema import get_schema
from carbonledger.store import CONFIG_FILE, Workspace
from carbonledger.units import gwp_set_name
from carbonledger.validate import validate_table

__all__ = [
    "DEFAULT_STAGE_ORDER",
    "Estimate",
    "FactorLibrary",
    "ReleaseInfo",
    "SelectionPolicy",
    "add_factor_release",
    "build_factor_releases",
    "estimate",
    "estimate_many",
    "factor_library",
    "verify_factor_releases",
    "workspace_library",
]


def factor_library(folder: str | Path | None = None) -> FactorLibrary:
    """The factor library seen from a folder: a workspace's (packaged releases plus its own),
    or the packaged releases where the folder holds no workspace."""
    if folder is not None and (Path(folder) / CONFIG_FILE).is_file():
        return workspace_library(Workspace.open(folder))
    return default_library()


@dataclass(frozen=True)
class Estimate:
    """One activity's emissions, gas by gas.

    Attributes
    ----------
    rows : list of dict
        Per gas: mass [kg], CO2e [kg], factor id, release, match level, year gap, stage.
    co2e : float
        Total [kg CO2e] (biogenic CO2 excluded).
    biogenic_co2 : float
        Biogenic CO2 reported apart [kg].
    gwp_set : str
        GWP set requested.
    """

    rows: list[dict[str, Any]]
    co2e: float
    biogenic_co2: float
    gwp_set: str

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON output."""
        return {
            "co2e_kg": self.co2e,
            "biogenic_co2_kg": self.biogenic_co2,
            "gwp_set": self.gwp_set,
            "gases": self.rows,
        }


def estimate(
    activity_key: str,
    quantity: float,
    unit: str,
    region: str = "WORLD",
    year: int | None = None,
    gwp_set: str = DEFAULT_GWP_SET,
    heating_value_basis: str | None = None,
    policy: SelectionPolicy | None = None,
    library: FactorLibrary | None = None,
) -> Estimate:
    """Estimate one activity through the same method code the engine uses.

    Parameters
    ----------
    activity_key : str
        Factor key such as ``fuel/natural_gas`` (see ``carbonledger factors search``).
    quantity : float
        Amount of activity, in ``unit``.
    unit : str
        Unit of ``quantity`` (``therm``, ``L``, ``kWh``, ``tkm`` ...).
    region : str, default "WORLD"
        Where the activity took place (``US``, ``CN-GD``, ``EGRID-CAMX`` ...).
    year : int, optional
        Year of the activity (default: the current year; older factors are used by policy).
    gwp_set : str
        GWP set for CO2e.
    heating_value_basis : {"HHV", "LHV"}, optional
        Basis of an energy quantity.
    policy : SelectionPolicy, optional
        Selection policy.
    library : FactorLibrary, optional
        Factor library (default: the packaged releases).

    Raises
    ------
    FactorNotFoundError
        If no factor qualifies under the policy.

    Examples
    --------
    >>> round(estimate("fuel/natural_gas", 1000, "therm", "US", 2025,
    ...                heating_value_basis="HHV").co2e, 2)
    5311.45
    """
    activity = pa.table(
        {
            "request_id": [0],
            "activity_key": [activity_key],
            "region": [region],
            "year": [year if year is not None else datetime.now(UTC).year],
            "quantity": [float(quantity)],
            "unit": [unit],
            "heating_value_basis": pa.array([heating_value_basis], pa.string()),
        }
    )
    result = calculate_activity(activity, library or default_library(), gwp_set, policy)
    if result.missing.num_rows:
        Selection(result.rows, result.missing).raise_if_missing()
    rows = result.rows.to_pylist()
    return Estimate(
        rows=rows,
        co2e=sum(r["co2e"] or 0.0 for r in rows),
        biogenic_co2=sum(r["mass"] for r in rows if r["biogenic"]),
        gwp_set=gwp_set_name(gwp_set),
    )


def estimate_many(
    requests: list[tuple[str, float, str, str, int]],
    gwp_set: str = DEFAULT_GWP_SET,
    policy: SelectionPolicy | None = None,
    library: FactorLibrary | None = None,
) -> list[Estimate | FactorNotFoundError]:
    """:func:`estimate` for many ``(activity_key, quantity, unit, region, year)`` requests in
    one selection: each request's estimate, or the error saying why no factor qualifies."""
    activity = pa.table(
        {
            "request_id": list(range(len(requests))),
            "activity_key": [r[0] for r in requests],
            "region": [r[3] for r in requests],
            "year": [r[4] for r in requests],
            "quantity": [float(r[1]) for r in requests],
            "unit": [r[2] for r in requests],
            "heating_value_basis": pa.array([None] * len(requests), pa.string()),
        }
    )
    result = calculate_activity(activity, library or default_library(), gwp_set, policy)
    rows: dict[int, list[dict[str, Any]]] = {}
    for row in result.rows.to_pylist():
        rows.setdefault(row["request_id"], []).append(row)
    errors: dict[int, FactorNotFoundError] = {}
    for i, rid in enumerate(result.missing["request_id"].to_pylist()):
        try:
            Selection(result.rows.slice(0, 0), result.missing.slice(i, 1)).raise_if_missing()
        except FactorNotFoundError as exc:
            errors[rid] = exc
    return [
        errors[i]
        if i in errors
        else Estimate(
            rows=rows.get(i, []),
            co2e=sum(r["co2e"] or 0.0 for r in rows.get(i, [])),
            biogenic_co2=sum(r["mass"] for r in rows.get(i, []) if r["biogenic"]),
            gwp_set=gwp_set_name(gwp_set),
        )
        for i in range(len(requests))
    ]


def add_factor_release(
    workspace: Workspace, path: str | Path, info: ReleaseInfo, sheet: str | None = None
) -> dict[str, Any]:
    """Validate a ``user_factors`` file and add it to the workspace as an immutable release,
    through the store's write path (a metadata row and an event with the release).

    Raises
    ------
    ValidationError
        With a report naming file, row and column when a row is invalid; nothing is written.
    WorkspaceError
        If a release of that id already exists.
    """
    frame, meta = read_table(path, sheet)
    validated = validate_table(frame, meta, get_schema("user_factors"))
    if validated.table is None:
        raise ValidationError(validated.report)
    build, manifest = user_release(validated.table, info, meta.path, meta.sha256)
    written: dict[str, Any] = {}

    def write(folder: Path) -> None:
        written.update(write_release(folder, build, manifest))

    workspace.store_factor_release(
        {
            "release_id": info.release_id,
            "publisher": info.publisher,
            "version": info.version,
            "licence": info.licence,
        },
        write,
    )
    return written


def build_factor_releases(
    out: str | Path | None = None, raw: str | Path | None = None
) -> dict[str, dict[str, Any]]:
    """Rebuild the packaged releases from the publishers' files (checksums verified); their
    manifests by release id. ``raw`` defaults to ``shared/data`` beside the project."""
    return build_releases(Path(out) if out else None, Path(raw) if raw else raw_data_dir())


def verify_factor_releases(raw: str | Path | None = None) -> dict[str, list[str]]:
    """Rebuild every release in memory and list how each differs from the packaged one."""
    return verify_releases(Path(raw) if raw else raw_data_dir())
