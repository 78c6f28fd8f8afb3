"""Material components of products and packages, as per-unit activity lines.

A component (a package's box, a device's battery) has a material, a mass per unit, a recycled
content and the end-of-life shares of the place where it is thrown away. It becomes:

- cradle-to-gate production: ``mass * (1 - recycled_content)`` against the material's virgin
  factor and ``mass * recycled_content`` against its closed-loop (recycled-source) factor, or the
  whole mass against the component's own ``material_key`` where one is given;
- end of life: ``mass * share`` for each of recycling, landfill and combustion, against the
  waste factors of the material (publishers' end-of-life factors, without credits for avoided
  production).

The shares must add up to one, so that no mass disappears unaccounted. The per-unit lines of
every item (package type, device model) form a small table that the methods join to the
counts of units, which is the "per-package factor table" applied to shipment counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa
import yaml

from carbonledger.errors import CarbonLedgerError
from carbonledger.options import SHARE_TOLERANCE
from carbonledger.units import conversion_factor

__all__ = [
    "END_OF_LIFE_ROUTES",
    "UNIT_LINE_SCHEMA",
    "materials",
    "unit_lines",
]

#: End-of-life routes with a share column ``<route>_share`` on component rows.
END_OF_LIFE_ROUTES = ("recycling", "landfill", "combustion")

#: Per-unit activity lines of items: kg of material per unit of the item, by factor key.
UNIT_LINE_SCHEMA = pa.schema(
    [
        ("item", pa.string()),
        ("line", pa.int64()),
        ("part", pa.string()),
        ("activity_key", pa.string()),
        ("kg_per_unit", pa.float64()),
    ]
)


@cache
def materials() -> dict[str, dict[str, str]]:
    """The material table (``methods/materials.yaml``)."""
    text = resources.files("carbonledger.methods").joinpath("materials.yaml").read_text("utf-8")
    table: dict[str, dict[str, str]] = yaml.safe_load(text)
    return table


def _material(name: str, item: str, kind: str) -> dict[str, str]:
    try:
        return materials()[name]
    except KeyError:
        raise CarbonLedgerError(
            f"{kind} {item!r}: unknown material {name!r}; known: {sorted(materials())} "
            "(or give material_key)"
        ) from None


def _component_lines(row: Mapping[str, Any], item: str, kind: str) -> list[tuple[str, str, float]]:
    """(part, activity key, kg per unit) of one component."""
    kg = row["mass"] * conversion_factor(row["mass_unit"], "kg")
    recycled = row.get("recycled_content") or 0.0
    material = _material(row["material"], item, kind)
    lines: list[tuple[str, str, float]] = []
    if row.get("material_key"):
        lines.append(("production", row["material_key"], kg))
    else:
        if recycled < 1:
            lines.append(
                (
                    "production",
                    f"{material['production']}/primary_material_production",
                    kg * (1 - recycled),
                )
            )
        if recycled > 0:
            lines.append(
                ("production", f"{material['production']}/closed-loop_source", kg * recycled)
            )
    shares = {route: row.get(f"{route}_share") or 0.0 for route in END_OF_LIFE_ROUTES}
    if abs(sum(shares.values()) - 1) > SHARE_TOLERANCE:
        raise CarbonLedgerError(
            f"{kind} {item!r}, component {row.get('component')!r}: end-of-life shares "
            f"{shares} add up to {sum(shares.values()):g}, expected 1"
        )
    lines += [
        ("end_of_life", f"waste/{material['waste']}/{route}", kg * share)
        for route, share in shares.items()
        if share > 0
    ]
    return lines


def unit_lines(rows: Iterable[Mapping[str, Any]], item_column: str, kind: str) -> pa.Table:
    """Per-unit lines of every item from its component rows.

    Parameters
    ----------
    rows : iterable of mapping
        Component rows (``material``, ``mass``, ``mass_unit``, ``recycled_content``,
        ``material_key``, the ``<route>_share`` columns).
    item_column : str
        Column naming the item (``package_type``, ``model``).
    kind : str
        Reference kind, for error messages.

    Returns
    -------
    pyarrow.Table
        :data:`UNIT_LINE_SCHEMA`; lines numbered per item in component order.

    Raises
    ------
    CarbonLedgerError
        For an unknown material or end-of-life shares that do not add up to one.
    """
    counters: dict[str, int] = {}
    out: list[dict[str, Any]] = []
    ordered = sorted(rows, key=lambda r: (r[item_column], r.get("component") or ""))
    for row in ordered:
        item = row[item_column]
        for part, key, kg in _component_lines(row, item, kind):
            line = counters.get(item, 0)
            counters[item] = line + 1
            out.append(
                {"item": item, "line": line, "part": part, "activity_key": key, "kg_per_unit": kg}
            )
    return pa.Table.from_pylist(out, schema=UNIT_LINE_SCHEMA)
