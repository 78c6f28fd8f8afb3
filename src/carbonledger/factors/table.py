"""The canonical factor table and the builder every loader writes rows through.

A loader hands the builder what the publisher printed (value, numerator mass unit, gas,
denominator unit); the builder normalises the value to kg of gas per a canonical unit of the
denominator's dimension and derives a stable factor id. Units are converted by the package's one
registry, never by hand-written constants.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from carbonledger.errors import FactorError, UnitError
from carbonledger.schema import get_table_schema
from carbonledger.units import CURRENCIES, conversion_factor, dimension_key, gas_unit, parse_unit

__all__ = ["CANONICAL_UNITS", "FactorRow", "FactorTableBuilder", "ReleaseInfo", "factor_schema"]

#: Canonical denominator for each dimensionality: normalised values are kg of gas per this.
CANONICAL_UNITS: dict[str, str] = {
    dimension_key(u): u
    for u in (
        "kWh",
        "kg",
        "m ** 3",
        "km",
        "tkm",
        "vkm",
        "pkm",
        "room_night",
        "hour",
        "item",
        "m ** 2",
        *CURRENCIES,
    )
}


# Publishers round a factor restated in another unit (per km and per mile); copies that agree
# within this relative tolerance, or within the printed precision (five decimals in the
# published unit, as DESNZ prints), are the same factor.
_RESTATEMENT_TOLERANCE = 5e-3
_PRINTED_PRECISION = 1e-5


@dataclass(frozen=True)
class ReleaseInfo:
    """Identity of a factor release.

    Parameters
    ----------
    release_id : str
        Stable id (``desnz-2025``).
    publisher, dataset, version : str
        Who published what, in which version.
    published : str
        Publication date (ISO 8601).
    licence : str
        Licence of the data.
    url : str
        Where the publisher offers it.
    source_keys : tuple of str
        Raw files (keys of ``factors/sources.yaml``) the release is built from.
    notes : str
        Boundary and method notes that apply to every row.
    """

    release_id: str
    publisher: str
    dataset: str
    version: str
    published: str
    licence: str
    url: str
    source_keys: tuple[str, ...]
    notes: str = ""


@dataclass
class FactorRow:
    """One factor as a loader reads it from the publisher's file.

    Parameters
    ----------
    activity_key : str
        Canonical key.
    name : str
        Publisher's activity name.
    region : str
        Region code.
    year : int
        Year the factor is meant for.
    gas : str
        Gas (publisher spelling accepted) or ``CO2e``.
    original_value : float
        Value as published.
    numerator : str
        Mass unit of the published numerator (``kg``, ``g``, ``lb``, ``t``).
    denominator : str
        Unit of activity as a registry unit (``mmBtu``, ``vehicle_mile``).
    stage : str
        Life-cycle stage.
    source_location : str
        Sheet and cell, or file and row.
    gwp_set : str, optional
        GWP set of a CO2e value.
    heating_value_basis : str, optional
        ``HHV`` or ``LHV`` for energy denominators.
    variant : str, optional
        Publisher variant.
    name_zh : str, optional
        Chinese name.
    boundary_notes : str, optional
        Row-specific notes.
    original_unit : str, optional
        The unit text exactly as published (default: numerator gas / denominator).
    scale : float, default 1
        Multiplier from the printed value to the mass of gas, where the publisher prints
        something else (DESNZ prints CH4 and N2O as CO2e under AR5: scale is 1 / GWP).
    distance_uplift : float, optional
        Fraction by which the factor already lengthens a great-circle distance, as the
        publisher states it (DESNZ flights: 0.08).
    """

    activity_key: str
    name: str
    region: str
    year: int
    gas: str
    original_value: float
    numerator: str
    denominator: str
    stage: str
    source_location: str
    gwp_set: str | None = None
    heating_value_basis: str | None = None
    variant: str | None = None
    name_zh: str | None = None
    boundary_notes: str | None = None
    original_unit: str | None = None
    scale: float = 1
    distance_uplift: float | None = None


def factor_schema() -> pa.Schema:
    """Arrow schema of the canonical factor table (from ``schema/tables/factors.yaml``)."""
    return get_table_schema("factors").arrow_schema()


@dataclass
class FactorTableBuilder:
    """Collects :class:`FactorRow` objects of one release and builds the canonical table."""

    release: ReleaseInfo
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: Side tables of the release that are not factors (heat contents, grid losses ...).
    extras: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Rows that restated a factor already added in another unit (e.g. per mile vs per km).
    restated: list[str] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def add(self, row: FactorRow) -> None:
        """Normalise and append one factor.

        Raises
        ------
        FactorError
            Naming the source location when a unit or gas cannot be understood.
        """
        try:
            gas = "CO2e" if row.gas == "CO2e" else gas_unit(row.gas)
            denominator = parse_unit(row.denominator)
            dimension = dimension_key(denominator)
            canonical = CANONICAL_UNITS.get(dimension)
            if canonical is None:
                raise UnitError(f"no canonical unit for dimension {dimension}")
            factor = conversion_factor(
                f"{row.numerator} {gas} / ({row.denominator})", f"kg {gas} / ({canonical})"
            )
        except UnitError as exc:
            raise FactorError(f"{self.release.release_id} {row.source_location}: {exc}") from None
        original_unit = row.original_unit or f"{row.numerator} {row.gas} / {row.denominator}"
        identity = "|".join(
            str(p)
            for p in (
                row.activity_key,
                row.region,
                row.year,
                gas,
                row.stage,
                canonical,
                row.heating_value_basis,
                row.variant,
                row.gwp_set,
            )
        )
        digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
        value = float(row.original_value) * row.scale * factor
        if (earlier := self._index.get(digest)) is not None:
            first = self.rows[earlier]
            # both copies rounded to the printed precision
            printed_precision = _PRINTED_PRECISION * (1 + factor) * row.scale
            if not math.isclose(
                first["value"], value, rel_tol=_RESTATEMENT_TOLERANCE, abs_tol=printed_precision
            ):
                raise FactorError(
                    f"{self.release.release_id}: {row.source_location} gives {row.activity_key} "
                    f"{row.region} {row.year} {gas} as {value:.6g} per {canonical}, but "
                    f"{first['source_location']} gives {first['value']:.6g}"
                )
            self.restated.append(row.source_location)
            return
        self._index[digest] = len(self.rows)
        self.rows.append(
            {
                "factor_id": f"{self.release.release_id}:{digest}",
                "release_id": self.release.release_id,
                "publisher": self.release.publisher,
                "licence": self.release.licence,
                "activity_key": row.activity_key,
                "name": row.name,
                "name_zh": row.name_zh,
                "region": row.region,
                "year": int(row.year),
                "unit": canonical,
                "unit_dimension": dimension,
                "gas": gas,
                "gwp_set": row.gwp_set,
                "value": value,
                "stage": row.stage,
                "heating_value_basis": row.heating_value_basis,
                "variant": row.variant,
                "original_value": float(row.original_value),
                "original_unit": original_unit,
                "boundary_notes": row.boundary_notes or self.release.notes or None,
                "source_location": row.source_location,
                "distance_uplift": row.distance_uplift,
            }
        )

    def table(self) -> pa.Table:
        """The canonical table, sorted by key, region, year, stage, unit and gas."""
        ordered = sorted(
            self.rows,
            key=lambda r: (
                r["activity_key"],
                r["region"],
                r["year"],
                r["stage"],
                r["unit"],
                r["gas"],
                r["variant"] or "",
            ),
        )
        return pa.Table.from_pylist(ordered, schema=factor_schema())
