"""The thin orchestrator: one-shot calls composed of public steps.

``import_file`` is :func:`carbonledger.ingest.read_table`, then
:func:`carbonledger.validate.validate_table`, then :meth:`Workspace.store_batch`; ``estimate`` is
:func:`carbonledger.methods.calculate_activity` on one activity row. Callers may run the steps
themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from carbonledger.errors import ValidationError
from carbonledger.factors import (
    FactorLibrary,
    ReleaseInfo,
    Selection,
    SelectionPolicy,
    default_library,
    user_release,
    write_release,
)
from carbonledger.factors.releases import packaged_dir
from carbonledger.ingest import read_table
from carbonledger.methods import calculate_activity
from carbonledger.options import DEFAULT_GWP_SET
from carbonledger.schema import get_schema
from carbonledger.store import BatchInfo, StoredBatch, Workspace
from carbonledger.units import gwp_set_name
from carbonledger.validate import ValidationReport, validate_table

__all__ = [
    "USER_FACTORS_DIR",
    "Estimate",
    "ImportResult",
    "add_factor_release",
    "estimate",
    "import_file",
    "validate_file",
    "workspace_library",
]

#: Folder of a workspace that holds its users' factor releases.
USER_FACTORS_DIR = "factors"


@dataclass(frozen=True)
class ImportResult:
    """Outcome of an import.

    Attributes
    ----------
    batch : StoredBatch
        The batch holding the records.
    created : bool
        ``False`` when the same file (or the same content) was already stored.
    report : ValidationReport
        Findings, including warnings that did not stop the import.
    """

    batch: StoredBatch
    created: bool
    report: ValidationReport


def validate_file(
    kind: str, path: str | Path, sheet: str | None = None, strict: bool = False
) -> ValidationReport:
    """Validate a file as an activity kind without storing anything.

    Parameters
    ----------
    kind : str
        Activity kind (see :func:`carbonledger.schema.schema_kinds`).
    path : str or Path
        CSV, XLSX or Parquet file.
    sheet : str, optional
        Worksheet of a workbook.
    strict : bool, default False
        Count warnings as errors.
    """
    frame, meta = read_table(path, sheet)
    return validate_table(frame, meta, get_schema(kind), strict).report


def import_file(
    workspace: Workspace,
    kind: str,
    path: str | Path,
    sheet: str | None = None,
    strict: bool = False,
) -> ImportResult:
    """Read, validate and store a file as an immutable batch of one activity kind.

    Nothing is written unless every record passes; importing the same file again returns the
    existing batch.

    Raises
    ------
    ValidationError
        Carrying the :class:`ValidationReport` when the file breaks a rule.
    """
    schema = get_schema(kind)
    frame, meta = read_table(path, sheet)
    if existing := workspace.find_batch(kind, meta.sha256):
        return ImportResult(existing, False, ValidationReport(meta.path, kind, len(frame)))
    validated = validate_table(frame, meta, schema, strict)
    if validated.table is None:
        raise ValidationError(validated.report)
    info = BatchInfo(kind, meta.path, meta.sha256, meta.format, meta.encoding, meta.sheet)
    batch, created = workspace.store_batch(info, validated.table)
    return ImportResult(batch, created, validated.report)


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


def workspace_library(workspace: Workspace) -> FactorLibrary:
    """The packaged releases plus the workspace's own factor releases."""
    return FactorLibrary([packaged_dir(), workspace.root / USER_FACTORS_DIR])


def add_factor_release(
    workspace: Workspace, path: str | Path, info: ReleaseInfo, sheet: str | None = None
) -> dict[str, Any]:
    """Validate a ``user_factors`` file and add it to the workspace as an immutable release.

    Raises
    ------
    ValidationError
        With a report naming file, row and column when a row is invalid; nothing is written.
    FactorError
        If a release of that id already exists.
    """
    frame, meta = read_table(path, sheet)
    validated = validate_table(frame, meta, get_schema("user_factors"))
    if validated.table is None:
        raise ValidationError(validated.report)
    build, manifest = user_release(validated.table, info, meta.path, meta.sha256)
    return write_release(workspace.root / USER_FACTORS_DIR, build, manifest)
