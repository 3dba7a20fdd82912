"""A software authenticator: what a browser and a platform authenticator would answer to
navigator.credentials.create() and .get(), in WebAuthn's JSON form, with any field bent."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from cinepass import base64url

UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40


def b64(raw: bytes) -> str:
    return base64url.encode(raw)


def unb64(text: str) -> bytes:
    return base64url.decode(text)


@dataclass
class Credential:
    """One passkey the authenticator holds: its key, whose it is, and its counter."""

    id: bytes
    key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0

    @property
    def id_text(self) -> str:
        return b64(self.id)


def _cose_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    numbers = key.public_key().public_numbers()
    return cbor2.dumps(
        {
            1: 2,  # kty: EC2
            3: -7,  # alg: ES256
            -1: 1,  # crv: P-256
            -2: numbers.x.to_bytes(32, "big"),
            -3: numbers.y.to_bytes(32, "big"),
        }
    )


@dataclass
class Authenticator:
    """Makes ES256 passkeys with attestation "none". `synced` sets the backup flags (BE|BS)
    and, as synced passkeys do, keeps no counter (always 0)."""

    rp_id: str
    origin: str
    synced: bool = False
    aaguid: bytes = field(default_factory=lambda: bytes(16))
    credentials: list[Credential] = field(default_factory=list)

    def _flags(self, *extra: int) -> int:
        flags = UP | UV
        if self.synced:
            flags |= BE | BS
        for f in extra:
            flags |= f
        return flags

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        return json.dumps(data, separators=(",", ":")).encode()

    def create(
        self,
        options: dict[str, Any],
        *,
        origin: str | None = None,
        rp_id: str | None = None,
        flags: int | None = None,
    ) -> dict[str, Any]:
        """RegistrationResponseJSON for PublicKeyCredentialCreationOptionsJSON `options`."""
        rp_id = rp_id or options["rp"]["id"]
        credential = Credential(
            id=os.urandom(32),
            key=ec.generate_private_key(ec.SECP256R1()),
            rp_id=rp_id,
            user_handle=unb64(options["user"]["id"]),
        )
        attested = (
            self.aaguid
            + len(credential.id).to_bytes(2, "big")
            + credential.id
            + _cose_key(credential.key)
        )
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([self._flags(AT) if flags is None else flags | AT])
            + credential.sign_count.to_bytes(4, "big")
            + attested
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data(
            "webauthn.create", options["challenge"], origin or self.origin
        )
        self.credentials.append(credential)
        return {
            "id": credential.id_text,
            "rawId": credential.id_text,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "attestationObject": b64(attestation),
                "transports": ["internal", "hybrid"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }

    def get(
        self,
        options: dict[str, Any],
        credential: Credential | None = None,
        *,
        origin: str | None = None,
        rp_id: str | None = None,
        user_handle: bytes | None = None,
        sign_count: int | None = None,
        kind: str = "webauthn.get",
    ) -> dict[str, Any]:
        """AuthenticationResponseJSON for PublicKeyCredentialRequestOptionsJSON `options`, by
        `credential` (the latest one made by default). The counter grows by one per use, unless
        synced (0) or given."""
        credential = credential or self.credentials[-1]
        if sign_count is None:
            sign_count = 0 if self.synced else credential.sign_count + 1
        credential.sign_count = sign_count
        rp_id = rp_id or options.get("rpId") or credential.rp_id
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([self._flags()])
            + sign_count.to_bytes(4, "big")
        )
        client_data = self._client_data(kind, options["challenge"], origin or self.origin)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = credential.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        handle = credential.user_handle if user_handle is None else user_handle
        return {
            "id": credential.id_text,
            "rawId": credential.id_text,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(signature),
                "userHandle": b64(handle),
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }


def named_aaguid(text: str) -> bytes:
    return uuid.UUID(text).bytes
