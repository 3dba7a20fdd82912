"""`cinepass users create`: accounts that sign in over HTTP, with the role asked for."""

from __future__ import annotations

import uuid

from tests.cli.conftest import Cli, assert_clear_failure
from tests.support import Api, bearer, movie_body

PASSWORD = "a long enough password"


def _email() -> str:
    return f"cli-{uuid.uuid4().hex[:8]}@example.com"


def test_created_user_can_sign_in_and_the_email_cannot_be_taken_again(cli: Cli, api: Api) -> None:
    email = _email()
    created = cli.ok("users", "create", "--email", email, "--name", "Ada", "--password", PASSWORD)
    assert email in created.stdout

    r = api.sign_in(email, PASSWORD)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["name"] == "Ada"
    # A plain user may not edit the catalogue, even with the admin key.
    token = api.token(email, PASSWORD, api.admin_key)
    assert api.http.post("/api/movies", json=movie_body(), headers=bearer(token)).status_code == 403

    again = cli(
        "users", "create", "--email", email.upper(), "--name", "Eve", "--password", PASSWORD
    )
    assert "already exists" in assert_clear_failure(again)


def test_admin_user_with_the_admin_key_can_create_movies(cli: Cli, api: Api) -> None:
    email = _email()
    cli.ok(
        "users",
        "create",
        "--email",
        email,
        "--name",
        "Root",
        "--password",
        PASSWORD,
        "--role",
        "admin",
    )
    token = api.token(email, PASSWORD, api.admin_key)
    r = api.http.post("/api/movies", json=movie_body(), headers=bearer(token))
    assert r.status_code == 201, r.text
