"""Signed notes and log checkpoints in the C2SP formats (``signed-note`` and
``tlog-checkpoint``), with Ed25519 keys as the Go ``sumdb/note`` package encodes them.

A note is text ending in a newline, a blank line, then signature lines ``— <name>
<base64(key hash || signature)>``; the key hash is the first four bytes of
``SHA-256(name || "\\n" || 0x01 || public key)``. Keys are text: the signer key
``PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>`` and the verifier key
``<name>+<hash>+<base64(0x01 || public key)>``, which a second party can hold to witness
checkpoints. A checkpoint's text is the log's origin, its size and its root hash (base64), one
per line.

Examples
--------
>>> signer = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
>>> note = sign_note("hello\\n", signer)
>>> open_note(note, verifier_key(signer))
'hello\\n'
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from carbonledger.errors import CarbonLedgerError

__all__ = [
    "Checkpoint",
    "NoteError",
    "checkpoint_text",
    "generate_key",
    "open_note",
    "parse_checkpoint",
    "parse_signer_key",
    "parse_verifier_key",
    "sign_note",
    "verifier_key",
]

_ED25519 = b"\x01"
_DASH = "\u2014 "


class NoteError(CarbonLedgerError):
    """A note, key or checkpoint that is malformed or whose signature does not verify."""


def _key_hash(name: str, key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def generate_key(name: str) -> str:
    """A new signer key for ``name`` (keep it secret; give :func:`verifier_key` of it)."""
    if not _valid_name(name):
        raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    return _signer_text(name, seed)


def _signer_text(name: str, seed: bytes) -> str:
    public = _public(seed)
    digest = _key_hash(name, _ED25519 + public).hex()
    return f"PRIVATE+KEY+{name}+{digest}+{base64.b64encode(_ED25519 + seed).decode()}"


def _public(seed: bytes) -> bytes:
    key = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def parse_signer_key(signer_key: str) -> tuple[str, bytes, bytes]:
    """A signer key's name, key hash and Ed25519 seed.

    Raises
    ------
    NoteError
        If the key is malformed or its hash does not match.
    """
    parts = signer_key.strip().split("+", 4)
    malformed = NoteError("malformed signer key (PRIVATE+KEY+<name>+<hash>+<key>)")
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"] or not _valid_name(parts[2]):
        raise malformed
    try:
        name, digest, data = parts[2], bytes.fromhex(parts[3]), base64.b64decode(parts[4])
    except ValueError as exc:
        raise malformed from exc
    if len(digest) != 4 or data[:1] != _ED25519 or len(data) != 33:
        raise malformed
    seed = data[1:]
    if _key_hash(name, _ED25519 + _public(seed)) != digest:
        raise NoteError(f"signer key of {name}: its hash does not match its key")
    return name, digest, seed


def verifier_key(signer_key: str) -> str:
    """The verifier key (public) of a signer key."""
    name, digest, seed = parse_signer_key(signer_key)
    return f"{name}+{digest.hex()}+{base64.b64encode(_ED25519 + _public(seed)).decode()}"


def parse_verifier_key(key: str) -> tuple[str, bytes, Ed25519PublicKey]:
    """A verifier key's name, key hash and public key.

    Raises
    ------
    NoteError
        If the key is malformed or its hash does not match.
    """
    parts = key.strip().split("+", 2)
    malformed = NoteError("malformed verifier key (<name>+<hash>+<key>)")
    if len(parts) != 3 or not _valid_name(parts[0]):
        raise malformed
    try:
        name, digest, data = parts[0], bytes.fromhex(parts[1]), base64.b64decode(parts[2])
    except ValueError as exc:
        raise malformed from exc
    if len(digest) != 4 or data[:1] != _ED25519 or len(data) != 33:
        raise malformed
    if _key_hash(name, data) != digest:
        raise NoteError(f"verifier key of {name}: its hash does not match its key")
    return name, digest, Ed25519PublicKey.from_public_bytes(data[1:])


def sign_note(text: str, signer_key: str) -> str:
    """``text`` (ending in a newline) signed: the note's text, a blank line, one signature."""
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("a note's text ends in a newline and has no blank line")
    name, digest, seed = parse_signer_key(signer_key)
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(text.encode())
    return f"{text}\n{_DASH}{name} {base64.b64encode(digest + signature).decode()}\n"


def open_note(note: str, verifier: str) -> str:
    """The text of a note whose signature by ``verifier``'s key verifies.

    Raises
    ------
    NoteError
        If the note is malformed, has no signature of that key, or the signature fails.
    """
    name, digest, public = parse_verifier_key(verifier)
    text, sep, signatures = note.partition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise NoteError("malformed note: no blank line before the signatures")
    text += "\n"
    for line in signatures.splitlines():
        if not line.startswith(_DASH):
            raise NoteError(f"malformed signature line {line[:40]!r}")
        signer, _, encoded = line[len(_DASH) :].partition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise NoteError(f"signature of {signer} is not base64") from exc
        if signer != name or raw[:4] != digest:
            continue
        try:
            public.verify(raw[4:], text.encode())
        except InvalidSignature as exc:
            raise NoteError(f"the signature of {name}+{digest.hex()} does not verify") from exc
        return text
    raise NoteError(f"the note has no signature of {name}+{digest.hex()}")


@dataclass(frozen=True)
class Checkpoint:
    """A log's state: its origin, size and root hash."""

    origin: str
    size: int
    root: bytes


def checkpoint_text(checkpoint: Checkpoint) -> str:
    """The checkpoint's note text (origin, size, base64 root, one per line)."""
    root = base64.b64encode(checkpoint.root).decode()
    return f"{checkpoint.origin}\n{checkpoint.size}\n{root}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """A checkpoint from its note text (extension lines after the root are ignored).

    Raises
    ------
    NoteError
        If the text is not a checkpoint.
    """
    lines = text.split("\n")
    malformed = NoteError("malformed checkpoint (origin, size, base64 root hash)")
    if len(lines) < 4 or not lines[0] or not lines[1].isdigit() or str(int(lines[1])) != lines[1]:
        raise malformed
    try:
        origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
    except ValueError as exc:
        raise malformed from exc
    if len(root) != 32:
        raise malformed
    return Checkpoint(origin, size, root)
