"""The signing key ring: generates, persists, rotates and publishes (JWKS) the token keys.

Private keys are stored sealed by a key-encryption key that is not in the database
(cinepass.key_encryption): a dump of the database alone cannot mint tokens.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt.algorithms import ECAlgorithm, OKPAlgorithm
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cinepass import base64url
from cinepass.auth.models import SigningKey
from cinepass.db.base import utcnow
from cinepass.db.engine import session_scope
from cinepass.db.unique import insert_unless_taken
from cinepass.errors import BadRequest, NotFound
from cinepass.key_encryption import KeyEncryption

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey


@dataclass(frozen=True)
class LoadedKey:
    kid: str
    algorithm: str
    private: PrivateKey
    public: PublicKey
    retired: bool


def _generate(algorithm: str) -> PrivateKey:
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key(ec.SECP256R1())


def public_jwk(key: PublicKey) -> dict[str, Any]:
    text = (
        OKPAlgorithm.to_jwk(key)
        if isinstance(key, ed25519.Ed25519PublicKey)
        else ECAlgorithm.to_jwk(key)
    )
    jwk: dict[str, Any] = json.loads(text)
    return jwk


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 JWK thumbprint, used as the `kid`."""
    required = ("crv", "kty", "x", "y") if jwk["kty"] == "EC" else ("crv", "kty", "x")
    canonical = json.dumps({k: jwk[k] for k in required}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64url.encode(digest)


_PEM_HEADER = "-----BEGIN"


def _private_key(row: SigningKey, encryption: KeyEncryption) -> PrivateKey:
    if row.private_pem.startswith(_PEM_HEADER):  # stored before keys were sealed
        private = serialization.load_pem_private_key(row.private_pem.encode(), password=None)
    else:
        der = encryption.open(row.private_pem, row.kid)
        private = serialization.load_der_private_key(der, password=None)
    assert isinstance(private, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey)
    return private


def _seal(private: PrivateKey, kid: str, encryption: KeyEncryption) -> str:
    der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return encryption.seal(der, kid)


def _load(row: SigningKey, encryption: KeyEncryption) -> LoadedKey:
    private = _private_key(row, encryption)
    return LoadedKey(
        kid=row.kid,
        algorithm=row.algorithm,
        private=private,
        public=private.public_key(),
        retired=row.retired_at is not None,
    )


def _new_row(algorithm: str, encryption: KeyEncryption) -> SigningKey:
    private = _generate(algorithm)
    public = private.public_key()
    kid = thumbprint(public_jwk(public))
    return SigningKey(
        kid=kid,
        algorithm=algorithm,
        private_pem=_seal(private, kid, encryption),
        public_pem=public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode(),
        created_at=utcnow(),
    )


class KeyRing:
    """The keys that verify (every unretired key) and the one that signs (the newest)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        algorithm: str,
        encryption: KeyEncryption,
        refresh_seconds: float = 5.0,
    ):
        self._sessionmaker = sessionmaker
        self._algorithm = algorithm
        self._encryption = encryption
        # How long the in-memory copy is trusted: a rotation or retirement made by another
        # process is seen within this window, without a restart.
        self._refresh_seconds = refresh_seconds
        self._keys: dict[str, LoadedKey] = {}
        self._signing: LoadedKey | None = None
        self._loaded_at = 0.0

    async def start(self) -> None:
        """Load the keys (sealing any stored in the clear), generating the first one if none.

        Raises KeyDecryptionError when a live key does not open with the configured KEKs.
        """
        await self.refresh()
        await self.rewrap(only_plain=True)
        if self._signing is None:
            await self.rotate()

    async def refresh(self) -> None:
        async with self._sessionmaker() as db:
            rows = (
                await db.scalars(
                    select(SigningKey)
                    .where(SigningKey.retired_at.is_(None))
                    .order_by(SigningKey.created_at)
                )
            ).all()
        loaded = [_load(row, self._encryption) for row in rows]
        self._keys = {k.kid: k for k in loaded}
        active = [k for k in loaded if not k.retired and k.algorithm == self._algorithm]
        self._signing = active[-1] if active else None
        self._loaded_at = time.monotonic()

    async def refresh_if_stale(self) -> None:
        if time.monotonic() - self._loaded_at > self._refresh_seconds:
            await self.refresh()

    async def rotate(self) -> str:
        """Add a new key that signs from now on; older keys keep verifying until retired."""
        row = _new_row(self._algorithm, self._encryption)
        async with session_scope(self._sessionmaker) as db:
            # False when another replica made the same kid first: either key serves.
            await insert_unless_taken(db, row)
        await self.refresh()
        return row.kid

    async def retire(self, kid: str) -> None:
        async with self._sessionmaker() as db:
            result = await db.execute(
                update(SigningKey)
                .where(SigningKey.kid == kid, SigningKey.retired_at.is_(None))
                .values(retired_at=utcnow())
            )
            if getattr(result, "rowcount", 0) == 0:
                raise NotFound(f"no active signing key {kid}")
            remaining = await db.scalar(
                select(SigningKey.kid).where(SigningKey.retired_at.is_(None)).limit(1)
            )
            if remaining is None:
                await db.rollback()
                raise BadRequest("cannot retire the last signing key; rotate first")
            await db.commit()
        await self.refresh()

    async def rewrap(self, *, only_plain: bool = False) -> int:
        """Seal every stored private key (retired ones too) with the current KEK; returns how
        many rows changed. `only_plain`: only those stored in the clear."""
        changed = 0
        async with self._sessionmaker() as db:
            for row in (await db.scalars(select(SigningKey))).all():
                sealed_by = self._encryption.sealed_by(row.private_pem)
                if sealed_by == self._encryption.current or (only_plain and sealed_by):
                    continue
                private = _private_key(row, self._encryption)
                # Compare-and-set: a replica sealing the same row at once changes nothing.
                result = await db.execute(
                    update(SigningKey)
                    .where(SigningKey.kid == row.kid, SigningKey.private_pem == row.private_pem)
                    .values(private_pem=_seal(private, row.kid, self._encryption))
                )
                changed += getattr(result, "rowcount", 0)
            await db.commit()
        return changed

    def signing_key(self) -> LoadedKey:
        assert self._signing is not None, "KeyRing.start() was not awaited"
        return self._signing

    def verification_key(self, kid: str) -> LoadedKey | None:
        return self._keys.get(kid)

    def jwks(self) -> dict[str, Any]:
        keys = []
        for key in self._keys.values():
            jwk = public_jwk(key.public)
            jwk.update({"kid": key.kid, "alg": key.algorithm, "use": "sig"})
            keys.append(jwk)
        return {"keys": keys}
