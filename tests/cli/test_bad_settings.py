"""A bad CINEPASS_* value stops a command with one line naming the variable."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli, assert_clear_failure


@pytest.mark.parametrize(
    ("command", "variable", "value"),
    [
        (["db", "upgrade"], "CINEPASS_ACCESS_TOKEN_TTL_SECONDS", "soon"),
        (["api-keys", "list"], "CINEPASS_TRUSTED_PROXIES", "127.0.0.1"),
        (["web", "--port", "1"], "CINEPASS_WEB_SESSION_KEYS", "not json"),
    ],
)
def test_a_bad_setting_is_named_at_startup(
    bare_cli: Cli, command: list[str], variable: str, value: str
) -> None:
    result = bare_cli(*command, **{variable: value})
    error = assert_clear_failure(result, "environment variable")
    assert error.startswith(f"error: invalid setting: {variable}: "), error
