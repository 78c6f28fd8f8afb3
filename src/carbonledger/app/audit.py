"""Audit jobs: sign a checkpoint of the workspace's log, prove an entry's inclusion, and verify
a workspace against its log, its checkpoints and the hashes its entries hold.

The log's leaves are the workspace's events (:mod:`carbonledger.audit.log`): every import,
replacement, removal, run, lock, restatement, factor release, Scope 3+ calculation and access
change is one, with the hashes of what it stored. A checkpoint is a C2SP signed note of the
tree's size and root, signed with the workspace's Ed25519 key (``audit/signing.key``, or the
file ``CARBONLEDGER_AUDIT_KEY`` names) and written at every lock and on demand; the verifier
key (``audit/verifier.key``) is what a second party keeps to check it.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from carbonledger.audit.devices import reading_message, verify_reading
from carbonledger.audit.log import (
    Difference,
    compare_entries,
    leaf_hashes,
    pack_leaves,
    unpack_leaves,
)
from carbonledger.audit.merkle import (
    consistency_proof,
    inclusion_proof,
    root,
    verify_consistency,
    verify_inclusion,
)
from carbonledger.audit.note import (
    Checkpoint,
    NoteError,
    checkpoint_text,
    generate_key,
    open_note,
    parse_checkpoint,
    sign_note,
    verifier_key,
)
from carbonledger.errors import CarbonLedgerError, Location
from carbonledger.store import Workspace
from carbonledger.validate import Finding, Severity

__all__ = [
    "AUDIT_KEY_ENV",
    "audit_entries",
    "audit_verifier_key",
    "check_reading_signatures",
    "checkpoint",
    "checkpoints",
    "evidence_proofs",
    "inclusion",
    "verify",
    "verify_evidence",
    "verify_inclusion_proof",
]

#: Environment variable naming a file with the signer key (kept outside the workspace).
AUDIT_KEY_ENV = "CARBONLEDGER_AUDIT_KEY"
_SIGNING, _VERIFIER, _LEAVES = "signing.key", "verifier.key", "leaves.bin"


def audit_entries(workspace: Workspace, kind: str | None = None) -> list[dict[str, Any]]:
    """The log's entries: the workspace's events in entry order (of one kind, if given), as
    plain data."""
    fields = ("entry", "at", "kind", "subject", "actor", "payload")
    return [{f: getattr(e, f) for f in fields} for e in workspace.events(kind)]


def _origin(workspace: Workspace) -> str:
    slug = re.sub(r"[^A-Za-z0-9.-]+", "-", workspace.config.organisation).strip("-").lower()
    return f"carbonledger.local/{slug or 'workspace'}"


def _signer_key(workspace: Workspace) -> str:
    named = os.environ.get(AUDIT_KEY_ENV)
    if named:
        return Path(named).read_text("utf-8").strip()
    path = workspace.audit_file(_SIGNING)
    if path.exists():
        return path.read_text("utf-8").strip()
    key = generate_key(_origin(workspace))
    workspace.write_audit_files(
        {_SIGNING: (key + "\n").encode(), _VERIFIER: (verifier_key(key) + "\n").encode()}
    )
    path.chmod(0o600)
    return key


def audit_verifier_key(workspace: Workspace) -> str:
    """The verifier key of the workspace's checkpoints (made with the signer key if new)."""
    return verifier_key(_signer_key(workspace))


def checkpoint(workspace: Workspace) -> dict[str, Any]:
    """Sign the log as it stands: the checkpoint note (``audit/checkpoints/<size>.note``) and
    the leaf hashes it covers (``audit/leaves.bin``).

    Returns
    -------
    dict
        ``size``, ``root`` (hex), ``note`` (the signed note) and ``verifier_key``.
    """
    key = _signer_key(workspace)
    leaves = leaf_hashes(audit_entries(workspace))
    state = Checkpoint(key.split("+")[2], len(leaves), root(leaves))
    note = sign_note(checkpoint_text(state), key)
    workspace.write_audit_files(
        {f"checkpoints/{state.size:012d}.note": note.encode(), _LEAVES: pack_leaves(leaves)}
    )
    return {
        "size": state.size,
        "root": state.root.hex(),
        "note": note,
        "verifier_key": verifier_key(key),
    }


def checkpoints(workspace: Workspace) -> list[dict[str, Any]]:
    """The checkpoints written, oldest first: size, root and the note."""
    folder = workspace.audit_file("checkpoints")
    found = []
    for path in sorted(folder.glob("*.note")) if folder.exists() else []:
        note = path.read_text("utf-8")
        state = parse_checkpoint(note.partition("\n\n")[0] + "\n")
        found.append(
            {"size": state.size, "root": state.root.hex(), "note": note, "file": path.name}
        )
    return found


def inclusion(workspace: Workspace, entry: int) -> dict[str, Any]:
    """The proof that ``entry`` is in the latest checkpoint's tree, with what a verifier needs
    to check it offline: the entry, its leaf hash, the path and the signed checkpoint.

    Raises
    ------
    CarbonLedgerError
        Without a checkpoint covering the entry.
    """
    signed = [c for c in checkpoints(workspace) if c["size"] >= entry]
    if not signed:
        raise CarbonLedgerError(
            f"no checkpoint covers entry {entry}: run `carbonledger audit checkpoint`"
        )
    latest = signed[-1]
    entries = audit_entries(workspace)[: latest["size"]]
    leaves = leaf_hashes(entries)
    return {
        "entry": entries[entry - 1],
        "leaf_index": entry - 1,
        "tree_size": latest["size"],
        "leaf_hash": leaves[entry - 1].hex(),
        "proof": [p.hex() for p in inclusion_proof(entry - 1, leaves)],
        "root": latest["root"],
        "checkpoint": latest["note"],
    }


# -- verify ---------------------------------------------------------------------------------


def _file_differences(workspace: Workspace) -> list[Difference]:
    """Every stored batch, ledger manifest and part re-hashed against the hash its entry
    holds (a batch's id is its file's hash)."""
    return [
        Difference("file", path, expected, found, f"{what} is not as stored")
        for path, expected, found, what in workspace.stored_file_hashes()
        if found != expected
    ]


def _metadata_differences(workspace: Workspace, entries: list[dict[str, Any]]) -> list[Difference]:
    """Each batch and run row of the metadata store against the entry that stored it."""
    stored = {
        e["subject"]: e["payload"]
        for e in entries
        if e["kind"] in ("batch.stored", "batch.replaced", "run.stored")
    }
    rows: list[tuple[str, str, Any, tuple[str, ...]]] = [
        ("batch", b.batch_id, b, ("kind", "rows", "source_sha256", "records_sha256"))
        for b in workspace.batches(include_inactive=True)
    ]
    rows += [("run", r.run_id, r, ("ledger_sha256", "rows")) for r in workspace.runs()]
    found: list[Difference] = []
    for what, key, row, fields in rows:
        where = f"{what} {key[:12]}"
        payload = stored.get(key)
        if payload is None:
            message = f"a {what} row no entry of the log stored"
            found.append(Difference("metadata", where, "an entry", "none", message))
            continue
        for field in fields:
            if payload.get(field) != getattr(row, field):
                message = f"the {what} row differs from the entry that stored it"
                expected, actual = str(payload.get(field)), str(getattr(row, field))
                found.append(Difference("metadata", f"{where} {field}", expected, actual, message))
    return found


def _checkpoint_differences(
    note: str, key: str, leaves: list[bytes], where: str
) -> tuple[list[Difference], Checkpoint | None]:
    try:
        state = parse_checkpoint(open_note(note, key))
    except NoteError as exc:
        return [Difference("checkpoint", where, "a signed checkpoint", "refused", str(exc))], None
    if state.size > len(leaves):
        message = f"the checkpoint signs {state.size} entries, the log holds {len(leaves)}"
        return [Difference("checkpoint", where, str(state.size), str(len(leaves)), message)], state
    actual = root(leaves[: state.size])
    if actual != state.root:
        message = f"the first {state.size} entries do not hash to the signed root"
        return [Difference("checkpoint", where, state.root.hex(), actual.hex(), message)], state
    return [], state


def verify(
    workspace: Workspace, checkpoint_note: str | None = None, key: str | None = None
) -> dict[str, Any]:
    """Check the workspace against its log: every entry against the leaf hashes the latest
    checkpoint signed, every checkpoint's signature and root (and one given from elsewhere,
    with the consistency proof from it to the log as it stands), every stored file against the
    hash its entry holds, and every batch and run row against its entry.

    Parameters
    ----------
    workspace : Workspace
    checkpoint_note : str, optional
        A checkpoint kept by a second party (a witness).
    key : str, optional
        The verifier key to trust (default: the workspace's ``audit/verifier.key``).

    Returns
    -------
    dict
        ``ok``, ``entries``, ``checkpoints`` checked and ``differences`` (each with check,
        where, expected, found and message).
    """
    trusted = key or _stored_verifier(workspace)
    entries = audit_entries(workspace)
    leaves = leaf_hashes(entries)
    differences: list[Difference] = []
    signed = checkpoints(workspace)
    for found in signed:
        more, _ = _checkpoint_differences(found["note"], trusted, leaves, found["file"])
        differences += more
    recorded_path = workspace.audit_file(_LEAVES)
    if recorded_path.exists():
        recorded = unpack_leaves(recorded_path.read_bytes())
        latest = signed[-1] if signed else None
        if latest is not None and (
            len(recorded) != latest["size"] or root(recorded).hex() != latest["root"]
        ):
            differences.append(
                Difference(
                    "checkpoint",
                    _LEAVES,
                    latest["root"],
                    root(recorded).hex(),
                    "the leaf hashes kept are not those the latest checkpoint signed",
                )
            )
        differences += compare_entries(entries, recorded)
    witnessed = None
    if checkpoint_note is not None:
        more, state = _checkpoint_differences(checkpoint_note, trusted, leaves, "given checkpoint")
        differences += more
        if state is not None and not more:
            proof = consistency_proof(state.size, leaves)
            consistent = verify_consistency(
                state.size, len(leaves), proof, state.root, root(leaves)
            )
            witnessed = {"size": state.size, "consistent": consistent, "proof_hashes": len(proof)}
    differences += _file_differences(workspace)
    differences += _metadata_differences(workspace, entries)
    return {
        "ok": not differences,
        "entries": len(entries),
        "root": root(leaves).hex(),
        "checkpoints": len(signed),
        "witnessed": witnessed,
        "differences": [d.__dict__ for d in differences],
    }


def _stored_verifier(workspace: Workspace) -> str:
    path = workspace.audit_file(_VERIFIER)
    if not path.exists():
        return audit_verifier_key(workspace)
    return path.read_text("utf-8").strip()


def verify_inclusion_proof(found: dict[str, Any], key: str) -> bool:
    """Check an :func:`inclusion` proof offline: the checkpoint's signature by ``key``, and
    the entry's leaf hash on the path to the signed root."""
    state = parse_checkpoint(open_note(found["checkpoint"], key))
    leaf = leaf_hashes([found["entry"]])[0]
    proof = [bytes.fromhex(p) for p in found["proof"]]
    return state.size == found["tree_size"] and verify_inclusion(
        found["leaf_index"], state.size, leaf, proof, state.root
    )


def evidence_proofs(workspace: Workspace, run_id: str) -> dict[str, str]:
    """The files an evidence pack carries under ``audit/``: a checkpoint signed now, the
    verifier key, and the inclusion proofs of the entries that stored the run and each of its
    input batches."""
    signed = checkpoint(workspace)
    run = workspace.get_run(run_id)
    batches = {b for kind in run.manifest.get("inputs", {}).values() for b in _batch_ids(kind)}
    wanted = {run_id, *batches}
    entries = audit_entries(workspace)[: signed["size"]]
    leaves = leaf_hashes(entries)
    proofs = [
        {
            "entry": e,
            "leaf_index": e["entry"] - 1,
            "tree_size": signed["size"],
            "proof": [p.hex() for p in inclusion_proof(e["entry"] - 1, leaves)],
        }
        for e in entries
        if e["subject"] in wanted and e["kind"] in ("run.stored", "batch.stored", "batch.replaced")
    ]
    return {
        "checkpoint.note": signed["note"],
        "verifier.key": signed["verifier_key"] + "\n",
        "proofs.json": json.dumps(
            {"run_id": run_id, "proofs": proofs}, indent=1, sort_keys=True, default=str
        ),
    }


def _batch_ids(value: Any) -> list[str]:
    """The batch ids a run manifest's input entry names: a list of them for an activity kind
    (a reference table's entry is the hash of its merged rows, stored by no entry)."""
    return [str(v) for v in value] if isinstance(value, list) else []


def verify_evidence(path: str | Path, key: str | None = None) -> dict[str, Any]:
    """Check an evidence pack without its workspace: its checkpoint's signature (by ``key``,
    or the key the pack carries, which the result says), each inclusion proof against the
    signed root, and that the proofs cover the pack's run and every input batch it lists.
    """
    with zipfile.ZipFile(path) as pack:
        names = set(pack.namelist())
        if "audit/checkpoint.note" not in names:
            raise CarbonLedgerError(f"{path}: the pack carries no audit checkpoint")
        note = pack.read("audit/checkpoint.note").decode()
        carried = pack.read("audit/verifier.key").decode().strip()
        carried_proofs = json.loads(pack.read("audit/proofs.json"))
        manifest = json.loads(pack.read("run_manifest.json"))
    proofs, run_id = carried_proofs["proofs"], carried_proofs["run_id"]
    trusted = key or carried
    differences: list[Difference] = []
    try:
        state = parse_checkpoint(open_note(note, trusted))
    except NoteError as exc:
        state = None
        differences.append(
            Difference("checkpoint", "audit/checkpoint.note", "signed", "refused", str(exc))
        )
    covered = set()
    for found in proofs:
        leaf = leaf_hashes([found["entry"]])[0]
        proof = [bytes.fromhex(p) for p in found["proof"]]
        ok = state is not None and verify_inclusion(
            found["leaf_index"], state.size, leaf, proof, state.root
        )
        if not ok:
            differences.append(
                Difference(
                    "proof",
                    f"entry {found['entry']['entry']}",
                    "included",
                    "not proved",
                    "the entry is not on a path to the signed root",
                )
            )
        else:
            covered.add(found["entry"]["subject"])
    wanted = {b for kind in manifest.get("inputs", {}).values() for b in _batch_ids(kind)}
    for missing in sorted(({run_id} | wanted) - covered):
        differences.append(
            Difference(
                "proof", str(missing)[:16], "a proof", "none", "the pack proves no entry storing it"
            )
        )
    return {
        "ok": not differences,
        "key": trusted,
        "key_from_pack": key is None,
        "tree_size": state.size if state else None,
        "proofs": len(proofs),
        "differences": [d.__dict__ for d in differences],
    }


def check_reading_signatures(
    workspace: Workspace, staged: Path, source: str, sheet: str | None
) -> list[Finding]:
    """The signatures of staged meter readings, checked against the key of the device each
    meter names (``meters.signed_by``, ``device_keys``): a finding per reading whose signature
    is missing or does not verify (the first 1,000), errors or warnings by the workspace's
    ``reading_signatures`` policy. Readings of meters without a device are not checked."""
    from carbonledger.engine import records_connection
    from carbonledger.run import read_reference

    meters = read_reference(workspace, "meters").to_pylist()
    keys = {
        r["device_id"]: r["public_key"]
        for r in read_reference(workspace, "device_keys").to_pylist()
    }
    signing = {m["meter_id"]: m["signed_by"] for m in meters if m.get("signed_by")}
    if not signing:
        return []
    severity = (
        Severity.ERROR if workspace.config.reading_signatures == "refuse" else Severity.WARNING
    )
    con = records_connection(staged)
    try:
        columns = {c[0] for c in con.execute("DESCRIBE records").fetchall()}
        signature = "signature" if "signature" in columns else "NULL AS signature"
        listed = ", ".join("'" + m.replace("'", "''") + "'" for m in signing)
        rows = con.execute(
            f"SELECT source_row, meter_id, strftime(time, '%Y-%m-%dT%H:%M:%S'), value, {signature} "
            f"FROM records WHERE meter_id IN ({listed}) ORDER BY source_row"
        ).fetchall()
    finally:
        con.close()
    findings: list[Finding] = []
    for row, meter, time, value, signed in rows:
        device = signing[meter]
        if device not in keys:
            problem = f"meter {meter} is signed by {device}, which has no key in device_keys"
        elif not signed:
            problem = f"meter {meter} signs its readings ({device}): this one is unsigned"
        elif not verify_reading(keys[device], reading_message(meter, time, value), signed):
            problem = f"the signature does not verify with {device}'s key"
        else:
            continue
        findings.append(
            Finding(
                "signature", problem, Location(source, sheet, row, "signature"), signed, severity
            )
        )
        if len(findings) >= 1000:
            break
    return findings
