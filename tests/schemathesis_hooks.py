"""Hooks for the schemathesis run of tests/test_openapi_conformance.py (loaded by its CLI).

Each route gets the credentials it documents: sign-in the admin's Basic credentials, Bearer
routes an admin token (fuzzing sign-out ends it; the 401 that follows fetches another), and the
routes that change or end a whole account (password, email, sign out everywhere) a token of a
throwaway user whose password the run knows, so that a change that succeeds locks nobody else
out. Passkey credentials come from a software authenticator (tests/passkeys/authenticator.py)
answering real ceremonies: a valid registration adds a passkey to the admin, a valid sign-in
uses one."""

from __future__ import annotations

import base64
import json
import os
import random
import uuid
from typing import Any

import httpx
import schemathesis

from tests.passkeys.authenticator import Authenticator

API = os.environ.get("CINEPASS_FUZZ_API", "")
EMAIL = os.environ.get("CINEPASS_FUZZ_EMAIL", "")
PASSWORD = os.environ.get("CINEPASS_FUZZ_PASSWORD", "")
ADMIN_KEY = os.environ.get("CINEPASS_FUZZ_ADMIN_KEY", "")
PUBLIC_KEY = os.environ.get("CINEPASS_FUZZ_PUBLIC_KEY", "")
THROWAWAY_PASSWORD = os.environ.get("CINEPASS_FUZZ_THROWAWAY_PASSWORD", "")
CURSORS = json.loads(os.environ.get("CINEPASS_FUZZ_CURSORS", "[]"))
AUDIT_CURSORS = json.loads(os.environ.get("CINEPASS_FUZZ_AUDIT_CURSORS", "[]"))
LINK_TOKENS = os.environ.get("CINEPASS_FUZZ_LINK_TOKENS", "")
WEB_ORIGIN = os.environ.get("CINEPASS_FUZZ_WEB_ORIGIN", "")
PASSWORD_CHANGE = "/api/auth/password"
EMAIL_CHANGE = "/api/auth/email"
THROWAWAY_ROUTES = (PASSWORD_CHANGE, EMAIL_CHANGE, "/api/auth/sign-out-everywhere")


def _throwaway(ctx: Any) -> bool:
    return str(ctx.operation.path) in THROWAWAY_ROUTES


def _needs_bearer(ctx: Any) -> bool:
    security = ctx.operation.definition.raw.get("security") or []
    return not _throwaway(ctx) and any("HTTPBearer" in requirement for requirement in security)


def _token(email: str, password: str, key: str) -> str:
    r = httpx.post(f"{API}/api/auth/sign-in", auth=(email, password), json={"apiKeyToken": key})
    r.raise_for_status()
    token: str = r.json()["token"]
    return token


def _set_bearer(case: schemathesis.Case, token: str) -> None:
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@schemathesis.auth(refresh_interval=None).apply_to(path="/api/auth/sign-in")
class AdminCredentials:
    def get(self, case: schemathesis.Case, ctx: Any) -> tuple[str, str]:
        return EMAIL, PASSWORD

    def set(self, case: schemathesis.Case, data: tuple[str, str], ctx: Any) -> None:
        credentials = base64.b64encode(":".join(data).encode()).decode()
        case.headers = {**(case.headers or {}), "Authorization": f"Basic {credentials}"}


@schemathesis.auth(refresh_interval=None).apply_to(_throwaway)
class ThrowawayUser:
    def get(self, case: schemathesis.Case, ctx: Any) -> str:
        email = f"fuzz-{uuid.uuid4().hex[:12]}@example.com"
        r = httpx.post(
            f"{API}/api/auth/sign-up",
            json={
                "name": "Fuzz",
                "email": email,
                "password": THROWAWAY_PASSWORD,
                "apiKeyToken": PUBLIC_KEY,
            },
        )
        r.raise_for_status()
        return _token(email, THROWAWAY_PASSWORD, PUBLIC_KEY)

    def set(self, case: schemathesis.Case, data: str, ctx: Any) -> None:
        _set_bearer(case, data)


@schemathesis.auth().apply_to(_needs_bearer)
class AdminToken:
    def get(self, case: schemathesis.Case, ctx: Any) -> str:
        return _token(EMAIL, PASSWORD, ADMIN_KEY)

    def set(self, case: schemathesis.Case, data: str, ctx: Any) -> None:
        _set_bearer(case, data)


def _positive(case: schemathesis.Case) -> bool:
    return case.meta is not None and case.meta.generation.mode == "positive"


@schemathesis.hook("map_case").apply_to(path="/api/movies", method="GET")
def issued_cursor(ctx: Any, case: schemathesis.Case) -> schemathesis.Case:
    """A valid cursor is one the server issued; a generated one is refused, as documented."""
    if _positive(case) and case.query and "cursor" in case.query:
        case.query["cursor"] = random.choice(CURSORS)
    return case


@schemathesis.hook("map_case").apply_to(path="/api/admin/audit", method="GET")
def issued_audit_cursor(ctx: Any, case: schemathesis.Case) -> schemathesis.Case:
    """As for the movies: a valid audit cursor is one the server issued."""
    if _positive(case) and case.query and "cursor" in case.query:
        case.query["cursor"] = random.choice(AUDIT_CURSORS)
    return case


@schemathesis.hook("map_case").apply_to(path=PASSWORD_CHANGE)
def known_current_password(ctx: Any, case: schemathesis.Case) -> schemathesis.Case:
    """Only the caller knows their password: a valid change states the throwaway user's."""
    if _positive(case) and isinstance(case.body, dict) and "currentPassword" in case.body:
        case.body["currentPassword"] = THROWAWAY_PASSWORD
    return case


def _fresh_link_token(case: schemathesis.Case, kind: str) -> schemathesis.Case:
    """A mailed token works once and cannot be generated: a valid request carries a new one."""
    if _positive(case) and isinstance(case.body, dict) and "token" in case.body:
        case.body["token"] = httpx.get(f"{LINK_TOKENS}/{kind}", timeout=30).text
    return case


@schemathesis.hook("map_case").apply_to(path="/api/auth/verify-email")
def verification_token(ctx: Any, case: schemathesis.Case) -> schemathesis.Case:
    return _fresh_link_token(case, "verify_email")


@schemathesis.hook("map_case").apply_to(path="/api/auth/password-reset/confirm")
def reset_token(ctx: Any, case: schemathesis.Case) -> schemathesis.Case:
    return _fresh_link_token(case, "password_reset")


@schemathesis.hook("map_case").apply_to(path=EMAIL_CHANGE)
def known_password(ctx: Any, case: schemathesis.Case) -> schemathesis.Case:
    if _positive(case) and isinstance(case.body, dict) and "password" in case.body:
        case.body["password"] = THROWAWAY_PASSWORD
    return case


# The admin's passkey that signs in (kept), and how many others the run lets the admin hold
# (an account holds at most 20): the newest beyond them go, so the oldest, the run's path values
# for PATCH and DELETE, stay.
_SIGN_IN_PASSKEY: list[str] = []
_KEEP_AT_MOST = 12


def _prune_passkeys(token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    r = httpx.get(f"{API}/api/auth/passkeys", headers=headers)
    r.raise_for_status()
    others = [p["id"] for p in r.json()["data"] if p["id"] not in _SIGN_IN_PASSKEY]
    for passkey_id in others[_KEEP_AT_MOST:]:
        httpx.delete(f"{API}/api/auth/passkeys/{passkey_id}", headers=headers)


def _passkey_registration(token: str) -> tuple[str, dict[str, Any]]:
    _prune_passkeys(token)
    r = httpx.post(
        f"{API}/api/auth/passkeys/registration",
        json={},
        headers={"Authorization": f"Bearer {token}"},
    )
    r.raise_for_status()
    data = r.json()["data"]
    return data["ceremonyToken"], data["options"]


_AUTHENTICATORS: list[Authenticator] = []


def _admin_authenticator() -> Authenticator:
    """An authenticator holding a passkey of the admin (registered on first use)."""
    if not _AUTHENTICATORS:
        token = _token(EMAIL, PASSWORD, ADMIN_KEY)
        ceremony, options = _passkey_registration(token)
        authenticator = Authenticator(rp_id=options["rp"]["id"], origin=WEB_ORIGIN)
        r = httpx.post(
            f"{API}/api/auth/passkeys",
            json={"ceremonyToken": ceremony, "credential": authenticator.create(options)},
            headers={"Authorization": f"Bearer {token}"},
        )
        r.raise_for_status()
        _SIGN_IN_PASSKEY.append(r.json()["data"]["id"])
        _AUTHENTICATORS.append(authenticator)
    return _AUTHENTICATORS[0]


@schemathesis.hook("map_case").apply_to(path="/api/auth/passkeys", method="POST")
def passkey_registration(ctx: Any, case: schemathesis.Case) -> schemathesis.Case:
    """A credential only an authenticator can make, for a ceremony only the server can start:
    a valid request answers a real ceremony of the admin (the user the run's token is for)."""
    if _positive(case) and isinstance(case.body, dict):
        ceremony, options = _passkey_registration(_token(EMAIL, PASSWORD, ADMIN_KEY))
        authenticator = Authenticator(rp_id=options["rp"]["id"], origin=WEB_ORIGIN)
        case.body["ceremonyToken"] = ceremony
        case.body["credential"] = authenticator.create(options)
    return case


@schemathesis.hook("map_case").apply_to(path="/api/auth/sign-in/passkey")
def passkey_sign_in(ctx: Any, case: schemathesis.Case) -> schemathesis.Case:
    """A valid sign-in is one of the admin's passkeys answering a ceremony the server started."""
    if _positive(case) and isinstance(case.body, dict):
        r = httpx.post(f"{API}/api/auth/passkey/options", json={"apiKeyToken": PUBLIC_KEY})
        r.raise_for_status()
        case.body["apiKeyToken"] = PUBLIC_KEY
        case.body["ceremonyToken"] = r.json()["ceremonyToken"]
        case.body["credential"] = _admin_authenticator().get(r.json()["options"])
    return case


# The admin console's routes act on real users and keys. The run may change, sign out or revoke
# only what it made: a user or key that existed before it (the suite's admin, the render
# server's key, the accounts other tests hold) is swapped, right before the call, for a
# throwaway one (the stateful phase finds real ids in the lists it reads).
_EXISTING: dict[str, set[str]] = {}
_USER_ROUTES = "/api/admin/users/{user_id}"
_KEY_ROUTE = "/api/admin/api-keys/{api_key_id}"


def _admin_get(path: str, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {_token(EMAIL, PASSWORD, ADMIN_KEY)}"}
    r = httpx.get(f"{API}{path}", params=params, headers=headers)
    r.raise_for_status()
    return r.json()


def _existing(kind: str) -> set[str]:
    if kind not in _EXISTING:
        if kind == "keys":
            _EXISTING[kind] = {k["id"] for k in _admin_get("/api/admin/api-keys")["data"]}
        else:
            ids: set[str] = set()
            cursor = None
            while True:
                page = _admin_get(
                    "/api/admin/users", limit=100, **({"cursor": cursor} if cursor else {})
                )
                ids |= {u["id"] for u in page["data"]}
                cursor = page["next"]
                if not cursor:
                    break
            _EXISTING[kind] = ids
    return _EXISTING[kind]


def _throwaway_user_id() -> str:
    r = httpx.post(
        f"{API}/api/auth/sign-up",
        json={
            "name": "Fuzz",
            "email": f"fuzz-{uuid.uuid4().hex[:12]}@example.com",
            "password": THROWAWAY_PASSWORD,
            "apiKeyToken": PUBLIC_KEY,
        },
    )
    r.raise_for_status()
    user_id: str = r.json()["data"]
    return user_id


def _throwaway_key_id() -> str:
    headers = {"Authorization": f"Bearer {_token(EMAIL, PASSWORD, ADMIN_KEY)}"}
    r = httpx.post(
        f"{API}/api/admin/api-keys", json={"name": "Fuzz", "preset": "public"}, headers=headers
    )
    r.raise_for_status()
    key_id: str = r.json()["data"]["id"]
    return key_id


@schemathesis.hook
def before_call(context: Any, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
    path, params = str(case.operation.path), case.path_parameters or {}
    if path.startswith(_USER_ROUTES) and params.get("user_id") in _existing("users"):
        case.path_parameters = {**params, "user_id": _throwaway_user_id()}
    elif path == _KEY_ROUTE and params.get("api_key_id") in _existing("keys"):
        case.path_parameters = {**params, "api_key_id": _throwaway_key_id()}


@schemathesis.hook("map_case").apply_to(path="/api/admin/users", method="GET")
def issued_user_cursor(ctx: Any, case: schemathesis.Case) -> schemathesis.Case:
    """A valid cursor is one the server issued."""
    if _positive(case) and case.query and "cursor" in case.query:
        case.query["cursor"] = _admin_get("/api/admin/users", limit=1)["next"]
    return case


@schemathesis.hook("map_case").apply_to(path="/api/admin/movies/import")
def importable_rows(ctx: Any, case: schemathesis.Case) -> schemathesis.Case:
    """A CSV the schema calls valid (any string) may lack the header row: a valid one has it."""
    if _positive(case) and case.media_type == "text/csv":
        title = f"Fuzz {uuid.uuid4().hex[:8]}"
        case.body = (
            "title,year,cover,description,duration,contentRating,source,tags\n"
            f"{title},1962,https://example.org/c.svg,Una película,95,NR,"
            "https://example.org/m.mp4,drama|fuzz\n"
        )
    return case
