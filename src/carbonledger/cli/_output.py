"""Shared output helpers of the CLI: JSON mode, Rich tables and one-line errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from carbonledger.errors import CarbonLedgerError, ValidationError

__all__ = [
    "console",
    "emit_json",
    "fail_cleanly",
    "print_validation_report",
    "rich_table",
]

console = Console()
error_console = Console(stderr=True)


def emit_json(payload: Any) -> None:
    """Print a JSON document on standard output (UTF-8, no ASCII escaping)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


def rich_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    percent: Collection[str] = (),
) -> Table:
    """Build a Rich table; numbers are right-aligned, text is shown as it is (brackets such as
    "[t CO2e]" are not read as markup). Columns named in ``percent`` hold fractions and are
    shown as percentages. Nothing is ever cut: a column too narrow for the terminal folds its
    header and cells onto more lines instead of ending them with an ellipsis."""
    table = Table(title=escape(title), title_justify="left")
    first = rows[0] if rows else [None] * len(columns)
    for name, sample in zip(columns, first, strict=True):
        numeric = isinstance(sample, int | float) and not isinstance(sample, bool)
        table.add_column(escape(name), justify="right" if numeric else "left", overflow="fold")
    shown_as_percent = [name in percent for name in columns]
    for row in rows:
        table.add_row(
            *(_percent(v) if p else _cell(v) for v, p in zip(row, shown_as_percent, strict=True))
        )
    return table


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) >= 0.001 or value == 0 else f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else escape(str(value))


def _percent(value: Any) -> str:
    return "" if value is None else f"{value * 100:.1f} %"


@contextmanager
def fail_cleanly(
    as_json: bool, on_validation: Callable[[ValidationError], None] | None = None
) -> Iterator[None]:
    """Turn a :class:`CarbonLedgerError` into a one-line reason and exit code 1.

    In JSON mode the error is printed as ``{"error": ...}`` on standard output as well.
    """
    try:
        yield
    except ValidationError as exc:
        if on_validation is not None:
            on_validation(exc)
        raise typer.Exit(1) from None
    except CarbonLedgerError as exc:
        reason = str(exc).splitlines()[0]
        if as_json:
            emit_json({"error": reason, "type": type(exc).__name__})
        error_console.print(f"[red]error:[/red] {reason}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def print_validation_report(exc: ValidationError, as_json: bool) -> None:
    """Print a validation report: the findings, or JSON with them."""
    report = exc.report
    if as_json:
        emit_json({"error": "validation failed", **report.to_dict()})  # type: ignore[attr-defined]
    error_console.print(f"[red]error:[/] {report}", highlight=False, soft_wrap=True)
