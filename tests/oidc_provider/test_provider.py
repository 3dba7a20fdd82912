"""Self-test of the harness: the provider starts, publishes discovery and keys, and stops."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Iterator
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import jwt
import pytest

from tests.oidc_provider.harness import Provider, running_provider

CLIENT_ID, CLIENT_SECRET = "cinepass-test", "cinepass-test-secret"
REDIRECT_URI = "http://127.0.0.1:9/cb"  # never connected to: the tests read the redirect
CLIENT = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [REDIRECT_URI]}
ACCOUNT = {"sub": "ada", "email": "ada@example.com", "name": "Ada Lovelace"}


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider([CLIENT], [ACCOUNT]) as op:
        yield op


def test_discovery_document(provider: Provider) -> None:
    r = httpx.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=10)
    assert r.status_code == 200, r.text
    config = r.json()
    assert config["issuer"] == provider.issuer == f"http://127.0.0.1:{provider.port}"
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        assert config[endpoint].startswith(f"{provider.issuer}/")
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert set(config["scopes_supported"]) >= {"openid", "email", "profile"}
    assert config["response_types_supported"] == ["code"]

    jwks = httpx.get(config["jwks_uri"], timeout=10).json()
    assert jwks["keys"]
    assert all("d" not in key for key in jwks["keys"])  # public halves only


def test_unknown_client_is_refused(provider: Provider) -> None:
    r = httpx.get(
        f"{provider.issuer}/auth",
        params={
            "client_id": "nobody",
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": REDIRECT_URI,
        },
        timeout=10,
    )
    assert r.status_code == 400
    assert "invalid_client" in r.text


def _sign_in(provider: Provider, login: str) -> tuple[dict[str, str], str, str]:
    """Sign in on the provider's form as a browser would: (callback query, verifier, nonce)."""
    verifier, state, nonce = (secrets.token_urlsafe(32) for _ in range(3))
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    with httpx.Client(base_url=provider.issuer, timeout=10) as http:
        r = http.get(
            "/auth",
            params={
                "client_id": CLIENT_ID,
                "response_type": "code",
                "scope": "openid email profile",
                "redirect_uri": REDIRECT_URI,
                "state": state,
                "nonce": nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
            follow_redirects=True,
        )
        assert r.status_code == 200, r.text
        action = re.search(r'<form autocomplete="off" action="([^"]+)"', r.text)
        assert action, r.text
        data = {"prompt": "login", "login": login, "password": "any password"}
        r = http.post(urljoin(str(r.url), action[1]), data=data)
        while not r.headers["location"].startswith(REDIRECT_URI):
            r = http.get(urljoin(str(r.url), r.headers["location"]))
    query = {k: v[0] for k, v in parse_qs(urlsplit(r.headers["location"]).query).items()}
    assert query["state"] == state
    assert query["iss"] == provider.issuer
    return query, verifier, nonce


def test_code_flow_with_pkce(provider: Provider) -> None:
    query, verifier, nonce = _sign_in(provider, "ada@example.com")
    r = httpx.post(
        f"{provider.issuer}/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={
            "grant_type": "authorization_code",
            "code": query["code"],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert r.status_code == 200, r.text
    id_token = r.json()["id_token"]
    key = jwt.PyJWKClient(f"{provider.issuer}/jwks").get_signing_key_from_jwt(id_token)
    audience, issuer = CLIENT_ID, provider.issuer
    claims = jwt.decode(id_token, key.key, algorithms=["RS256"], audience=audience, issuer=issuer)
    assert claims["nonce"] == nonce
    assert (claims["sub"], claims["email"], claims["email_verified"], claims["name"]) == (
        "ada",
        "ada@example.com",
        True,
        "Ada Lovelace",
    )


def test_deny_login_is_access_denied(provider: Provider) -> None:
    query, _, _ = _sign_in(provider, "deny")
    assert query["error"] == "access_denied"
    assert "code" not in query


def test_stops_on_exit() -> None:
    with running_provider([CLIENT], [ACCOUNT]) as op:
        assert httpx.get(f"{op.issuer}/jwks", timeout=10).status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{op.issuer}/jwks", timeout=2)
