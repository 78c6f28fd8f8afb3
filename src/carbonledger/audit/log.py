"""The audit log: a workspace's history of changes as the leaves of an RFC 6962 Merkle tree.

Every change to a workspace passes the store's one write path, which records one event
(entry number, time, kind, subject, actor and a payload of hashes and metadata) in the same
transaction. Each event, written as canonical JSON (:func:`entry_bytes`), is one leaf, in entry
order. A checkpoint signs the tree's size and root; the leaf hashes it covers are kept beside
it (:func:`pack_leaves`), so that a later check names the entry that changed, not only that
the root moved.

Examples
--------
>>> entry = {"entry": 1, "at": "2025-01-01T00:00:00Z", "kind": "batch.stored",
...          "subject": "ab", "actor": "alice", "payload": {"rows": 3}}
>>> entry_bytes(entry)
b'{"actor":"alice","at":"2025-01-01T00:00:00Z","entry":1,"kind":"batch.stored","payload":{"rows":3},"subject":"ab"}'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from carbonledger.audit.merkle import leaf_hash

__all__ = [
    "HASH_SIZE",
    "Difference",
    "compare_entries",
    "entry_bytes",
    "leaf_hashes",
    "pack_leaves",
    "unpack_leaves",
]

HASH_SIZE = 32
_FIELDS = ("entry", "at", "kind", "subject", "actor", "payload")


@dataclass(frozen=True)
class Difference:
    """One thing that is not as the log or a stored hash says.

    Parameters
    ----------
    check : str
        ``entry``, ``sequence``, ``checkpoint``, ``file``, ``metadata`` ...
    where : str
        The entry, file or row.
    expected, found : str
        The hash (or value) the record holds and the one found.
    message : str
    """

    check: str
    where: str
    expected: str
    found: str
    message: str


def entry_bytes(entry: Mapping[str, Any]) -> bytes:
    """An event as canonical JSON (keys sorted, no spaces, UTF-8): the leaf's data."""
    document = {k: entry[k] for k in _FIELDS}
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def leaf_hashes(entries: Iterable[Mapping[str, Any]]) -> list[bytes]:
    """The leaf hash of each entry, in order."""
    return [leaf_hash(entry_bytes(e)) for e in entries]


def pack_leaves(leaves: Sequence[bytes]) -> bytes:
    """Leaf hashes as one byte string (32 bytes each)."""
    return b"".join(leaves)


def unpack_leaves(data: bytes) -> list[bytes]:
    """The leaf hashes of :func:`pack_leaves` bytes.

    Raises
    ------
    ValueError
        If the length is not a whole number of hashes.
    """
    if len(data) % HASH_SIZE:
        raise ValueError(f"{len(data)} bytes are no whole number of {HASH_SIZE}-byte hashes")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def compare_entries(
    entries: Sequence[Mapping[str, Any]], recorded: Sequence[bytes]
) -> list[Difference]:
    """What differs between the entries as they are and the leaf hashes a checkpoint recorded:
    entry numbers out of sequence (an entry removed, inserted or moved), an entry whose bytes
    changed, entries missing at the end."""
    found: list[Difference] = []
    for position, entry in enumerate(entries, start=1):
        if entry["entry"] != position:
            found.append(
                Difference(
                    "sequence",
                    f"entry {entry['entry']}",
                    str(position),
                    str(entry["entry"]),
                    f"the entry at position {position} is numbered {entry['entry']}: an entry "
                    "was removed, inserted or moved",
                )
            )
            break
    computed = leaf_hashes(entries)
    for position, (old, new) in enumerate(zip(recorded, computed, strict=False), start=1):
        if old != new:
            entry = entries[position - 1]
            found.append(
                Difference(
                    "entry",
                    f"entry {position} ({entry['kind']} {str(entry['subject'])[:16]})",
                    old.hex(),
                    new.hex(),
                    f"entry {position} is not the one the checkpoint signed",
                )
            )
    if len(computed) < len(recorded):
        found.append(
            Difference(
                "sequence",
                f"entries {len(computed) + 1}-{len(recorded)}",
                str(len(recorded)),
                str(len(computed)),
                f"the log holds {len(computed)} entries; a checkpoint signed {len(recorded)}",
            )
        )
    return found
