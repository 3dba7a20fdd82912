"""Issue 8, refresh tokens only to clients that ask for them: API keys holding offline_access.

`public` (the original's scopes + signin:provider) gets access tokens only; `web` (public +
the admin console's + offline_access) is the render server's. Keys made before keep their
scopes and keep working.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from cinepass.api import create_app
from cinepass.config import Settings
from cinepass.scopes import PRESETS
from tests.conftest import make_settings
from tests.oidc.conftest import ProviderApi, provider_api
from tests.support import Api, LiveServer, bearer, envelope, has_session
from tests.web.conftest import Web, serve_web, web_static

PASSWORD = "a viewer's passphrase"
MakeKey = Callable[[list[str]], str]

__all__ = ["provider_api", "web_static"]  # fixtures of other folders, used here too


def account(api: Api) -> str:
    address = f"offline-{uuid.uuid4().hex[:8]}@example.com"
    api.sign_up(address, PASSWORD)
    return address


def test_the_public_preset_keeps_the_original_scopes_plus_provider_sign_in() -> None:
    assert PRESETS["public"] == (
        "signin:auth",
        "signup:auth",
        "signin:provider",
        "read:movies",
        "read:user-movies",
        "create:user-movies",
        "delete:user-movies",
    )
    # The render server's: the admin console's scopes too (granted to admins' tokens only).
    assert PRESETS["web"] == (
        *PRESETS["public"],
        "create:movies",
        "update:movies",
        "delete:movies",
        "read:users",
        "update:users",
        "read:api-keys",
        "create:api-keys",
        "delete:api-keys",
        "read:audit",
        "offline_access",
    )


def test_a_public_key_signs_in_without_a_refresh_token(api: Api, make_key: MakeKey) -> None:
    key = make_key(list(PRESETS["public"]))
    r = api.sign_in(account(api), PASSWORD, key=key)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"token", "expiresIn", "user"}, "no refreshToken, not even null"
    assert api.http.get("/api/user-movies", headers=bearer(body["token"])).status_code == 200


def test_a_web_key_signs_in_with_a_refresh_token_that_refreshes(
    api: Api, make_key: MakeKey
) -> None:
    key = make_key(list(PRESETS["web"]))
    body = api.sign_in(account(api), PASSWORD, key=key).json()
    assert body["refreshToken"].startswith("cpr_")
    r = api.http.post(
        "/api/auth/refresh", json={"refreshToken": body["refreshToken"], "apiKeyToken": key}
    )
    assert r.status_code == 200, r.text
    assert r.json()["refreshToken"] != body["refreshToken"]


def test_access_tokens_do_not_carry_offline_access(api: Api, make_key: MakeKey) -> None:
    import jwt

    key = make_key(list(PRESETS["web"]))
    token = api.sign_in(account(api), PASSWORD, key=key).json()["token"]
    scopes = jwt.decode(token, options={"verify_signature": False})["scope"].split()
    assert "offline_access" not in scopes
    assert "read:movies" in scopes


def test_a_key_without_offline_access_cannot_redeem_a_refresh_token(
    api: Api, make_key: MakeKey
) -> None:
    web_key = make_key(list(PRESETS["web"]))
    public_key = make_key(list(PRESETS["public"]))
    refresh_token = api.sign_in(account(api), PASSWORD, key=web_key).json()["refreshToken"]
    refused = api.http.post(
        "/api/auth/refresh", json={"refreshToken": refresh_token, "apiKeyToken": public_key}
    )
    assert refused.status_code == 403
    assert refused.json()["statusCode"] == 403
    assert 'scope="offline_access"' in refused.headers["www-authenticate"]
    again = api.http.post(
        "/api/auth/refresh", json={"refreshToken": refresh_token, "apiKeyToken": web_key}
    )
    assert again.status_code == 200, "the refused attempt did not spend the token"


def test_a_key_made_before_offline_access_keeps_signing_in_and_ending_sessions(
    api: Api, make_key: MakeKey
) -> None:
    # What `--preset public` made before this change: the same scopes, no offline_access.
    old = make_key(list(PRESETS["public"]))
    address = account(api)
    token = api.sign_in(address, PASSWORD, key=old).json()["token"]
    assert api.http.get("/api/movies", headers=bearer(token)).status_code == 200
    assert api.http.post("/api/auth/sign-out", headers=bearer(token)).status_code == 200
    assert api.http.get("/api/movies", headers=bearer(token)).status_code == 401


def test_provider_sign_in_with_a_public_key_gives_no_refresh_token(
    provider_api: ProviderApi, make_key: MakeKey
) -> None:
    key = make_key(list(PRESETS["public"]))
    r = provider_api.sign_in(provider_api.issuer.id_token(sub=uuid.uuid4().hex), key=key)
    assert r.status_code == 200, r.text
    assert "refreshToken" not in r.json()
    with_web = provider_api.sign_in(
        provider_api.issuer.id_token(sub=uuid.uuid4().hex), key=make_key(list(PRESETS["web"]))
    )
    assert "refreshToken" in with_web.json()


ACCESS_SECONDS = 7  # the render server refreshes 5 s before expiry


@pytest.fixture
def web_without_offline_access(
    settings: Settings, api: Api, make_key: MakeKey, web_static: Path
) -> Iterator[Web]:
    """A render server holding a `public` key, in front of an API of short access tokens."""
    short = make_settings(settings.database.url, tokens={"access_ttl_seconds": ACCESS_SECONDS})
    with (
        LiveServer(create_app(short)) as short_api,
        httpx.Client(base_url=short_api.url, timeout=30) as api_http,
    ):
        behind = Api(
            http=api_http,
            db=api.db,
            admin_key=api.admin_key,
            public_key=make_key(list(PRESETS["public"])),
            admin_email=api.admin_email,
            admin_password=api.admin_password,
        )
        with serve_web(behind, web_static) as site:
            yield site


def test_a_render_server_without_offline_access_asks_to_sign_in_when_the_token_ends(
    web_without_offline_access: Web,
) -> None:
    web = web_without_offline_access
    address = account(web.api)
    with web.browser() as browser:
        signed = web.sign_in(browser, address, PASSWORD)
        assert signed.status_code == 200, signed.text
        started = time.monotonic()
        assert has_session(browser)
        assert browser.get("/api/user-movies").status_code == 200
        time.sleep(max(0.0, started + ACCESS_SECONDS - 5 + 0.5 - time.monotonic()))
        ended = browser.get("/api/user-movies")
        assert ended.status_code == 401, ended.text
        assert envelope(ended) == {
            "statusCode": 401,
            "error": "Unauthorized",
            "message": "your session has ended; sign in again",
        }
        assert web.sign_in(browser, address, PASSWORD).status_code == 200, "signing in again works"
        assert browser.get("/api/user-movies").status_code == 200
