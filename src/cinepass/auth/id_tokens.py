"""Verifying third-party ID tokens at the API: trusted issuers only, keys from their JWKS."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt

from cinepass.auth.tokens import is_canonical_jws
from cinepass.config import TrustedIssuer
from cinepass.errors import InvalidToken, ServiceUnavailable

# An unknown `kid` makes us re-read an issuer's keys at most this often (key rotation),
# so a flood of forged tokens cannot turn into a flood of requests to the provider.
_REFETCH_SECONDS = 30.0
_MAX_TOKEN_LENGTH = 16384


@dataclass
class _IssuerKeys:
    fetched_at: float = 0.0
    keys: dict[str, jwt.PyJWK] = field(default_factory=dict)


class IdTokenVerifier:
    def __init__(self, trusted: list[TrustedIssuer], timeout: float):
        self._trusted = {t.issuer.rstrip("/"): t for t in trusted}
        self._timeout = timeout
        self._keys: dict[str, _IssuerKeys] = {}
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self._timeout, follow_redirects=False)
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def _fetch(self, issuer: TrustedIssuer) -> _IssuerKeys:
        base = issuer.issuer.rstrip("/")
        try:
            discovery = (
                await self._client().get(f"{base}/.well-known/openid-configuration")
            ).json()
            if str(discovery.get("issuer", "")).rstrip("/") != base:
                raise InvalidToken("the provider's discovery document names another issuer")
            document = (await self._client().get(str(discovery["jwks_uri"]))).json()
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise ServiceUnavailable("the sign-in provider cannot be reached") from exc
        keys: dict[str, jwt.PyJWK] = {}
        for jwk in document.get("keys", []):
            try:
                key = jwt.PyJWK(jwk)
            except jwt.PyJWTError:
                continue
            if jwk.get("use", "sig") == "sig" and "kid" in jwk:
                keys[str(jwk["kid"])] = key
        entry = _IssuerKeys(time.monotonic(), keys)
        self._keys[base] = entry
        return entry

    async def _key(self, issuer: TrustedIssuer, kid: str) -> jwt.PyJWK:
        base = issuer.issuer.rstrip("/")
        entry = self._keys.get(base)
        if entry is None or (
            kid not in entry.keys and time.monotonic() - entry.fetched_at > _REFETCH_SECONDS
        ):
            entry = await self._fetch(issuer)
        key = entry.keys.get(kid)
        if key is None:
            raise InvalidToken("the ID token's signing key is not the provider's")
        return key

    async def verify(self, token: str) -> tuple[TrustedIssuer, dict[str, Any]]:
        """The token's trusted issuer and verified claims; anything else is InvalidToken."""
        if not token or len(token) > _MAX_TOKEN_LENGTH:
            raise InvalidToken("invalid ID token")
        if not is_canonical_jws(token):
            raise InvalidToken("malformed ID token")
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise InvalidToken("malformed ID token") from None
        issuer = self._trusted.get(str(unverified.get("iss", "")).rstrip("/"))
        if issuer is None:
            raise InvalidToken("the ID token's issuer is not trusted")
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in issuer.algorithms or not isinstance(kid, str):
            raise InvalidToken("the ID token's algorithm or key is not accepted")
        key = await self._key(issuer, kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=issuer.audiences,
                issuer=str(unverified["iss"]),
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
                leeway=30,
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"invalid ID token: {exc}") from None
        return issuer, claims
