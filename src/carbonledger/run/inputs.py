"""A run's inputs, gathered once: the verified batch files of every method's kind and the
merged reference tables.

The one :class:`RunInputs` object serves the calculation, the inventory, the reports, the
forecast and the evidence pack alike, so nothing reads a reference table twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa

from carbonledger.errors import CarbonLedgerError
from carbonledger.ingest import read_table
from carbonledger.schema import conform, get_schema
from carbonledger.store import Workspace
from carbonledger.validate import SOURCE_ROW, validate_table

__all__ = [
    "OPTIONAL_KINDS",
    "REFERENCE_KINDS",
    "RunInputs",
    "default_spend_mapping",
    "gather_inputs",
    "read_reference",
    "with_default_mapping",
]

#: Kinds read as reference tables (merged across batches) rather than calculated.
REFERENCE_KINDS = (
    "facilities",
    "entities",
    "electricity_prices",
    "energy_instruments",
    "spend_mapping",
    "spend_coverage",
    "fx_rates",
    "price_index",
    "package_types",
    "device_models",
    "denominators",
    "base_year_events",
    "allocation_keys",
)
#: Reference kinds that may be absent: an empty table stands for them, so the methods still run.
OPTIONAL_KINDS = (
    "energy_instruments",
    "electricity_prices",
    "spend_coverage",
    "denominators",
    "base_year_events",
    "allocation_keys",
)
_DEFAULT_SPEND_MAPPING = ("data", "spend_mapping_default.csv")


@dataclass
class RunInputs:
    """What a run reads.

    Attributes
    ----------
    batches : dict of str to list of (str, Path or pyarrow.Table)
        For each activity kind, its batches as ``(batch_id, verified parquet path)``, or as
        ``(batch_id, table)`` for records held in memory (see
        :func:`~carbonledger.run.calculate_tables`).
    references : dict of str to pyarrow.Table
        Reference tables by kind (facilities, entities, prices, mappings ...).
    period : str, optional
        ``YYYY`` or ``YYYY-MM``: only activity of that period.
    """

    batches: dict[str, list[tuple[str, Path | pa.Table]]]
    references: dict[str, pa.Table] = field(default_factory=dict)
    period: str | None = None

    @property
    def entities(self) -> pa.Table:
        """The entities table (the organisational boundary needs it).

        Raises
        ------
        CarbonLedgerError
            If no entities were imported.
        """
        if "entities" not in self.references:
            raise CarbonLedgerError("no entities imported: the organisational boundary needs them")
        return self.references["entities"]

    def reference(self, kind: str) -> pa.Table:
        """The reference table of ``kind``, or an empty one with its schema's columns where
        none was imported (a workspace without facilities, allocation keys ...)."""
        table = self.references.get(kind)
        return table if table is not None else get_schema(kind).arrow_schema().empty_table()

    def names(self, kind: str, key: str) -> dict[str, str]:
        """Id -> name of a reference table (empty if not imported)."""
        table = self.references.get(kind)
        if table is None:
            return {}
        return dict(zip(table[key].to_pylist(), table["name"].to_pylist(), strict=True))


def gather_inputs(
    workspace: Workspace, activity_kinds: Iterable[str], period: str | None = None
) -> RunInputs:
    """The batches of the activity kinds and the merged reference tables of a workspace.

    Every batch file is checked against its content hash on the way.

    Raises
    ------
    CarbonLedgerError
        If two batches of a reference kind define the same key (e.g. one facility twice).
    IntegrityError
        If a stored batch no longer matches its hash (naming the batch).
    """
    batches = {kind: workspace.batch_paths(kind) for kind in dict.fromkeys(activity_kinds)}
    references: dict[str, pa.Table] = {}
    for kind in REFERENCE_KINDS:
        stored = workspace.batches(kind)
        if stored:
            references[kind] = _merge(kind, [workspace.read_batch(b.batch_id) for b in stored])
    references["spend_mapping"] = with_default_mapping(references.get("spend_mapping"))
    for kind in OPTIONAL_KINDS:
        if kind not in references:
            schema = get_schema(kind).arrow_schema().append(pa.field(SOURCE_ROW, pa.int64()))
            references[kind] = schema.empty_table()
    return RunInputs(batches, references, period)


def read_reference(workspace: Workspace, kind: str) -> pa.Table:
    """The merged batches of a table kind that is not a run's input (targets, measures ...):
    every batch checked against its hash; an empty table of the kind's schema where none was
    imported.

    Raises
    ------
    CarbonLedgerError
        If two batches define the same key.
    """
    stored = workspace.batches(kind)
    if stored:
        return _merge(kind, [workspace.read_batch(b.batch_id) for b in stored])
    return get_schema(kind).arrow_schema().append(pa.field(SOURCE_ROW, pa.int64())).empty_table()


def with_default_mapping(user: pa.Table | None) -> pa.Table:
    """The spend mapping a run uses: the user's rows, and the packaged default's rows for every
    key (``match_field``, ``match_value``) the user's rows do not name. A one-row user mapping
    thus changes one rule and keeps the rest of the default."""
    default = default_spend_mapping()
    if user is None or not user.num_rows:
        return default
    named = set(zip(user["match_field"].to_pylist(), user["match_value"].to_pylist(), strict=True))
    keep = [
        (f, v) not in named
        for f, v in zip(
            default["match_field"].to_pylist(), default["match_value"].to_pylist(), strict=True
        )
    ]
    rest = default.filter(pa.array(keep, pa.bool_())).cast(user.schema)
    return pa.concat_tables([user, rest])


def default_spend_mapping() -> pa.Table:
    """The packaged default spend mapping, read and validated like a user's file."""
    path = resources.files("carbonledger").joinpath(*_DEFAULT_SPEND_MAPPING)
    with resources.as_file(path) as file:
        frame, meta = read_table(file)
        validated = validate_table(frame, meta, get_schema("spend_mapping"), strict=True)
    validated.report.raise_if_failed(strict=True)
    assert validated.table is not None
    return validated.table


def _merge(kind: str, tables: list[pa.Table]) -> pa.Table:
    merged = pa.concat_tables([_with_new_columns(kind, t) for t in tables])
    key = list(get_schema(kind).primary_key)
    seen: set[tuple[Any, ...]] = set()
    for row in merged.select(key).to_pylist():
        value = tuple(row.values())
        if value in seen:
            raise CarbonLedgerError(f"{kind}: {dict(row)} is defined in more than one batch")
        seen.add(value)
    return merged


def _with_new_columns(kind: str, table: pa.Table) -> pa.Table:
    """A batch stored before an optional column joined its schema, with that column empty."""
    return conform(table, get_schema(kind).arrow_schema(), keep_extra=True)
