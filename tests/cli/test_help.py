"""`--help` speaks to a person: no Python type labels, and nothing marked required that is
asked for instead."""

from __future__ import annotations

import re

import pytest

from tests.cli.conftest import Cli

_TYPE_LABEL = re.compile(r"<(?:bool|str|int|float|path|file|list\[[^\]]*\])>")


@pytest.mark.parametrize(
    "command",
    [(), ("up",), ("users", "create"), ("admin", "movies", "create"), ("admin", "movies", "list")],
    ids=lambda c: " ".join(c) or "cinepass",
)
def test_help_shows_no_type_labels(bare_cli: Cli, command: tuple[str, ...]) -> None:
    shown = bare_cli.ok(*command, "--help", COLUMNS="120").stdout
    assert "--help" in shown
    assert not _TYPE_LABEL.search(shown), shown


def test_users_create_help_does_not_call_the_prompted_password_required(bare_cli: Cli) -> None:
    shown = bare_cli.ok("users", "create", "--help", COLUMNS="120").stdout
    (password,) = [line for line in shown.splitlines() if "--password" in line]
    assert "required" not in password
    assert "*" not in password, "Rich marks a required option with *"
    assert "Asked for" in password
    (email,) = [line for line in shown.splitlines() if "--email" in line]
    assert "required" in email
    assert "user|admin" in shown, "choices are still shown"
