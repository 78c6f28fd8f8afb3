"""The Merkle tree of the audit log against RFC 6962's test vectors, as Certificate
Transparency's reference implementation publishes them (transparency-dev/merkle,
``testonly/constants.go`` and ``proof/verify_test.go``: eight leaves, the root of every tree
size, inclusion and consistency proofs), and the C2SP signed-note format against the Go
``sumdb/note`` package's own example (a deterministic Ed25519 signature)."""

from __future__ import annotations

import pytest

from carbonledger.audit.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from carbonledger.audit.note import NoteError, open_note, sign_note, verifier_key

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
HASHES = [leaf_hash(x) for x in LEAVES]


def h(*hexes: str) -> list[bytes]:
    return [bytes.fromhex(x) for x in hexes]


#: (leaf, size, proof); the vectors count leaves from 1
INCLUSION = [
    (
        1,
        8,
        h(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        h(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (3, 3, h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (
        2,
        5,
        h(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
]
CONSISTENCY = [
    (
        1,
        8,
        h(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        h(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (
        2,
        5,
        h(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
    (
        6,
        7,
        h(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
]


def test_the_root_of_every_tree_size():
    assert root([]) == EMPTY_ROOT
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    for size in range(1, 9):
        assert root(HASHES[:size]) == ROOTS[size - 1], size


@pytest.mark.parametrize(("leaf", "size", "proof"), INCLUSION)
def test_inclusion_proofs(leaf, size, proof):
    assert inclusion_proof(leaf - 1, HASHES[:size]) == proof
    assert verify_inclusion(leaf - 1, size, HASHES[leaf - 1], proof, ROOTS[size - 1])
    # the corruptions of the reference's test: wrong index, size, leaf, root, extra hashes
    assert not verify_inclusion(leaf, size, HASHES[leaf - 1], proof, ROOTS[size - 1])
    assert not verify_inclusion(leaf - 1, size * 2, HASHES[leaf - 1], proof, ROOTS[size - 1])
    assert not verify_inclusion(leaf - 1, size, b"WrongLeaf", proof, ROOTS[size - 1])
    assert not verify_inclusion(leaf - 1, size, HASHES[leaf - 1], proof, EMPTY_ROOT)
    assert not verify_inclusion(leaf - 1, size, HASHES[leaf - 1], [*proof, b""], ROOTS[size - 1])
    assert not verify_inclusion(leaf - 1, size, HASHES[leaf - 1], proof[:-1], ROOTS[size - 1])
    flipped = [bytes([proof[0][0] ^ 8]) + proof[0][1:], *proof[1:]]
    assert not verify_inclusion(leaf - 1, size, HASHES[leaf - 1], flipped, ROOTS[size - 1])


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY)
def test_consistency_proofs(size1, size2, proof):
    assert consistency_proof(size1, HASHES[:size2]) == proof
    root1, root2 = ROOTS[size1 - 1], ROOTS[size2 - 1]
    assert verify_consistency(size1, size2, proof, root1, root2)
    assert not verify_consistency(size1, size2, proof, root2, root1)
    assert not verify_consistency(size1 + 1, size2, proof, root1, root2)
    assert not verify_consistency(size1, size2, [], root1, root2)
    assert not verify_consistency(size1, size2, proof[:-1], root1, root2)
    assert not verify_consistency(size1, size2, [*proof, root1], root1, root2)
    flipped = [bytes([proof[0][0] ^ 16]) + proof[0][1:], *proof[1:]]
    assert not verify_consistency(size1, size2, flipped, root1, root2)


def test_every_proof_of_trees_up_to_40_leaves_verifies():
    leaves = [leaf_hash(bytes([i])) for i in range(40)]
    for size in range(1, 41):
        top = root(leaves[:size])
        for index in range(size):
            assert verify_inclusion(
                index, size, leaves[index], inclusion_proof(index, leaves[:size]), top
            )
        for first in range(1, size + 1):
            proof = consistency_proof(first, leaves[:size])
            assert verify_consistency(first, size, proof, root(leaves[:first]), top)


#: The Go sumdb/note package's example (golang.org/x/mod/sumdb/note, package documentation).
SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
SIGNATURE = (
    "\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_the_signed_note_of_the_go_package_example():
    assert verifier_key(SIGNER) == VERIFIER
    note = sign_note(TEXT, SIGNER)
    assert note == TEXT + "\n" + SIGNATURE
    assert open_note(note, VERIFIER) == TEXT
    with pytest.raises(NoteError, match="does not verify"):
        open_note(note.replace("answer", "Answer"), VERIFIER)
    other = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TX"
    with pytest.raises(NoteError):
        open_note(note, other)
