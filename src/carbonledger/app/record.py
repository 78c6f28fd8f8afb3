"""Estimate one activity record (a transport leg, a package, a flight) with the full methods.

The record is given as field values, validated against its kind's schema exactly as an
imported file row is, and run through every method that reads that kind with the reference
engine, so a single leg gets its tank-to-wheel, well-to-tank and any vehicle stage, a package its
materials and end of life. Reference tables come from a workspace where one is open (its
facilities, entities, package types ...), from files given for them, and, where the record
names no facility or entity, from a stand-in of the given country.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from carbonledger.errors import CarbonLedgerError, ValidationError
from carbonledger.factors import FactorLibrary, SelectionPolicy, default_library
from carbonledger.ingest import read_table
from carbonledger.methods import FactorContext, registered_methods
from carbonledger.options import DEFAULT_GWP_SET, WorkspaceConfig
from carbonledger.run import (
    REFERENCE_KINDS,
    RunInputs,
    reference_ledger,
    with_default_mapping,
    workspace_inputs,
    workspace_library,
    workspace_policy,
)
from carbonledger.schema import conform, get_schema
from carbonledger.store import Workspace
from carbonledger.validate import validate_table

__all__ = ["STAND_IN", "estimate_one_record", "estimate_record"]

#: Identifier of the stand-in entity and facility of a record that names none.
STAND_IN = "estimate"


def _validated(kind: str, rows: list[dict[str, Any]], folder: Path, name: str) -> pa.Table:
    path = folder / f"{name}.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    frame, meta = read_table(path)
    validated = validate_table(frame, meta, get_schema(kind))
    if validated.table is None:
        raise ValidationError(validated.report)
    return validated.table


def _defaults(kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Identifiers and month a one-off record does not need to name."""
    names = {c.name for c in get_schema(kind).columns}
    defaults = {
        "record_id": STAND_IN,
        "shipment_id": STAND_IN,
        "entity_id": STAND_IN,
        "facility_id": STAND_IN,
        "period": datetime.now(UTC).strftime("%Y-%m"),
    }
    return {k: v for k, v in defaults.items() if k in names and k not in fields} | dict(fields)


def _stand_ins(country: str | None, folder: Path) -> dict[str, pa.Table]:
    if country is None:
        return {}
    entity = {
        "entity_id": STAND_IN,
        "name": STAND_IN,
        "country": country,
        "equity_share": 1,
        "financial_control": True,
        "operational_control": True,
    }
    facility = {
        "facility_id": STAND_IN,
        "entity_id": STAND_IN,
        "name": STAND_IN,
        "facility_type": "other",
        "country": country,
    }
    return {
        "entities": _validated("entities", [entity], folder, "entities"),
        "facilities": _validated("facilities", [facility], folder, "facilities"),
    }


def estimate_record(
    kind: str,
    fields: Mapping[str, Any],
    *,
    country: str | None = None,
    references: Mapping[str, pa.Table] | None = None,
    library: FactorLibrary | None = None,
    gwp_set: str = DEFAULT_GWP_SET,
    policy: SelectionPolicy | None = None,
) -> pa.Table:
    """Ledger rows of one record of ``kind`` from every method that reads that kind.

    Parameters
    ----------
    kind : str
        Activity kind (``transport_legs``, ``packaging_use``, ``business_travel`` ...).
    fields : mapping
        Column values as text or numbers; ``record_id``, ``entity_id``, ``facility_id``,
        ``shipment_id`` and ``period`` default to a stand-in and the current month.
    country : str, optional
        Country of the stand-in entity and facility (ISO 3166 alpha-2).
    references : mapping of str to pyarrow.Table, optional
        Reference tables (a workspace's, or files read for the purpose); stand-ins are added
        under them.
    library : FactorLibrary, optional
        Default: the packaged releases.
    gwp_set : str
    policy : SelectionPolicy, optional
        The workspace's selection policy (:func:`carbonledger.run.workspace_policy`); default:
        that of a workspace with default settings.

    Returns
    -------
    pyarrow.Table
        Ledger rows (``schema/tables/ledger.yaml``), one per method, line, stage and gas.

    Raises
    ------
    ValidationError
        If the record breaks its schema (the report names the column).
    CarbonLedgerError
        If no method reads the kind, or a reference it needs is missing.
    FactorNotFoundError
        If no factor qualifies.
    """
    methods = [m for m in registered_methods() if m.kind == kind]
    if not methods:
        kinds = sorted({m.kind for m in registered_methods()})
        raise CarbonLedgerError(f"no method reads {kind!r}; kinds with methods: {kinds}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        record = _validated(kind, [_defaults(kind, fields)], folder, kind)
        tables = dict(references or {})
        tables["spend_mapping"] = with_default_mapping(tables.get("spend_mapping"))
        tables |= {
            name: get_schema(name).arrow_schema().empty_table()
            for name in REFERENCE_KINDS
            if name not in tables
        }
        tables = _aligned(tables)
        for name, stand_in in _aligned(_stand_ins(country, folder)).items():
            tables[name] = pa.concat_tables([tables[name], stand_in])
        inputs = RunInputs({kind: [(STAND_IN, record)]}, tables)
        chosen = policy or workspace_policy(WorkspaceConfig(organisation="-", gwp_set=gwp_set))
        context = FactorContext(library or default_library(), gwp_set, chosen)
        return reference_ledger(methods, inputs, context, STAND_IN)


def _aligned(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Reference tables with exactly their schema's columns, so that they concatenate."""
    aligned = {}
    for name, table in tables.items():
        if name in REFERENCE_KINDS:
            aligned[name] = conform(table, get_schema(name).arrow_schema())
        else:
            aligned[name] = table
    return aligned


def estimate_one_record(
    kind: str,
    fields: Mapping[str, Any],
    *,
    workspace: Workspace | None = None,
    country: str | None = None,
    reference_files: Mapping[str, str | Path] | None = None,
    gwp_set: str = DEFAULT_GWP_SET,
) -> pa.Table:
    """:func:`estimate_record` with a workspace's references, factors, proxies and GWP set
    where one is given, and reference tables read (and validated) from files.

    Raises
    ------
    ValidationError
        If a reference file or the record breaks its schema.
    """
    references: dict[str, pa.Table] = {}
    library: FactorLibrary | None = None
    policy = None
    if workspace is not None:
        references = workspace_inputs(workspace).references
        library = workspace_library(workspace)
        policy, gwp_set = workspace_policy(workspace.config), workspace.config.gwp_set
    for reference_kind, path in (reference_files or {}).items():
        frame, meta = read_table(path)
        validated = validate_table(frame, meta, get_schema(reference_kind))
        if validated.table is None:
            raise ValidationError(validated.report)
        references[reference_kind] = validated.table
    return estimate_record(
        kind,
        fields,
        country=country,
        references=references,
        library=library,
        gwp_set=gwp_set,
        policy=policy,
    )
