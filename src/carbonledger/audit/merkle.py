"""Merkle tree hashing and proofs as RFC 6962 (Certificate Transparency) defines them, with the
verification algorithms of RFC 9162, section 2.1.

Leaves are hashed ``SHA-256(0x00 || data)``, interior nodes ``SHA-256(0x01 || left || right)``;
the tree of ``n`` leaves splits at the largest power of two smaller than ``n``. Hashes are
``bytes`` of 32. Functions take the list of leaf hashes (what an audit log keeps) rather than
the data, so that a tree of a million entries is hashed once.

Examples
--------
>>> leaves = [leaf_hash(b""), leaf_hash(b"\\x00")]
>>> root(leaves).hex()[:16]
'fac54203e7cc696c'
>>> verify_inclusion(0, 2, leaves[0], inclusion_proof(0, leaves), root(leaves))
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

__all__ = [
    "EMPTY_ROOT",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "root_from_inclusion",
    "verify_consistency",
    "verify_inclusion",
]

#: The root of the empty tree: SHA-256 of nothing.
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of the leaf hashes (MTH of RFC 6962, section 2.1), computed level
    by level: a node of two children at each level, an odd last node carried up as it is,
    which gives the same tree as the recursive split."""
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``leaves`` (PATH of RFC 6962,
    section 2.1.1), nearest the leaf first.

    Raises
    ------
    ValueError
        If the index is not in the tree.
    """
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of {len(leaves)}")

    def path(m: int, part: Sequence[bytes]) -> list[bytes]:
        n = len(part)
        if n == 1:
            return []
        k = _split(n)
        if m < k:
            return [*path(m, part[:k]), root(part[k:])]
        return [*path(m - k, part[k:]), root(part[:k])]

    return path(index, leaves)


def consistency_proof(size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The proof that the tree of the first ``size`` leaves is a prefix of the tree of all
    ``leaves`` (PROOF of RFC 6962, section 2.1.2).

    Raises
    ------
    ValueError
        If ``size`` is not between 0 and the number of leaves.
    """
    n = len(leaves)
    if not 0 <= size <= n:
        raise ValueError(f"no consistency proof from {size} to {n} leaves")
    if size in (0, n):
        return []

    def subproof(m: int, part: Sequence[bytes], whole: bool) -> list[bytes]:
        count = len(part)
        if m == count:
            return [] if whole else [root(part)]
        k = _split(count)
        if m <= k:
            return [*subproof(m, part[:k], whole), root(part[k:])]
        return [*subproof(m - k, part[k:], False), root(part[:k])]

    return subproof(size, leaves, True)


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162, section 2.1.3.2).

    Raises
    ------
    ValueError
        If the index is not in the tree or the proof has the wrong length.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ValueError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ValueError("the inclusion proof is too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree of ``size`` with
    root ``expected_root``."""
    try:
        return root_from_inclusion(index, size, leaf, proof) == expected_root
    except ValueError:
        return False


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> bool:
    """Whether ``proof`` shows the tree of ``size1`` with ``root1`` to be a prefix of the tree
    of ``size2`` with ``root2`` (RFC 9162, section 2.1.4.2)."""
    if size1 > size2:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # a power of two: the first tree's root starts the path
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == root1 and sr == root2 and sn == 0
