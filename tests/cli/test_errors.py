"""Failures end in one `error:` line and one `hint:` line saying what to do, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Cli, assert_clear_failure
from tests.support import Api, built_spa, free_port
from tests.web.conftest import serve_web


@pytest.mark.parametrize(
    ("url", "hint_words"),
    [
        pytest.param(
            "postgresql+asyncpg://cinepass:s3cret@127.0.0.1:{port}/cinepass",
            ["CINEPASS_DATABASE_URL", "cinepass db upgrade"],
            id="nothing-listening",
        ),
        pytest.param(
            "sqlite+aiosqlite:///{tmp}/a-file/cinepass.db",
            ["CINEPASS_DATABASE_URL", "cinepass db upgrade"],
            id="sqlite-path-under-a-file",
        ),
        pytest.param(
            "sqlite:///{tmp}/cinepass.db",
            ["CINEPASS_DATABASE_URL", "sqlite+aiosqlite"],
            id="driver-not-async",
        ),
    ],
)
def test_unusable_database_url_gets_one_line_and_a_hint(
    bare_cli: Cli, tmp_path: Path, url: str, hint_words: list[str]
) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    url = url.format(port=free_port(), tmp=tmp_path)
    result = bare_cli("api-keys", "list", CINEPASS_DATABASE_URL=url)
    error = assert_clear_failure(result, *hint_words)
    assert "database" in error.lower()
    assert "s3cret" not in result.output  # the password in the URL is never printed


def test_missing_admin_settings_are_named(bare_cli: Cli) -> None:
    result = bare_cli(
        "admin", "movies", "list", CINEPASS_ADMIN_API_KEY="cpk_x", CINEPASS_ADMIN_PASSWORD="pw"
    )
    error = assert_clear_failure(result, "cinepass api-keys create", "cinepass users create")
    assert "CINEPASS_ADMIN_EMAIL" in error
    assert "CINEPASS_ADMIN_API_KEY" not in error
    assert "CINEPASS_ADMIN_PASSWORD" not in error


def test_unreachable_api_gets_one_line_and_a_hint(bare_cli: Cli) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = bare_cli(
        "admin",
        "movies",
        "list",
        CINEPASS_API_URL=url,
        CINEPASS_ADMIN_API_KEY="cpk_x",
        CINEPASS_ADMIN_EMAIL="admin@example.com",
        CINEPASS_ADMIN_PASSWORD="a long enough password",
    )
    error = assert_clear_failure(result, "CINEPASS_API_URL")
    assert f"cannot reach the API at {url}" in error


def test_the_admin_client_pointed_at_the_render_server_says_to_use_the_api(
    cli: Cli, api: Api
) -> None:
    with serve_web(api, built_spa()) as web:
        result = cli("admin", "movies", "list", CINEPASS_API_URL=web.url)
    error = assert_clear_failure(result, "CINEPASS_API_URL=http://127.0.0.1:8000")
    assert f"CINEPASS_API_URL ({web.url}) is the render server" in error, error
    assert "CSRF" not in result.output
    assert "--role admin" not in result.output, "not a question of the admin's role"
