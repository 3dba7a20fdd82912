"""`cinepass keys rewrap` and a wrong key-encryption key: issue 8 item 12 (secrets at rest)."""

from __future__ import annotations

import base64
import re
import shlex
import subprocess
import sys
from pathlib import Path

from cinepass import base64url
from cinepass.key_encryption import KeyEncryption, kek_id
from tests.auth.test_signing_keys_at_rest import api_on, fresh_database, new_kek
from tests.cli.conftest import Cli, assert_clear_failure
from tests.support import Database, bearer, free_port


def _id(kek: str) -> str:
    return kek_id(base64.urlsafe_b64decode(kek + "=" * (-len(kek) % 4)))


def test_rewrap_moves_the_signing_keys_to_a_new_key_and_old_tokens_still_verify(
    bare_cli: Cli, database_url: str, tmp_path: Path
) -> None:
    old, new = new_kek(), new_kek()
    with fresh_database(database_url, tmp_path) as url:
        with api_on(url, old) as api:
            token = api.admin_token()
        db = Database(url)

        def sealed_by() -> set[str | None]:
            rows = db.query("SELECT private_pem FROM signing_keys")
            return {KeyEncryption.sealed_by(value) for (value,) in rows}

        assert sealed_by() == {_id(old)}

        rewrapped = bare_cli.ok(
            "keys", "rewrap", CINEPASS_DATABASE_URL=url, CINEPASS_KEY_ENCRYPTION_KEY=f"{new},{old}"
        )
        assert "1 signing key" in rewrapped.stdout
        assert sealed_by() == {_id(new)}

        with api_on(url, new) as api:
            assert api.http.get("/api/movies", headers=bearer(token)).status_code == 200

        refused = bare_cli(
            "api",
            "--port",
            str(free_port()),
            CINEPASS_DATABASE_URL=url,
            CINEPASS_KEY_ENCRYPTION_KEY=old,
        )
        error = assert_clear_failure(refused, "CINEPASS_KEY_ENCRYPTION_KEY", "cinepass keys rewrap")
        assert _id(new) in error


def test_a_server_without_the_key_encryption_key_refuses_to_start_and_says_what_to_do(
    bare_cli: Cli, database_url: str, tmp_path: Path
) -> None:
    with fresh_database(database_url, tmp_path) as url:
        with api_on(url, new_kek()):
            pass
        # No setting and no var/key-encryption.key here: a new key would not open the old ones.
        refused = bare_cli("api", "--port", str(free_port()), CINEPASS_DATABASE_URL=url)
        assert_clear_failure(refused, "CINEPASS_KEY_ENCRYPTION_KEY", "rewrap")
        wrong = bare_cli(
            "keys", "rotate", CINEPASS_DATABASE_URL=url, CINEPASS_KEY_ENCRYPTION_KEY=new_kek()
        )
        assert_clear_failure(wrong, "CINEPASS_KEY_ENCRYPTION_KEY")
        malformed = bare_cli(
            "keys", "rewrap", CINEPASS_DATABASE_URL=url, CINEPASS_KEY_ENCRYPTION_KEY="ñandú"
        )
        assert_clear_failure(malformed, "generate one")
        # The command the hint gives makes a key that is accepted.
        command = re.search(r'`python (-c ".*")`', malformed.stderr)
        assert command is not None, malformed.stderr
        made = subprocess.run(
            [sys.executable, *shlex.split(command.group(1))],
            capture_output=True,
            text=True,
            check=True,
        )
        assert len(base64url.decode(made.stdout.strip())) == 32
