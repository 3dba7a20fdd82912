"""Checking a provider's ID token at the render server (OpenID Connect Core 3.1.3.7), with PyJWT.

The API checks the token again (auth/id_tokens.py) before it signs anyone in; this check keeps a
forged or replayed token from ever leaving the browser's flow (nonce, azp, at_hash).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import jwt

from cinepass import base64url

ALGORITHMS = ("RS256", "ES256", "EdDSA", "PS256")
_LEEWAY_SECONDS = 30


class InvalidClaimError(jwt.InvalidTokenError):
    """A claim that is present but is not what this sign-in expects."""


def _signing_key(keys: list[dict[str, Any]], header: dict[str, Any]) -> jwt.PyJWK:
    """The provider's key for this token: by `kid` (or the only key), for its `alg`, to sign."""
    algorithm, kid = header.get("alg"), header.get("kid")
    if algorithm not in ALGORITHMS:
        raise jwt.InvalidAlgorithmError("The specified alg value is not allowed")
    if kid is None and len(keys) == 1:
        found = keys
    else:
        found = [
            k
            for k in keys
            if k.get("kid") == kid
            and k.get("alg", algorithm) == algorithm
            and k.get("use", "sig") == "sig"
        ]
    if not found:
        raise jwt.InvalidKeyError(f"no key of the provider's has kid {kid!r}")
    return jwt.PyJWK(found[0], algorithm=algorithm)


def _half_hash(value: str, algorithm: str) -> bytes:
    """at_hash: the left half of the token's hash, by the hash of the ID token's `alg`."""
    digest = hashlib.sha512 if algorithm == "EdDSA" else getattr(hashlib, f"sha{algorithm[2:]}")
    full = digest(value.encode()).digest()
    return base64url.encode(full[: len(full) // 2]).encode()


def _same(claim: object, expected: str | bytes) -> bool:
    if not isinstance(claim, str):
        return False
    want = expected if isinstance(expected, bytes) else expected.encode()
    return hmac.compare_digest(claim.encode(), want)


def _check_oidc_claims(
    claims: dict[str, Any],
    algorithm: str,
    *,
    client_id: str,
    nonce: str,
    access_token: str | None,
) -> None:
    """What OpenID Connect adds to a JWT's checks, for the authorization code flow."""
    if "nonce" not in claims:
        raise jwt.MissingRequiredClaimError("nonce")
    if not _same(claims["nonce"], nonce):
        raise InvalidClaimError("nonce")
    if claims.get("amr") and not isinstance(claims["amr"], list):
        raise InvalidClaimError("amr")
    auth_time = claims.get("auth_time")
    if auth_time and not isinstance(auth_time, int | float):
        raise InvalidClaimError("auth_time")
    # Several audiences, or one that is not us: the party it was issued to must be named, as us.
    audience = claims["aud"]
    sole = audience[0] if isinstance(audience, list) and len(audience) == 1 else audience
    azp = claims.get("azp")
    if sole != client_id and not azp:
        raise jwt.MissingRequiredClaimError("azp")
    if azp and azp != client_id:
        raise InvalidClaimError("azp")
    at_hash = claims.get("at_hash")
    if at_hash and access_token and not _same(at_hash, _half_hash(access_token, algorithm)):
        raise InvalidClaimError("at_hash")


def verify_id_token(
    token: str,
    keys: list[dict[str, Any]],
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    access_token: str | None,
) -> dict[str, Any]:
    """The token's claims, or a jwt.PyJWTError naming what is wrong with it."""
    header = jwt.get_unverified_header(token)
    key = _signing_key(keys, header)
    claims: dict[str, Any] = jwt.decode(
        token,
        key,
        algorithms=list(ALGORITHMS),
        audience=client_id,
        issuer=issuer,
        options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        leeway=_LEEWAY_SECONDS,
    )
    _check_oidc_claims(
        claims, key.algorithm_name, client_id=client_id, nonce=nonce, access_token=access_token
    )
    return claims
