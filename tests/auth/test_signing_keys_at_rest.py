"""Issue 8 item 12: the signing keys in the database are sealed; a dump alone mints nothing."""

from __future__ import annotations

import base64
import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from cinepass.api import create_app
from cinepass.auth.signing_keys import public_jwk, thumbprint
from cinepass.db import migrate
from cinepass.key_encryption import KeyEncryption, kek_id
from tests.conftest import Accounts, make_settings, provision
from tests.support import Api, Database, LiveServer, bearer, postgres_database, run
from tests.topology.services import Replica

PEM_MARKERS = (b"PRIVATE KEY", b"-----BEGIN")


def new_kek() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


@contextlib.contextmanager
def fresh_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database of the same kind as the session's (SQLite or PostgreSQL)."""
    if database_url.startswith("sqlite"):
        url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        migrate.upgrade(make_settings(url))
        yield url
        return
    with postgres_database() as url:
        migrate.upgrade(make_settings(url))
        yield url


@contextlib.contextmanager
def api_on(url: str, kek: str) -> Iterator[Api]:
    """An API server on `url` sealing with `kek`, with an admin provisioned."""
    settings = make_settings(url, signing_keys={"encryption_keys": [kek]})
    accounts: Accounts = run(provision(settings))
    with (
        LiveServer(create_app(settings)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield accounts.api(http, url)


def stored_private_keys(db: Database) -> list[tuple[str, str]]:
    return [(kid, value) for kid, value in db.query("SELECT kid, private_pem FROM signing_keys")]


def assert_not_a_private_key(value: str) -> None:
    raw = value.encode()
    assert not any(marker in raw for marker in PEM_MARKERS), value[:40]
    blobs = [raw]
    for part in value.split("."):
        with contextlib.suppress(ValueError):
            blobs.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    for blob in blobs:
        for load in (serialization.load_der_private_key, serialization.load_pem_private_key):
            try:
                load(blob, password=None)
            except (ValueError, TypeError):
                continue
            pytest.fail(f"a private key is readable from the database: {value[:40]}")


def test_a_database_dump_holds_no_private_signing_key(api: Api) -> None:
    api.admin_token()
    rows = stored_private_keys(api.db)
    assert rows
    for _, value in rows:
        assert_not_a_private_key(value)


def test_keys_stored_in_the_clear_are_sealed_at_the_next_start(
    database_url: str, tmp_path: Path
) -> None:
    kek = new_kek()
    with fresh_database(database_url, tmp_path) as url:
        legacy = ed25519.Ed25519PrivateKey.generate()
        kid = thumbprint(public_jwk(legacy.public_key()))
        pem = legacy.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public_pem = (
            legacy.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        db = Database(url)
        db.query(
            "INSERT INTO signing_keys (kid, algorithm, private_pem, public_pem, created_at)"
            " VALUES (:kid, 'EdDSA', :pem, :public_pem, CURRENT_TIMESTAMP)",
            kid=kid,
            pem=pem,
            public_pem=public_pem,
        )
        with api_on(url, kek) as api:
            token = api.admin_token()
            assert api.http.get("/api/movies", headers=bearer(token)).status_code == 200
            sealed = dict(stored_private_keys(db))[kid]
            assert KeyEncryption.sealed_by(sealed) == kek_id(base64.urlsafe_b64decode(kek + "="))
            assert_not_a_private_key(sealed)
            # The same key, now sealed: it still signs the tokens.
            assert KeyEncryption([kek]).open(sealed, kid) == legacy.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )


def test_without_a_configured_key_the_server_makes_one_readable_by_its_owner_only(
    database_url: str, tmp_path: Path
) -> None:
    with fresh_database(database_url, tmp_path) as url:
        replica = Replica(
            "api",
            {
                "CINEPASS_DATABASE_URL": url,
                "CINEPASS_ENVIRONMENT": "test",
                "CINEPASS_LOG_LEVEL": "WARNING",
            },
            tmp_path,
        ).start()
        try:
            replica.wait_ready()
        finally:
            replica.stop()
        kek_file = tmp_path / "var" / "key-encryption.key"
        assert stat.S_IMODE(kek_file.stat().st_mode) == 0o600
        kek = kek_file.read_text().strip()
        [(kid, sealed)] = stored_private_keys(Database(url))
        assert KeyEncryption([kek]).open(sealed, kid)
        assert_not_a_private_key(sealed)
