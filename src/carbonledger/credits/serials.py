"""Serial numbers of carbon credits: parse a registry's serial range into a block, split it,
and check blocks for overlap.

A **block** is an issuance (every field of the serial but the range: registry, project,
vintage, batch ...) and an inclusive range of credit numbers, ``start`` to ``end``; it holds
``end - start + 1`` credits of 1 t CO2e each. Formats are data
(``credits/serial_formats.yaml``).

Examples
--------
>>> block = parse_serial("0001-000001-000100-VCS-VCU-003-VER-US-0003-01012020-31122020-1")
>>> block.quantity, block.vintage
(100, 2020)
>>> first, rest = block.split(40)
>>> first.serial, rest.start
('0001-000001-000040-VCS-VCU-003-VER-US-0003-01012020-31122020-1', 41)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from carbonledger.errors import CarbonLedgerError

__all__ = ["SerialBlock", "SerialError", "parse_serial", "serial_formats"]


class SerialError(CarbonLedgerError):
    """A serial that no registry format reads, or an operation a block cannot take."""


@cache
def _packaged_formats() -> dict[str, dict[str, Any]]:
    path = resources.files("carbonledger.credits").joinpath("serial_formats.yaml")
    return dict(yaml.safe_load(path.read_text("utf-8")))


def serial_formats(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The registries' serial formats by registry id (packaged, plus a user's file)."""
    formats = dict(_packaged_formats())
    if path is not None:
        formats |= yaml.safe_load(Path(path).read_text("utf-8"))
    return formats


@dataclass(frozen=True, order=True)
class SerialBlock:
    """An inclusive range of credits of one issuance.

    Attributes
    ----------
    registry : str
        Registry id (``verra``, ``acr``, ``car`` ...).
    issuance : tuple of (str, str)
        The serial's fields other than the range, in the format's order.
    start, end : int
        First and last credit number.
    template : str
        The serial with ``{start}`` and ``{end}`` in place of the range (zero padding kept).
    vintage : int or None
    """

    registry: str
    issuance: tuple[tuple[str, str], ...]
    start: int
    end: int
    template: str
    vintage: int | None = None

    @property
    def quantity(self) -> int:
        """Credits in the block [t CO2e]."""
        return self.end - self.start + 1

    @property
    def serial(self) -> str:
        """The block's serial range as the registry writes it."""
        return self.template.format(start=self.start, end=self.end)

    def overlaps(self, other: SerialBlock) -> bool:
        """Whether the two blocks share a credit (same issuance, intersecting ranges)."""
        same = (self.registry, self.issuance) == (other.registry, other.issuance)
        return same and self.start <= other.end and other.start <= self.end

    def split(self, quantity: int) -> tuple[SerialBlock, SerialBlock]:
        """The first ``quantity`` credits and the rest, as two blocks.

        Raises
        ------
        SerialError
            Unless 0 < quantity < the block's quantity.
        """
        if not 0 < quantity < self.quantity:
            raise SerialError(
                f"cannot split {quantity} credits off {self.serial} ({self.quantity} credits): "
                f"a split leaves both parts at least one credit"
            )
        cut = self.start + quantity - 1
        return replace(self, end=cut), replace(self, start=cut + 1)


def parse_serial(
    text: str, registry: str | None = None, formats: dict[str, dict[str, Any]] | None = None
) -> SerialBlock:
    """A serial range as a block.

    Parameters
    ----------
    text : str
        The serial as the registry prints it.
    registry : str, optional
        Its registry id; default: the one format that reads it.
    formats : dict, optional
        Serial formats (default: :func:`serial_formats`).

    Raises
    ------
    SerialError
        If no format (or not the one named) reads it, or its range runs backwards.
    """
    formats = formats or serial_formats()
    names = [registry] if registry else list(formats)
    unknown = [n for n in names if n not in formats]
    if unknown:
        raise SerialError(f"no serial format for registry {unknown[0]!r}; known: {sorted(formats)}")
    for name in names:
        spec = formats[name]
        match = re.match(spec["pattern"], text.strip())
        if match is None:
            continue
        return _block(name, spec, match)
    examples = "; ".join(f"{n}: {formats[n]['example']}" for n in names)
    raise SerialError(f"serial {text!r} is in no known format ({examples})")


def _block(name: str, spec: dict[str, Any], match: re.Match[str]) -> SerialBlock:
    groups = match.groupdict()
    start, end = int(groups["start"]), int(groups["end"])
    if end < start:
        raise SerialError(f"serial {match.string!r}: the range ends ({end}) before it starts")
    text = match.string.strip()
    padded = set(spec.get("width", []))
    pieces, last = [], 0
    for field in ("start", "end"):
        a, b = match.span(field)
        width = b - a
        pieces.append(text[last:a].replace("{", "{{").replace("}", "}}"))
        pieces.append(f"{{{field}:0{width}d}}" if field in padded else f"{{{field}}}")
        last = b
    pieces.append(text[last:].replace("{", "{{").replace("}", "}}"))
    issuance = tuple((k, v) for k, v in groups.items() if k not in ("start", "end"))
    vintage_field = spec.get("vintage")
    vintage = int(groups[vintage_field][-4:]) if vintage_field else None
    return SerialBlock(name, issuance, start, end, "".join(pieces), vintage)
