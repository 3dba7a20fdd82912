"""Building tokens the way an attacker (or a careless issuer) would, to prove they fail."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from cinepass.key_encryption import KeyEncryption
from tests.conftest import KEY_ENCRYPTION_KEY
from tests.support import Database


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(value: Any) -> str:
    return b64(json.dumps(value, separators=(",", ":")).encode())


def split(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(header))),
        json.loads(base64.urlsafe_b64decode(pad(payload))),
        signature,
    )


def unsigned(header: dict[str, Any], payload: dict[str, Any], signature: str = "") -> str:
    return f"{b64json(header)}.{b64json(payload)}.{signature}"


def hs256(header: dict[str, Any], payload: dict[str, Any], secret: bytes) -> str:
    signing_input = f"{b64json(header)}.{b64json(payload)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


class ServerKey:
    """The API's own signing key, read from its database: signs tokens with chosen claims."""

    def __init__(self, db: Database):
        kid, algorithm, pem, public_pem = db.query(
            "SELECT kid, algorithm, private_pem, public_pem FROM signing_keys "
            "WHERE retired_at IS NULL ORDER BY created_at DESC"
        )[0]
        self.kid = kid
        self.algorithm = algorithm
        # Sealed at rest: forging needs the database and the key-encryption key.
        der = KeyEncryption([KEY_ENCRYPTION_KEY]).open(pem, kid)
        self.private = serialization.load_der_private_key(der, password=None)
        self.public_pem = public_pem.encode()

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        headers = {"kid": self.kid, "typ": "at+jwt", **header}
        return jwt.encode(claims, self.private, algorithm=self.algorithm, headers=headers)  # type: ignore[arg-type]


def claims_like(token: str, **changes: Any) -> dict[str, Any]:
    """The claims of a real token, with some changed (a value of None removes the claim)."""
    _, payload, _ = split(token)
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not None}


def now() -> int:
    return int(time.time())
