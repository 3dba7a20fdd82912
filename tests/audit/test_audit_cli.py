"""`cinepass audit list | export | prune`, as an operator runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.audit.conftest import email
from tests.cli.conftest import Cli
from tests.support import Api

PASSWORD = "contraseña ñandú 🎬"


def test_list_shows_a_users_events_as_a_table_and_as_json(api: Api, cli: Cli) -> None:
    address = email()
    user_id = api.sign_up(address, PASSWORD)
    r = api.sign_in(address, PASSWORD)
    table = cli.ok("audit", "list", "--user", address, "--since", "1h").stdout
    assert "auth.sign_in" in table
    assert r.headers["x-request-id"] in table
    listed = json.loads(
        cli.ok("audit", "list", "--user", address, "--action", "auth.sign_in", "--json").stdout
    )
    assert [e["action"] for e in listed] == ["auth.sign_in"]
    assert listed[0]["actorUserId"] == user_id
    assert listed[0]["requestId"] == r.headers["x-request-id"]


def test_an_operators_change_is_recorded_as_the_clis(api: Api, cli: Cli) -> None:
    address = email()
    user_id = api.sign_up(address, PASSWORD)
    cli.ok("users", "disable", address)
    cli.ok("users", "enable", address)
    listed = json.loads(cli.ok("audit", "list", "--user", address, "--json").stdout)
    by_action = {e["action"]: e for e in listed}
    for action in ("user.disabled", "user.enabled"):
        event = by_action[action]
        assert (event["targetType"], event["targetId"]) == ("user", user_id)
        assert event["details"] == {"via": "cli"}
        assert event["requestId"] is None
        assert event["actorUserId"] is None


def test_an_unknown_action_or_span_is_a_clear_error(cli: Cli) -> None:
    assert cli("audit", "list", "--action", "nada").code == 1
    assert cli("audit", "list", "--since", "ayer").code == 1


def test_export_writes_json_lines_newest_first(api: Api, cli: Cli) -> None:
    address = email()
    api.sign_up(address, PASSWORD)
    api.sign_in(address, PASSWORD)
    lines = cli.ok("audit", "export", "--since", "1h").stdout.splitlines()
    events = [json.loads(line) for line in lines]
    assert len(events) >= 2
    moments = [e["at"] for e in events]
    assert moments == sorted(moments, reverse=True)
    assert "auth.sign_in" in {e["action"] for e in events}


def test_prune_deletes_only_what_is_older_than_the_retention(api: Api, cli: Cli) -> None:
    address = email()
    api.sign_up(address, PASSWORD)
    user_id = api.db.scalar("SELECT id FROM users WHERE email_key = :e", e=address.lower())
    old = datetime.now(UTC) - timedelta(days=40)
    api.db.query(
        "UPDATE audit_events SET at = :at WHERE target_id = :u", at=api.db.moment(old), u=user_id
    )
    before = api.db.scalar("SELECT count(*) FROM audit_events")
    out = cli.ok("audit", "prune", CINEPASS_AUDIT_RETENTION_DAYS="30").stdout
    assert "pruned" in out
    assert api.db.scalar("SELECT count(*) FROM audit_events WHERE target_id = :u", u=user_id) == 0
    assert 0 < api.db.scalar("SELECT count(*) FROM audit_events") < before
