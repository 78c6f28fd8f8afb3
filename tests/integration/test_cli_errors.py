"""No command ends in a traceback on missing or malformed input: every command, tried as a
careless user would, exits non-zero with a short message (issue 13)."""

from __future__ import annotations

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from carbonledger.cli import app

runner = CliRunner()


def _commands(command=None, path=()):
    command = command or get_command(app)
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        yield path
        return
    for name, sub in sorted(subcommands.items()):
        yield from _commands(sub, (*path, name))


COMMANDS = [c for c in _commands() if c not in {("docs",), ("demo",), ("init",)}]


def _run(args):
    result = runner.invoke(app, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), f"{' '.join(args)} raised {result.exception!r}"
    assert "Traceback" not in result.output, result.output
    return result


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_missing_and_malformed_arguments_give_a_short_error(command, tmp_path):
    empty = str(tmp_path / "nowhere")
    for args in (
        (*command, "-w", empty),
        (*command, "x", "y", "-w", empty),
        (*command, "--period", "٢٠٢٥", "-w", empty),
    ):
        result = _run(args)
        if result.exit_code == 0:
            continue  # e.g. a command that needs no workspace and takes the arguments
        if result.exit_code == 1:  # our own errors: one line
            lines = result.output.strip().splitlines()
            assert lines and lines[-1].startswith("error:"), result.output
            assert len(lines) <= 3, result.output
        else:
            assert result.exit_code == 2, (args, result.exit_code, result.output)  # usage


def test_every_command_is_reached_by_the_walk():
    names = {c[-1] for c in COMMANDS}
    assert {"import", "replace", "remove", "totals", "lock", "estimate", "hotspots"} <= names
    assert isinstance(app, typer.Typer)
