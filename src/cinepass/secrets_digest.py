"""The one digest of a secret we store or key on instead of the secret itself."""

from __future__ import annotations

import hashlib


def secret_digest(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret (API keys, refresh tokens): a lookup key, not a
    password hash, so a fast digest is right and equal secrets always give equal digests."""
    return hashlib.sha256(secret.encode()).hexdigest()
