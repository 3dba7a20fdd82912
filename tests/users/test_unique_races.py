"""Losing a unique-constraint race undoes the losing insert alone, not the caller's earlier work."""

from __future__ import annotations

import uuid

import pytest

from cinepass.api_keys import service as api_keys_service
from cinepass.config import Settings
from cinepass.db.engine import create_engine, create_sessionmaker, session_scope
from cinepass.errors import Conflict
from cinepass.users import service as users_service
from tests.support import Api, run


async def _sign_up_twice_in_one_transaction(settings: Settings, taken: str, first: str) -> str:
    """In one transaction, as a provider sign-in does: earlier work (a key and a first
    account), then an insert that loses the race for an email; then commit."""
    engine = create_engine(settings)
    try:
        async with session_scope(create_sessionmaker(engine)) as db:
            key = await api_keys_service.create(db, name="earlier work", scopes=["read:movies"])
            await users_service.create(db, name="Íñigo", email=first, password_hash=None)
            with pytest.raises(Conflict):
                await users_service.create(db, name="Ñandú", email=taken, password_hash=None)
            return key.key.id
    finally:
        await engine.dispose()


def test_an_email_taken_mid_transaction_is_a_conflict_and_the_earlier_work_commits(
    api: Api, settings: Settings
) -> None:
    first = f"josé.{uuid.uuid4().hex[:8]}@ejemplo.es"
    # The admin's address in another letter case: the unique email key refuses it at insert.
    taken = api.admin_email.upper()

    key_id = run(_sign_up_twice_in_one_transaction(settings, taken, first))

    assert api.db.scalar("SELECT name FROM api_keys WHERE id = :id", id=key_id) == "earlier work"
    assert (
        api.db.scalar("SELECT name FROM users WHERE email_key = :key", key=first.lower()) == "Íñigo"
    )
    assert (
        api.db.scalar(
            "SELECT count(*) FROM users WHERE email_key = :key", key=api.admin_email.lower()
        )
        == 1
    )
