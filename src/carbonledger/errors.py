"""The error hierarchy of carbonledger.

Every error the package raises on purpose derives from :class:`CarbonLedgerError`, so a
caller (the CLI, the API) can tell a user's mistake from a bug. Errors that concern a place
in an input file carry that place (:class:`Location`) so the message can name file, sheet,
row and column.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CarbonLedgerError",
    "ConfigError",
    "FactorError",
    "FactorNotFoundError",
    "IntegrityError",
    "Location",
    "NotFoundError",
    "PeriodLockedError",
    "SchemaError",
    "SettingsError",
    "UnitError",
    "ValidationError",
    "WorkspaceError",
]


@dataclass(frozen=True)
class Location:
    """A place in an input file.

    Parameters
    ----------
    file : str
        Path or name of the file.
    sheet : str or None
        Worksheet name, for spreadsheets.
    row : int or None
        Row number as the user sees it in the file (1-based, the header is row 1 for CSV).
    column : str or None
        Column name as it appears in the file.
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)


class CarbonLedgerError(Exception):
    """Base class of every error carbonledger raises on purpose."""


class ConfigError(CarbonLedgerError):
    """A workspace configuration value is missing or invalid."""


class SettingsError(CarbonLedgerError):
    """A change to a workspace's settings that they do not admit (the field and why named)."""


class WorkspaceError(CarbonLedgerError):
    """The workspace does not exist, is not initialised, or its store is inconsistent."""


class PeriodLockedError(WorkspaceError):
    """A change would touch a period locked after sign-off; restate the period first."""


class NotFoundError(CarbonLedgerError):
    """What a request names (a facility, a consumer ...) is not in the workspace."""


class SchemaError(CarbonLedgerError):
    """An activity schema is unknown or malformed."""


class UnitError(CarbonLedgerError, ValueError):
    """A unit is unknown, or has the wrong dimension for its use."""


class ValidationError(CarbonLedgerError):
    """Input data broke one or more validation rules.

    Parameters
    ----------
    report : object
        The :class:`carbonledger.validate.ValidationReport` that lists every problem.
    """

    def __init__(self, report: object) -> None:
        self.report = report
        super().__init__(str(report))


class IntegrityError(CarbonLedgerError):
    """A file's checksum, a store invariant or an audit chain does not hold."""


class FactorError(CarbonLedgerError):
    """A factor release or factor table is malformed or inconsistent."""


class FactorNotFoundError(FactorError, KeyError):
    """No factor satisfies a request under the selection policy in force."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable.
        return str(self.args[0]) if self.args else ""
