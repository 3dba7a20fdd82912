"""An API that trusts a stand-in issuer, for the tests of third-party sign-in at the API."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from cinepass.api import create_app
from cinepass.config import Settings
from tests.conftest import make_settings
from tests.oidc.issuer import Issuer, running_issuer
from tests.support import Api, LiveServer, bearer


@dataclass
class ProviderApi:
    http: httpx.Client
    issuer: Issuer
    api: Api

    def link(self, token: str, id_token: str) -> httpx.Response:
        """The signed-in user (`token`) links the provider account of `id_token`."""
        return self.http.post(
            "/api/auth/identities", json={"idToken": id_token}, headers=bearer(token)
        )

    def identities(self, token: str) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = self.http.get(
            "/api/auth/identities", headers=bearer(token)
        ).json()["data"]
        return listed

    def sign_in(self, id_token: str, key: str | None = None) -> httpx.Response:
        return self.http.post(
            "/api/auth/sign-provider",
            json={"idToken": id_token, "apiKeyToken": key or self.api.public_key},
        )


@contextlib.contextmanager
def provider_server(
    api: Api, settings: Settings, **groups: dict[str, object]
) -> Iterator[ProviderApi]:
    """An API on the suite's database that trusts a fresh stand-in issuer."""
    with running_issuer() as issuer:
        trusting = make_settings(
            settings.database.url,
            **groups,
            oidc={
                "trusted_issuers": [
                    {"issuer": issuer.url, "audiences": [issuer.audience], "provider": "stand-in"}
                ]
            },
        )
        with (
            LiveServer(create_app(trusting)) as server,
            httpx.Client(base_url=server.url, timeout=30) as http,
        ):
            yield ProviderApi(http, issuer, api)


@pytest.fixture
def provider_api(api: Api, settings: Settings) -> Iterator[ProviderApi]:
    with provider_server(api, settings) as provider:
        yield provider
