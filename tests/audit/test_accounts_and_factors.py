"""Second factors, mailed links and lockouts leave audit rows; failures say why."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import structlog.testing

from cinepass.api import create_app
from cinepass.config import LimitSettings, Settings
from cinepass.mail.letters import LetterKind
from tests.accounts.conftest import confirm_reset, mailed_token, request_reset, verify
from tests.audit.conftest import one, trail
from tests.conftest import make_settings
from tests.mail_inbox import Inbox
from tests.mfa.conftest import new_user, user_with_totp
from tests.support import Api, LiveServer, bearer


def user_id_of(api: Api, email: str) -> str:
    found: str = api.db.scalar("SELECT id FROM users WHERE email = :e", e=email)
    return found


def test_second_factor_changes_and_wrong_codes_are_recorded(api: Api) -> None:
    user = user_with_totp(api)
    user_id = user_id_of(api, user.email)
    assert one(api, "mfa.enabled", user=user_id)["actorUserId"] == user_id
    wrong = user.complete(user.mfa_token(), "000000")
    assert wrong.status_code == 401
    failed = one(api, "auth.sign_in_failed", user=user_id)
    assert failed["reason"] == "wrong_second_factor"
    assert failed["requestId"] == wrong.headers["x-request-id"]
    # The app's current code was spent turning it on: a recovery code signs in.
    token = user.complete(user.mfa_token(), user.recovery_codes[0]).json()["token"]
    r = api.http.post(
        "/api/auth/mfa/recovery-codes", json={"code": user.recovery_codes[1]}, headers=bearer(token)
    )
    assert r.status_code == 200, r.text
    assert (
        one(api, "mfa.recovery_codes_renewed", user=user_id)["requestId"]
        == (r.headers["x-request-id"])
    )
    fresh = r.json()["data"]["codes"]
    r = api.http.post("/api/auth/mfa/disable", json={"code": fresh[0]}, headers=bearer(token))
    assert r.status_code == 200, r.text
    assert one(api, "mfa.disabled", user=user_id)["outcome"] == "success"


def test_email_verification_and_password_reset_are_recorded(api: Api, inbox: Inbox) -> None:
    user = new_user(api)
    user_id = user_id_of(api, user.email)
    r = verify(api, mailed_token(inbox, user.email, LetterKind.VERIFY_EMAIL))
    assert r.status_code == 200, r.text
    assert (
        one(api, "account.email_verified", user=user_id)["requestId"] == (r.headers["x-request-id"])
    )
    assert request_reset(api.http, api, user.email).status_code == 202
    token = mailed_token(inbox, user.email, LetterKind.PASSWORD_RESET)
    r = confirm_reset(api, token, "una contraseña nueva y larga")
    assert r.status_code == 200, r.text
    reset = one(api, "account.password_reset", user=user_id)
    assert reset["requestId"] == r.headers["x-request-id"]
    assert not trail(api, action="account.password_changed", user=user_id)


@pytest.fixture
def lockout(settings: Settings) -> Iterator[httpx.Client]:
    """A server of its own whose sign-in limits are the shipped defaults (5 per account)."""
    defaults = LimitSettings.model_fields
    server_settings = make_settings(
        settings.database.url,
        limits={"signin_failures_per_account": defaults["signin_failures_per_account"].default},
    )
    with (
        LiveServer(create_app(server_settings)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http


def test_a_lockout_is_recorded_and_logged_as_a_warning(api: Api, lockout: httpx.Client) -> None:
    user = new_user(api)
    for _ in range(5):
        r = lockout.post(
            "/api/auth/sign-in", auth=(user.email, "mal"), json={"apiKeyToken": api.public_key}
        )
        assert r.status_code == 401
    with structlog.testing.capture_logs() as logged:
        locked = user.sign_in(lockout)
    assert locked.status_code == 429
    event = one(api, "auth.locked_out")
    assert event["requestId"] == locked.headers["x-request-id"]
    assert (event["outcome"], event["reason"]) == ("failure", "too_many_failures")
    assert event["targetId"] == user.email.lower()
    assert any(
        e["log_level"] == "warning" and e.get("request_id") == locked.headers["x-request-id"]
        for e in logged
    ), logged
