"""Validation findings and the report that gathers them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from carbonledger.errors import Location, ValidationError

__all__ = ["Finding", "Severity", "ValidationReport"]


class Severity(StrEnum):
    """How serious a finding is: errors stop an import, warnings do not (unless strict)."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One broken rule at one place.

    Parameters
    ----------
    rule : str
        Name of the check (``number``, ``required``, ``unit_dimension`` ...).
    message : str
        What was expected.
    location : Location
        File, sheet, row and column.
    value : str, optional
        The offending value as read.
    severity : Severity
        Error or warning.
    """

    rule: str
    message: str
    location: Location
    value: str | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        shown = f" (value {self.value!r})" if self.value is not None else ""
        return f"{self.location}: {self.rule}: {self.message}{shown}"


@dataclass
class ValidationReport:
    """All findings of one validation.

    Attributes
    ----------
    source : str
        File validated.
    kind : str
        Activity kind it was validated as.
    rows : int
        Data rows read.
    findings : list of Finding
    omitted : int
        Errors found beyond the ones kept in ``findings`` (a file broken on every row is
        reported by its first errors and their count, not one object per cell).
    """

    source: str
    kind: str
    rows: int = 0
    findings: list[Finding] = field(default_factory=list)
    omitted: int = 0

    @property
    def errors(self) -> list[Finding]:
        """Findings of severity error."""
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """Findings of severity warning."""
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def ok(self, strict: bool = False) -> bool:
        """Whether the data may be stored (strict: warnings count as errors)."""
        return not self.errors and not self.omitted and not (strict and self.warnings)

    def raise_if_failed(self, strict: bool = False) -> None:
        """Raise :class:`ValidationError` carrying this report unless :meth:`ok`."""
        if not self.ok(strict):
            raise ValidationError(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON output."""
        return {
            "source": self.source,
            "kind": self.kind,
            "rows": self.rows,
            "errors": len(self.errors) + self.omitted,
            "warnings": len(self.warnings),
            "findings": [
                {**asdict(f), "location": asdict(f.location), "severity": str(f.severity)}
                for f in self.findings
            ],
        }

    def __str__(self) -> str:
        head = (
            f"{self.source} as {self.kind}: {len(self.errors) + self.omitted} error(s), "
            f"{len(self.warnings)} warning(s) in {self.rows} row(s)"
        )
        shown = [str(f) for f in self.findings[:20]]
        more = len(self.findings) + self.omitted - len(shown)
        tail = [f"... and {more} more"] if more > 0 else []
        return "\n".join([head, *shown, *tail])
