"""`cinepass api-keys`: the keys it creates work over HTTP; their secrets are shown only once."""

from __future__ import annotations

import json
import re
import uuid

from cinepass.scopes import PRESETS
from tests.cli.conftest import Cli, assert_clear_failure
from tests.support import Api, bearer, movie_body


def _name() -> str:
    return f"cli-{uuid.uuid4().hex[:8]}"


def test_created_key_signs_in_over_http_and_its_json_parses(cli: Cli, api: Api) -> None:
    name = _name()
    created = json.loads(
        cli.ok("api-keys", "create", "--name", name, "--preset", "admin", "--json").stdout
    )
    assert set(created) == {"id", "name", "token", "scopes"}
    assert created["name"] == name
    assert created["scopes"] == list(PRESETS["admin"])
    r = api.sign_in(api.admin_email, api.admin_password, created["token"])
    assert r.status_code == 200, r.text


def test_key_list_never_shows_the_secret(cli: Cli) -> None:
    name = _name()
    created = cli.ok("api-keys", "create", "--name", name, "--preset", "public")
    token = re.search(r"token:\s+(\S+)", created.stdout)
    assert token, created
    assert "only its digest is kept" in created.stdout

    listed = cli.ok("api-keys", "list")
    assert name in listed.stdout
    assert token[1] not in listed.output
    assert token[1][:12] in listed.stdout  # the prefix, to tell keys apart


def test_revoked_key_can_no_longer_sign_in(cli: Cli, api: Api) -> None:
    created = json.loads(
        cli.ok("api-keys", "create", "--name", _name(), "--preset", "admin", "--json").stdout
    )
    assert api.sign_in(api.admin_email, api.admin_password, created["token"]).status_code == 200

    assert created["id"] in cli.ok("api-keys", "revoke", created["id"]).stdout

    assert api.sign_in(api.admin_email, api.admin_password, created["token"]).status_code == 401
    listed = cli.ok("api-keys", "list", "--json")
    assert created["token"] not in listed.output
    (entry,) = [k for k in json.loads(listed.stdout) if k["id"] == created["id"]]
    assert entry["revokedAt"] is not None
    # The admin client, signing in with the revoked key, says which setting to fix.
    error = assert_clear_failure(
        cli("admin", "movies", "list", CINEPASS_ADMIN_API_KEY=created["token"]),
        "CINEPASS_ADMIN_API_KEY",
    )
    assert "401" in error


def test_key_with_chosen_scopes_grants_only_those(cli: Cli, api: Api) -> None:
    created = json.loads(
        cli.ok(
            "api-keys", "create", "--name", _name(), "--scopes", "signin:auth,read:movies", "--json"
        ).stdout
    )
    assert created["scopes"] == ["signin:auth", "read:movies"]
    # Even an admin signed in with it may read the catalogue but not add to it.
    token = api.token(api.admin_email, api.admin_password, created["token"])
    assert api.http.get("/api/movies", headers=bearer(token)).status_code == 200
    assert api.http.post("/api/movies", json=movie_body(), headers=bearer(token)).status_code == 403


def test_revoking_an_unknown_key_says_where_to_find_ids(cli: Cli) -> None:
    error = assert_clear_failure(cli("api-keys", "revoke", "no-such-key"), "cinepass api-keys list")
    assert "no-such-key" in error


def test_a_web_key_gets_refresh_tokens_and_a_public_key_does_not(cli: Cli, api: Api) -> None:
    def sign_in_with(preset: str) -> dict[str, object]:
        created = json.loads(
            cli.ok("api-keys", "create", "--name", _name(), "--preset", preset, "--json").stdout
        )
        assert sorted(created["scopes"]) == sorted(PRESETS[preset])
        r = api.sign_in(api.admin_email, api.admin_password, str(created["token"]))
        assert r.status_code == 200, r.text
        body: dict[str, object] = r.json()
        return body

    assert "refreshToken" in sign_in_with("web")
    assert "refreshToken" not in sign_in_with("public")
    assert "web preset" in cli.ok("api-keys", "list").stdout
