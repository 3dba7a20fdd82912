"""AES-256-GCM sealing for both servers: the first key seals, every key opens (rotation).

A sealed value is `nonce | ciphertext | tag`, bound by its associated data (the context: a
cookie's name, a signing key's kid) to one use. How it is written down (a version byte, a key
id prefix) is the caller's format: see web/session_cookie.py and key_encryption.py.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cinepass import base64url

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16


class Unsealable(Exception):
    """No key opens the value: tampered, damaged, sealed for another context or another key."""


def read_key(text: str) -> bytes:
    """A 256-bit key as an operator writes it (base64url, padding optional), or ValueError."""
    raw = base64url.decode(text.strip().rstrip("="))
    if len(raw) != KEY_BYTES:
        raise ValueError(f"a sealing key is {KEY_BYTES} bytes, base64url-encoded")
    return raw


def new_key() -> str:
    return base64url.encode(AESGCM.generate_key(bit_length=KEY_BYTES * 8))


def key_id(key: bytes) -> str:
    """A short public name for a key, so that a sealed value (or an error) can say which one.

    The label is older than this module: values sealed at rest name their key by it.
    """
    return base64url.encode(hashlib.sha256(b"cinepass-kek-id" + key).digest()[:6])


def load_or_create_key(path: Path) -> str:
    """A base64url 256-bit key kept on disk (mode 0600), made on first use; for one machine.

    Production sets the key in the environment instead (CINEPASS_WEB_SESSION_KEYS,
    CINEPASS_KEY_ENCRYPTION_KEY).
    """
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = new_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


class Sealer:
    """Seals with the first key; opens with any of them, or with the one a value names."""

    def __init__(self, keys: Sequence[bytes]):
        if not keys:
            raise ValueError("sealing needs at least one key")
        if any(len(k) != KEY_BYTES for k in keys):
            raise ValueError(f"a sealing key is {KEY_BYTES} bytes")
        self._keys = {key_id(k): AESGCM(k) for k in keys}
        self.current = key_id(keys[0])

    def knows(self, which: str) -> bool:
        return which in self._keys

    def seal(self, plain: bytes, context: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._keys[self.current].encrypt(nonce, plain, context.encode())

    def open(self, sealed: bytes, context: str, *, which: str | None = None) -> bytes:
        """What `sealed` holds, opened with key `which` or, without it, the first key that can."""
        if len(sealed) < NONCE_BYTES + TAG_BYTES:
            raise Unsealable("too short to be a sealed value")
        nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        keys = list(self._keys.values()) if which is None else [self._keys[which]]
        for key in keys:
            try:
                return key.decrypt(nonce, body, context.encode())
            except InvalidTag:
                continue
        raise Unsealable("no key opens this value")
