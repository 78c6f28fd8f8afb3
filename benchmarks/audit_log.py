"""Audit-log benchmark: N entries (1,000,000 by default) shaped as a workspace's events are
hashed as leaves, the tree's root taken and a checkpoint signed; then the whole log verified as
`carbonledger verify` does it (every leaf re-hashed against the leaf hashes the checkpoint
kept, the root against the signed note), and inclusion proofs made and checked.

    python benchmarks/audit_log.py
    python benchmarks/audit_log.py --entries 100000

Prints wall and CPU time of each phase as JSON, with the root, so both sides are seen to hash
the same log. (The events themselves are written by the store's write path, one transaction
each; that rate is the metadata store's, measured by the import benchmarks, not here.)
"""

from __future__ import annotations

import argparse
import json
import random
import time

from carbonledger.audit.log import compare_entries, leaf_hashes, pack_leaves, unpack_leaves
from carbonledger.audit.merkle import inclusion_proof, root, verify_inclusion
from carbonledger.audit.note import (
    Checkpoint,
    checkpoint_text,
    generate_key,
    open_note,
    parse_checkpoint,
    sign_note,
    verifier_key,
)


def entries(n: int) -> list[dict]:
    """Entries of the shape the store writes: a batch stored, its hashes and metadata."""
    return [
        {
            "entry": i + 1,
            "at": f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}+00:00",
            "kind": "batch.stored",
            "subject": f"{i:064x}",
            "actor": "gateway-7",
            "payload": {"kind": "meter_readings", "rows": 96, "source_sha256": f"{i * 7:064x}"},
        }
        for i in range(n)
    ]


def _timed(results: dict, name: str, run):
    wall, cpu = time.perf_counter(), time.process_time()
    out = run()
    results[name] = {
        "wall_s": round(time.perf_counter() - wall, 6),
        "cpu_s": round(time.process_time() - cpu, 6),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    results: dict = {"entries": args.entries}
    log = entries(args.entries)
    key = generate_key("carbonledger.local/bench")

    def append() -> tuple[bytes, str]:
        leaves = leaf_hashes(log)
        top = root(leaves)
        note = sign_note(
            checkpoint_text(Checkpoint("carbonledger.local/bench", len(leaves), top)), key
        )
        return pack_leaves(leaves), note

    kept, note = _timed(results, "append_and_sign", append)

    def verify() -> tuple[int, str]:
        state = parse_checkpoint(open_note(note, verifier_key(key)))
        recorded = unpack_leaves(kept)
        differences = compare_entries(log, recorded)
        assert root(recorded) == state.root and not differences
        return len(differences), state.root.hex()

    _, results["root"] = _timed(results, "verify_all", verify)
    leaves = unpack_leaves(kept)
    top = root(leaves)
    rng = random.Random(1)
    picks = [rng.randrange(args.entries) for _ in range(20)]
    proofs = _timed(results, "make_20_proofs", lambda: [inclusion_proof(i, leaves) for i in picks])

    def check() -> bool:
        return all(
            verify_inclusion(i, len(leaves), leaves[i], p, top)
            for i, p in zip(picks, proofs, strict=True)
        )

    assert _timed(results, "check_20_proofs", check)
    results["proof_hashes"] = len(proofs[0])
    results["check_one_proof_ms"] = round(results["check_20_proofs"]["wall_s"] / 20 * 1000, 3)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
