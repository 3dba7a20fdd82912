"""SECURITY.md section C: access tokens are verified with every parameter pinned."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from cinepass.api import create_app
from cinepass.db import migrate
from tests.auth.forge import ServerKey, claims_like, hs256, now, split, unsigned
from tests.conftest import make_settings
from tests.support import Api, LiveServer, bearer

pytestmark = pytest.mark.usefixtures("api")


def get_movies(api: Api, token: str) -> tuple[int, str]:
    r = api.http.get("/api/movies", headers=bearer(token))
    return r.status_code, r.headers.get("www-authenticate", "")


def assert_rejected(api: Api, token: str) -> None:
    status, challenge = get_movies(api, token)
    assert status == 401, token
    assert challenge == 'Bearer error="invalid_token"'


def test_a_real_token_is_accepted_and_has_the_rfc9068_shape(
    api: Api, user: tuple[str, str]
) -> None:
    user_id, token = user
    header, claims, _ = split(token)
    assert header["typ"] == "at+jwt"
    assert header["alg"] in {"EdDSA", "ES256"}
    assert header["kid"]
    assert claims["sub"] == user_id
    assert claims["iss"] == "http://cinepass.test"
    assert claims["aud"] == "cinepass-api"
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert {"jti", "client_id", "name", "email", "scope"} <= claims.keys()
    assert get_movies(api, token)[0] == 200


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_alg_none_in_any_casing_is_rejected(api: Api, user: tuple[str, str], alg: str) -> None:
    header, claims, _ = split(user[1])
    assert_rejected(api, unsigned({**header, "alg": alg}, claims))


@pytest.mark.parametrize(
    "token",
    [
        "abc",
        "a.b",
        "a.b.c.d",
        "....",
        "eyJ!!!.eyJ***.sig",
        "e30.e30.",
        "x" * 9000,
    ],
)
def test_malformed_tokens_are_rejected(api: Api, token: str) -> None:
    assert_rejected(api, token)


def test_token_resigned_hs256_with_the_public_key_is_rejected(
    api: Api, user: tuple[str, str]
) -> None:
    key = ServerKey(api.db)
    header, claims, _ = split(user[1])
    assert_rejected(api, hs256({**header, "alg": "HS256"}, claims, key.public_pem))


def test_embedded_jwk_is_ignored(api: Api, user: tuple[str, str]) -> None:
    attacker = ed25519.Ed25519PrivateKey.generate()
    jwk = jwt.algorithms.OKPAlgorithm.to_jwk(attacker.public_key(), as_dict=True)
    header, claims, _ = split(user[1])
    forged = jwt.encode(claims, attacker, algorithm="EdDSA", headers={**header, "jwk": jwk})
    assert_rejected(api, forged)


def test_jku_and_x5u_headers_are_never_fetched(api: Api, user: tuple[str, str]) -> None:
    fetched: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fetched.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        attacker = ed25519.Ed25519PrivateKey.generate()
        _, claims, _ = split(user[1])
        url = f"http://127.0.0.1:{server.server_port}/jwks.json"
        for extra in ({"jku": url}, {"x5u": url}, {"jku": url, "kid": "attacker"}):
            forged = jwt.encode(
                claims,
                attacker,
                algorithm="EdDSA",
                headers={"typ": "at+jwt", "kid": "attacker", **extra},
            )
            assert_rejected(api, forged)
    finally:
        server.shutdown()
        server.server_close()
    assert fetched == []


@pytest.mark.parametrize(
    "kid",
    ["../../../../etc/passwd", "' OR '1'='1", "k" * 5000, "", 42, None, {"a": 1}, ["x"], "\u0000"],
)
def test_hostile_kid_values_are_401_never_500(api: Api, user: tuple[str, str], kid: object) -> None:
    header, claims, signature = split(user[1])
    assert_rejected(api, unsigned({**header, "kid": kid}, claims, signature))


def test_tampered_claims_fail_the_signature(api: Api, user: tuple[str, str]) -> None:
    header, claims, signature = split(user[1])
    escalated = {
        **claims,
        "scope": claims["scope"] + " create:movies delete:movies",
        "role": "admin",
    }
    assert_rejected(api, unsigned(header, escalated, signature))


@pytest.mark.parametrize("cut", ["empty", "truncated", "flipped"])
def test_truncated_empty_or_altered_signature_is_rejected(
    api: Api, user: tuple[str, str], cut: str
) -> None:
    head, payload, signature = user[1].split(".")
    bad = {
        "empty": "",
        "truncated": signature[:-6],
        "flipped": ("A" if signature[0] != "A" else "B") + signature[1:],
    }[cut]
    assert_rejected(api, f"{head}.{payload}.{bad}")


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": now() - 60},
        {"exp": None},
        {"nbf": now() + 3600},
        {"aud": None},
        {"aud": "someone-else"},
        {"aud": ["someone-else"]},
        {"iss": "https://evil.example"},
        {"iss": None},
        {"sub": None},
        {"scope": None},
    ],
    ids=lambda c: ",".join(f"{k}={'missing' if v is None else 'bad'}" for k, v in c.items()),
)
def test_validly_signed_tokens_with_bad_claims_are_rejected(
    api: Api, user: tuple[str, str], changes: dict[str, object]
) -> None:
    key = ServerKey(api.db)
    assert get_movies(api, key.sign(claims_like(user[1])))[0] == 200, "control: re-signing works"
    assert_rejected(api, key.sign(claims_like(user[1], **changes)))


@pytest.mark.parametrize("typ", ["JWT", "id+jwt", "refresh+jwt", None])
def test_other_token_kinds_are_not_access_tokens(
    api: Api, user: tuple[str, str], typ: str | None
) -> None:
    key = ServerKey(api.db)
    claims = claims_like(user[1])
    header = {"kid": key.kid, "typ": typ} if typ else {"kid": key.kid}
    token = jwt.encode(claims, key.private, algorithm=key.algorithm, headers=header)  # type: ignore[arg-type]
    if typ is None:
        token = unsigned({"alg": key.algorithm, "kid": key.kid}, claims, token.split(".")[2])
    assert_rejected(api, token)


def test_unknown_kid_is_rejected(api: Api, user: tuple[str, str]) -> None:
    attacker = ed25519.Ed25519PrivateKey.generate()
    forged = jwt.encode(
        claims_like(user[1]),
        attacker,
        algorithm="EdDSA",
        headers={"typ": "at+jwt", "kid": "not-ours"},
    )
    assert_rejected(api, forged)


def test_jwks_publishes_the_verifying_key_with_its_kid(api: Api, user: tuple[str, str]) -> None:
    r = api.http.get("/.well-known/jwks.json")
    assert r.status_code == 200
    keys = r.json()["keys"]
    header, _, _ = split(user[1])
    published = {k["kid"]: k for k in keys}
    assert header["kid"] in published
    jwk = published[header["kid"]]
    assert jwk["kty"] in {"OKP", "EC"}
    assert "d" not in jwk, "the private part must never be published"
    public = jwt.PyJWK(jwk)
    claims = jwt.decode(user[1], public, algorithms=[jwk["alg"]], audience="cinepass-api")
    assert claims["sub"] == user[0]


def test_signing_keys_are_distinct_per_installation(
    api: Api, user: tuple[str, str], tmp_path: Path
) -> None:
    key = ServerKey(api.db)
    assert key.algorithm in {"EdDSA", "ES256"}
    other = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")
    migrate.upgrade(other)
    with LiveServer(create_app(other)) as second, httpx.Client(base_url=second.url) as http:
        theirs = http.get("/.well-known/jwks.json").json()["keys"]
        refused = http.get("/api/movies", headers=bearer(user[1]))
    ours = api.http.get("/.well-known/jwks.json").json()["keys"]
    assert key.kid in {k["kid"] for k in ours}
    assert theirs, "the second installation made a key of its own"
    assert not {k["kid"] for k in ours} & {k["kid"] for k in theirs}
    assert not {k["x"] for k in ours} & {k["x"] for k in theirs}
    assert refused.status_code == 401, "a token of one installation means nothing to another"


def test_a_token_in_the_query_string_is_refused(api: Api, user: tuple[str, str]) -> None:
    r = api.http.get("/api/movies", params={"access_token": user[1]})
    assert r.status_code in {400, 401}
    r = api.http.get("/api/movies", params={"access_token": user[1]}, headers=bearer(user[1]))
    assert r.status_code == 400


def test_sign_in_answers_are_never_cached(api: Api) -> None:
    r = api.sign_in(api.admin_email, api.admin_password, api.admin_key)
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"


def test_authenticated_answers_are_never_publicly_cacheable(
    api: Api, user: tuple[str, str]
) -> None:
    for path in ("/api/movies", "/api/user-movies"):
        r = api.http.get(path, headers=bearer(user[1]))
        assert r.status_code == 200
        assert "public" not in r.headers["cache-control"]
        assert "no-store" in r.headers["cache-control"]
