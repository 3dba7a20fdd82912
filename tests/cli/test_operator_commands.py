"""`cinepass users disable|enable|delete` and `cinepass keys`: operators end tokens from outside."""

from __future__ import annotations

import uuid

from tests.auth.forge import split
from tests.cli.conftest import Cli
from tests.support import Api, bearer, eventually

PASSWORD = "an operator's test passphrase"


def _account(api: Api) -> tuple[str, str]:
    email = f"op-{uuid.uuid4().hex[:8]}@example.com"
    api.sign_up(email, PASSWORD)
    return email, api.token(email, PASSWORD)


def _refused(api: Api, token: str) -> bool:
    return api.http.get("/api/movies", headers=bearer(token)).status_code == 401


def test_disable_ends_a_users_tokens_and_enable_lets_them_back(cli: Cli, api: Api) -> None:
    email, token = _account(api)
    assert "disabled" in cli.ok("users", "disable", email).stdout
    assert eventually(lambda: _refused(api, token), seconds=3)
    assert api.sign_in(email, PASSWORD).status_code == 401
    cli.ok("users", "enable", email)
    assert api.sign_in(email, PASSWORD).status_code == 200


def test_delete_removes_the_user_and_ends_their_tokens(cli: Cli, api: Api) -> None:
    email, token = _account(api)
    cli.ok("users", "delete", email)
    assert eventually(lambda: _refused(api, token), seconds=3)
    assert api.sign_in(email, PASSWORD).status_code == 401
    assert cli("users", "delete", email).code == 1


def test_keys_rotate_then_retire_without_restarting_the_api(cli: Cli, api: Api) -> None:
    _, old_token = _account(api)
    old_kid = split(old_token)[0]["kid"]
    rotated = cli.ok("keys", "rotate").stdout
    new_kid = rotated.split("new signing key", 1)[1].split()[0]
    assert new_kid != old_kid
    listed = cli.ok("keys", "list").stdout
    assert new_kid in listed
    assert "signs" in listed
    fresh = eventually(lambda: split(t := _account(api)[1])[0]["kid"] == new_kid and t)
    assert not _refused(api, old_token), "older keys keep verifying until retired"
    # "--": a kid is base64url, so one in 64 starts with "-" and would read as an option.
    cli.ok("keys", "retire", "--", old_kid)
    assert eventually(lambda: _refused(api, old_token), seconds=3)
    assert not _refused(api, str(fresh))
    assert cli("keys", "retire", "no-such-kid").code == 1
