"""Each configured provider's discovery document and keys, and its token endpoint."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import httpx
import jwt

from cinepass.config import OidcProvider
from cinepass.errors import BadRequest, ServiceUnavailable
from cinepass.web.oidc.id_tokens import verify_id_token


class Providers:
    """Each configured provider's discovery document and signing keys, fetched when needed."""

    def __init__(self, providers: list[OidcProvider], origin: str, timeout: float):
        self.by_id = {p.id: p for p in providers}
        self.origin = origin.rstrip("/")
        self._http = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        self._metadata: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, tuple[float, list[dict[str, Any]]]] = {}

    async def aclose(self) -> None:
        await self._http.aclose()

    def redirect_uri(self, provider: OidcProvider) -> str:
        return f"{self.origin}/auth/oidc/{provider.id}/callback"

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ServiceUnavailable(
                "the sign-in provider is unavailable; try again later"
            ) from exc
        if not isinstance(data, dict):
            raise ServiceUnavailable("the sign-in provider answered nonsense")
        return data

    async def metadata(self, provider: OidcProvider) -> dict[str, Any]:
        found = self._metadata.get(provider.id)
        if found is None:
            issuer = provider.issuer.rstrip("/")
            found = await self._get_json(f"{issuer}/.well-known/openid-configuration")
            if str(found.get("issuer", "")).rstrip("/") != issuer:
                raise ServiceUnavailable("the provider's discovery document names another issuer")
            self._metadata[provider.id] = found
        return found

    async def keys(self, provider: OidcProvider, *, fresh: bool = False) -> list[dict[str, Any]]:
        """The provider's public keys (JWKs); `fresh` reads them again, at most every 30 s."""
        cached = self._keys.get(provider.id)
        if cached is not None and not (fresh and time.monotonic() - cached[0] > 30):
            return cached[1]
        document = await self._get_json(str((await self.metadata(provider))["jwks_uri"]))
        found = document.get("keys")
        if not isinstance(found, list):
            raise ServiceUnavailable("the sign-in provider answered nonsense")
        keys = [k for k in found if isinstance(k, dict)]
        self._keys[provider.id] = (time.monotonic(), keys)
        return keys

    async def exchange(self, provider: OidcProvider, code: str, verifier: str) -> dict[str, Any]:
        """Spend the authorization code (with the PKCE verifier) at the token endpoint."""
        endpoint = str((await self.metadata(provider))["token_endpoint"])
        try:
            response = await self._http.post(
                endpoint,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.redirect_uri(provider),
                    "code_verifier": verifier,
                },
                auth=httpx.BasicAuth(
                    quote(provider.client_id, safe=""),
                    quote(provider.client_secret.get_secret_value(), safe=""),
                ),
                headers={"Accept": "application/json"},
            )
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ServiceUnavailable(
                "the sign-in provider is unavailable; try again later"
            ) from exc
        if response.is_error or not isinstance(data, dict) or "id_token" not in data:
            raise BadRequest("the sign-in provider refused the code")
        return data

    async def verify_id_token(
        self, provider: OidcProvider, id_token: str, nonce: str, access_token: str | None
    ) -> dict[str, Any]:
        issuer = str((await self.metadata(provider))["issuer"])

        def verify(keys: list[dict[str, Any]]) -> dict[str, Any]:
            return verify_id_token(
                id_token,
                keys,
                issuer=issuer,
                client_id=provider.client_id,
                nonce=nonce,
                access_token=access_token,
            )

        try:
            try:
                return verify(await self.keys(provider))
            except jwt.PyJWTError:
                # An unknown key may be a rotation at the provider: read its keys again, once.
                return verify(await self.keys(provider, fresh=True))
        except jwt.PyJWTError as exc:
            raise BadRequest(f"the provider's ID token was refused ({type(exc).__name__})") from exc
