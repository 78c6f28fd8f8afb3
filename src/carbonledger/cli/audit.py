"""``carbonledger verify`` and ``carbonledger audit``: the tamper-evident log, its signed
checkpoints and proofs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonledger.cli._lazy import app
from carbonledger.cli._output import console, emit_json, fail_cleanly, rich_table
from carbonledger.cli.calculate import JsonOption, WorkspaceOption

__all__ = [
    "checkpoint_command",
    "key_command",
    "log_command",
    "proof_command",
    "verify_command",
]


def verify_command(
    checkpoint: Annotated[
        Path | None, typer.Option(help="A checkpoint kept by a second party (a signed note).")
    ] = None,
    key: Annotated[
        str | None, typer.Option(help="Verifier key to trust (default: the workspace's).")
    ] = None,
    evidence: Annotated[
        Path | None,
        typer.Option(help="Check an evidence pack offline instead (no workspace needed)."),
    ] = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Re-hash every entry of the log, every stored batch and ledger, and every batch and run
    row, against the signed checkpoints; say exactly what differs. Exits 1 if anything does.

    Example: [bold]carbonledger verify -w acme --checkpoint witness.note[/]
    """
    if evidence is not None:
        _verify_evidence(evidence, key, as_json)
        return
    with fail_cleanly(as_json):
        note = checkpoint.read_text("utf-8") if checkpoint else None
        found = app.verify(app.open_workspace(workspace), note, key)
    if as_json:
        emit_json(found)
    else:
        witnessed = found["witnessed"]
        console.print(
            f"{found['entries']:,} entries, root {found['root'][:16]}…, "
            f"{found['checkpoints']} checkpoint(s) checked"
            + (
                f"; the given checkpoint of {witnessed['size']} entries is "
                f"{'consistent' if witnessed['consistent'] else 'NOT consistent'} with the log"
                if witnessed
                else ""
            )
        )
        if found["ok"]:
            console.print("[green]verified: nothing differs[/]")
        else:
            rows = [
                (d["check"], d["where"], d["expected"][:20], d["found"][:20], d["message"])
                for d in found["differences"]
            ]
            console.print(
                rich_table("Differences", ["check", "where", "expected", "found", "message"], rows)
            )
    if not found["ok"] or (found["witnessed"] and not found["witnessed"]["consistent"]):
        raise typer.Exit(1)


def _verify_evidence(pack: Path, key: str | None, as_json: bool) -> None:
    with fail_cleanly(as_json):
        found = app.verify_evidence(pack, key)
    if as_json:
        emit_json(found)
    else:
        source = "the key the pack carries" if found["key_from_pack"] else "the key given"
        console.print(
            f"{pack.name}: checkpoint of {found['tree_size']} entries under {source} "
            f"({found['key']}), {found['proofs']} inclusion proofs"
        )
        if found["ok"]:
            console.print("[green]verified: the run and its input batches are in the signed log[/]")
        for d in found["differences"]:
            console.print(f"[red]{d['check']}[/] {d['where']}: {d['message']}")
    if not found["ok"]:
        raise typer.Exit(1)


def checkpoint_command(
    out: Annotated[
        Path | None, typer.Option(help="Also write the note here (for a witness).")
    ] = None,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """Sign the log as it stands (also written at every lock)."""
    with fail_cleanly(as_json):
        found = app.checkpoint(app.open_workspace(workspace))
    if out is not None:
        out.write_text(found["note"], encoding="utf-8")
    if as_json:
        emit_json(found)
        return
    console.print(found["note"], end="")
    console.print(f"verifier key: {found['verifier_key']}")


def log_command(
    last: Annotated[int, typer.Option(help="Entries shown, newest last.")] = 20,
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = False,
) -> None:
    """The log's entries: every change to the workspace, with who made it."""
    with fail_cleanly(as_json):
        entries = app.audit_entries(app.open_workspace(workspace))
    if as_json:
        emit_json(entries[-last:] if last else entries)
        return
    rows = [
        (str(e["entry"]), e["at"], e["kind"], str(e["subject"])[:24], e["actor"])
        for e in entries[-last:]
    ]
    console.print(
        rich_table(
            f"Log: {len(entries):,} entries", ["entry", "at", "kind", "subject", "actor"], rows
        )
    )


def proof_command(
    entry: Annotated[int, typer.Argument(help="Entry number.")],
    workspace: WorkspaceOption = Path(),
    as_json: JsonOption = True,
) -> None:
    """The inclusion proof of an entry in the latest checkpoint (JSON, checkable offline)."""
    with fail_cleanly(as_json):
        found = app.inclusion(app.open_workspace(workspace), entry)
    emit_json(found)


def key_command(workspace: WorkspaceOption = Path()) -> None:
    """The verifier key of the workspace's checkpoints (give it to whoever witnesses them)."""
    with fail_cleanly(False):
        console.print(app.audit_verifier_key(app.open_workspace(workspace)))
