"""Base64url without padding (RFC 4648 §5, as JOSE uses it), decoded strictly: one spelling."""

from __future__ import annotations

import base64
import binascii
import re

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode(text: str) -> bytes:
    """The bytes `text` spells, or ValueError for padding, stray characters or spare bits.

    The standard library skips characters outside the alphabet and ignores the unused low bits
    of the last character, so many strings decode to the same bytes; only the one `encode`
    writes is accepted here.
    """
    if not _ALPHABET.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not canonical base64url")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error:
        raise ValueError("not canonical base64url") from None
    if encode(raw) != text:
        raise ValueError("not canonical base64url")
    return raw
