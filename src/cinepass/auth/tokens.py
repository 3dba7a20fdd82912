"""Access tokens (RFC 9068 JWTs): signing, and verification with every parameter pinned."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import jwt

from cinepass import base64url
from cinepass.auth.signing_keys import KeyRing
from cinepass.errors import InvalidToken

ACCESS_TOKEN_TYPE = "at+jwt"
_ACCEPTED_TYPES = {"at+jwt", "application/at+jwt"}
_MAX_TOKEN_LENGTH = 8192
_MAX_KID_LENGTH = 128
_VERIFIED_CACHE_SIZE = 4096
_REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "jti", "scope", "client_id"]


@dataclass(frozen=True)
class Principal:
    """Who is calling, as the verified access token says."""

    user_id: str
    name: str
    email: str
    role: str
    scopes: frozenset[str]
    client_id: str
    jti: str
    issued_at: int
    expires_at: int
    session_id: str | None = None
    # How, and when, the user last proved who they are (RFC 8176 `amr`, OIDC `auth_time`).
    amr: tuple[str, ...] = ()
    auth_time: int = 0

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def signed_in_within(self, seconds: int) -> bool:
        return time.time() - self.auth_time <= seconds


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    expires_at: int


class AccessTokens:
    """Signs and verifies access tokens with the key ring's asymmetric keys."""

    def __init__(
        self,
        keys: KeyRing,
        *,
        issuer: str,
        audience: str,
        ttl_seconds: int,
        remember_verified: bool = True,
    ):
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl_seconds
        # Tokens already verified, by their exact text: the same bytes always verify the same
        # way, so a client's next request skips the signature check until `exp` (or until its
        # key is retired). Revocation is checked on every request regardless.
        self._verified: OrderedDict[str, tuple[Principal, str]] = OrderedDict()
        self._remember = remember_verified

    @property
    def ttl_seconds(self) -> int:
        return self._ttl

    def issue(
        self,
        *,
        user_id: str,
        name: str,
        email: str,
        role: str,
        scopes: list[str],
        client_id: str,
        session_id: str,
        amr: list[str],
        auth_time: int,
    ) -> IssuedToken:
        key = self._keys.signing_key()
        now = int(time.time())
        jti = secrets.token_urlsafe(16)
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": user_id,
            "client_id": client_id,
            "sid": session_id,
            "iat": now,
            "nbf": now,
            "exp": now + self._ttl,
            "jti": jti,
            "scope": " ".join(scopes),
            "name": name,
            "email": email,
            "role": role,
            "amr": amr,
            "auth_time": auth_time,
        }
        token = jwt.encode(
            claims,
            key.private,
            algorithm=key.algorithm,
            headers={"kid": key.kid, "typ": ACCESS_TOKEN_TYPE},
        )
        return IssuedToken(token=token, jti=jti, expires_at=now + self._ttl)

    async def verify(self, token: str) -> Principal:
        """Verify or raise InvalidToken; the algorithm comes from our key, never the header."""
        cached = self._verified.get(token)
        if cached is not None:
            principal, kid = cached
            if principal.expires_at > time.time() and self._keys.verification_key(kid):
                return principal
            del self._verified[token]
        principal, kid = await self._verify(token)
        if self._remember:
            self._verified[token] = (principal, kid)
            if len(self._verified) > _VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, str]:
        if not token or len(token) > _MAX_TOKEN_LENGTH:
            raise InvalidToken()
        if not is_canonical_jws(token):
            raise InvalidToken("malformed token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("malformed token") from None
        if str(header.get("typ", "")).lower() not in _ACCEPTED_TYPES:
            raise InvalidToken("not an access token")
        kid = header.get("kid")
        if not isinstance(kid, str) or not 0 < len(kid) <= _MAX_KID_LENGTH:
            raise InvalidToken("unknown signing key")
        key = self._keys.verification_key(kid)
        if key is None:
            await self._keys.refresh_if_stale()
            key = self._keys.verification_key(kid)
            if key is None:
                raise InvalidToken("unknown signing key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.public,
                algorithms=[key.algorithm],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": _REQUIRED_CLAIMS, "verify_signature": True},
            )
        except jwt.PyJWTError:
            raise InvalidToken() from None
        return _principal(claims), kid


def is_canonical_jws(token: str) -> bool:
    """Three unpadded base64url segments, each as the signer wrote it (JWS compact form).

    PyJWT tolerates `=` padding and spare bits, so one signature would have many spellings.
    """
    segments = token.split(".")
    if len(segments) != 3:
        return False
    try:
        for segment in segments:
            base64url.decode(segment)
    except ValueError:
        return False
    return True


def _principal(claims: dict[str, Any]) -> Principal:
    try:
        return Principal(
            user_id=str(claims["sub"]),
            name=str(claims.get("name", "")),
            email=str(claims.get("email", "")),
            role=str(claims.get("role", "user")),
            scopes=frozenset(str(claims["scope"]).split()),
            client_id=str(claims["client_id"]),
            jti=str(claims["jti"]),
            issued_at=int(claims["iat"]),
            expires_at=int(claims["exp"]),
            session_id=str(claims["sid"]) if "sid" in claims else None,
            amr=_methods(claims.get("amr", [])),
            auth_time=int(claims.get("auth_time", 0)),
        )
    except (KeyError, TypeError, ValueError):
        raise InvalidToken() from None


def _methods(amr: Any) -> tuple[str, ...]:
    if not isinstance(amr, list) or not all(isinstance(m, str) for m in amr):
        raise ValueError("amr must be a list of strings")
    return tuple(amr)
