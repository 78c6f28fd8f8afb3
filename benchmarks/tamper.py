"""Tamper trials: a small workspace (sites, electricity, a run, a lock that signs the log) is
copied, changed in one random way, and verified; every change must be found and named.

    python benchmarks/tamper.py                  # 10,000 trials
    python benchmarks/tamper.py --trials 200 --seed 3

The changes: a byte of a stored batch, of a ledger part or manifest; a batch or run row of the
metadata store; an entry's payload; an entry removed, two entries swapped, an entry inserted;
a checkpoint whose root is changed under its signature, or signed with another key. Prints
how many of each kind were made and found, and any not found or not named, as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from carbonledger import app
from carbonledger.audit.note import generate_key, sign_note
from carbonledger.options import WorkspaceConfig

SITES = {
    "entities": "entity_id,name,country,equity_share,financial_control,operational_control\n"
    "E-CN,Test Co China,CN,1,true,true\n",
    "facilities": "facility_id,entity_id,name,facility_type,country,subdivision\n"
    "F1,E-CN,Warehouse 1,fulfilment_centre,CN,CN-GD\n",
    "electricity": "record_id,facility_id,period,quantity,unit\n"
    "E1,F1,2024-01,1200.5,kWh\nE2,F1,2024-02,1500,kWh\n",
}


def make_workspace(folder: Path) -> Path:
    """The workspace the trials copy: three imports, a run, a lock (and its checkpoint)."""
    workspace = app.create_workspace(folder / "ws", WorkspaceConfig(organisation="Trial Co"))
    for kind, text in SITES.items():
        (folder / f"{kind}.csv").write_text(text, encoding="utf-8")
        app.import_file(workspace, kind, folder / f"{kind}.csv")
    app.calculate(workspace, "2024")
    app.lock(workspace, "2024")
    return workspace.root


def _flip_byte(path: Path, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    i = rng.randrange(len(data))
    data[i] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def _sql(root: Path, statement: str, *args: object) -> None:
    con = sqlite3.connect(root / "carbonledger.db")
    with con:
        con.execute(statement, args)
    con.close()


def _events(root: Path) -> list[tuple]:
    con = sqlite3.connect(root / "carbonledger.db")
    rows = con.execute("SELECT entry, at, kind, subject, actor, payload FROM events").fetchall()
    con.close()
    return rows


def tamper(root: Path, kind: str, rng: random.Random) -> str:
    """Change the workspace at ``root`` in one way of ``kind``; return what verify must name
    (a text its differences' ``where`` or ``check`` contain)."""
    if kind == "batch_file":
        path = rng.choice(sorted((root / "batches").rglob("*.parquet")))
        _flip_byte(path, rng)
        return path.relative_to(root).as_posix()
    if kind == "ledger_file":
        path = rng.choice(sorted((root / "ledgers").rglob("*.*")))
        _flip_byte(path, rng)
        return path.relative_to(root).as_posix() if path.suffix == ".json" else "ledgers/"
    if kind == "metadata_row":
        if rng.random() < 0.5:
            batch = rng.choice([r[3] for r in _events(root) if r[2] == "batch.stored"])
            _sql(root, "UPDATE batches SET rows = rows + 1 WHERE batch_id = ?", batch)
            return f"batch {batch[:12]} rows"
        _sql(root, "UPDATE runs SET ledger_sha256 = ? ", "0" * 64)
        return "ledger_sha256"
    events = _events(root)
    if kind == "entry_changed":
        entry = rng.choice(events)
        payload = json.loads(entry[5])
        payload["tampered"] = rng.randrange(10**6)
        _sql(root, "UPDATE events SET payload = ? WHERE entry = ?", json.dumps(payload), entry[0])
        return f"entry {entry[0]} "
    if kind == "entry_removed":
        entry = rng.choice(events)
        _sql(root, "DELETE FROM events WHERE entry = ?", entry[0])
        return "entr"
    if kind == "entries_swapped":
        a, b = rng.sample(events, 2)
        for mine, other in ((a, b), (b, a)):
            _sql(
                root,
                "UPDATE events SET at = ?, kind = ?, subject = ?, actor = ?, payload = ? "
                "WHERE entry = ?",
                *other[1:],
                mine[0],
            )
        return f"entry {min(a[0], b[0])} "
    if kind == "entry_inserted":
        at = rng.randrange(1, len(events) + 1)
        rows = [r for r in events if r[0] >= at]
        _sql(root, "DELETE FROM events WHERE entry >= ?", at)
        forged = (at, events[at - 1][1], "batch.stored", "f" * 64, "mallory", "{}")
        for row in [forged] + [(r[0] + 1, *r[1:]) for r in rows]:
            _sql(
                root,
                "INSERT INTO events (entry, at, kind, subject, actor, payload) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                *row,
            )
        return f"entry {at} "
    if kind == "checkpoint_forged":
        path = sorted((root / "audit" / "checkpoints").glob("*.note"))[-1]
        text, _, signature = path.read_text("utf-8").partition("\n\n")
        lines = text.split("\n")
        if rng.random() < 0.5:  # the root changed under the signature
            lines[2] = "A" * 43 + "="
            path.write_text("\n".join(lines) + "\n\n" + signature, encoding="utf-8")
        else:  # signed with a key the workspace does not trust
            path.write_text(sign_note(text + "\n", generate_key(lines[0])), encoding="utf-8")
        return "checkpoint"
    raise ValueError(kind)


KINDS = (
    "batch_file",
    "ledger_file",
    "metadata_row",
    "entry_changed",
    "entry_removed",
    "entries_swapped",
    "entry_inserted",
    "checkpoint_forged",
)


def trial(template: Path, folder: Path, kind: str, rng: random.Random) -> tuple[bool, bool, str]:
    """One trial on a copy of the template: (found, named, what)."""
    root = folder / "copy"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(template, root)
    expected = tamper(root, kind, rng)
    found = app.verify(app.open_workspace(root))
    named = any(expected in d["where"] or expected == d["check"] for d in found["differences"])
    return not found["ok"], named, expected


def run_trials(trials: int, seed: int, log: Callable[[str], None] = print) -> dict:
    """``trials`` random trials; counts by kind, and the misses."""
    rng = random.Random(seed)
    made, found, named, misses = Counter(), Counter(), Counter(), []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = make_workspace(folder)
        for _ in range(trials):
            kind = rng.choice(KINDS)
            hit, said, what = trial(template, folder, kind, rng)
            made[kind] += 1
            found[kind] += hit
            named[kind] += said
            if not (hit and said):
                misses.append({"kind": kind, "expected": what, "found": hit})
    return {"trials": trials, "made": made, "found": found, "named": named, "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    wall, cpu = time.perf_counter(), time.process_time()
    result = run_trials(args.trials, args.seed)
    result["wall_s"] = round(time.perf_counter() - wall, 1)
    result["cpu_s"] = round(time.process_time() - cpu, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
