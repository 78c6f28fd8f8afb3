"""Readings signed by the device that took them: a meter or gateway registers an Ed25519
verifier key (``device_keys``), signs each reading's canonical message, and the import checks
each signature against the key of the device its meter names (``meters.signed_by``).

The message of a reading is three lines, UTF-8: the meter id, the end of its interval as
``YYYY-MM-DDTHH:MM:SS`` (local clock time) and the value with six decimals::

    SH1-MAIN
    2025-03-01T00:15:00
    1234.500000

Keys are the signed-note encodings of :mod:`carbonledger.audit.note`.

Examples
--------
>>> from carbonledger.audit.note import generate_key, verifier_key
>>> signer = generate_key("gw-7")
>>> message = reading_message("M1", "2025-03-01T00:15:00", 12.5)
>>> verify_reading(verifier_key(signer), message, sign_reading(signer, message))
True
"""

from __future__ import annotations

import base64

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from carbonledger.audit.note import parse_signer_key, parse_verifier_key

__all__ = ["reading_message", "sign_reading", "verify_reading"]


def reading_message(meter_id: str, time: str, value: float) -> bytes:
    """The canonical message of a reading (see the module's docstring)."""
    return f"{meter_id}\n{time}\n{value:.6f}\n".encode()


def sign_reading(signer_key: str, message: bytes) -> str:
    """A device's signature of a reading's message, base64 (what the ``signature`` column
    holds)."""
    _, _, seed = parse_signer_key(signer_key)
    return base64.b64encode(Ed25519PrivateKey.from_private_bytes(seed).sign(message)).decode()


def verify_reading(verifier: str, message: bytes, signature: str | None) -> bool:
    """Whether ``signature`` (base64) is the key's signature of ``message``.

    Raises
    ------
    NoteError
        If the verifier key is malformed.
    """
    _, _, public = parse_verifier_key(verifier)
    if not signature:
        return False
    try:
        public.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True
