"""Stored times read back as the same moment, whatever the machine's time zone (SQLite keeps
no zone: naive values used to be taken as local time, moving a revocation's end by hours)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

from cinepass.config import Settings

SCRIPT = """
import asyncio, sys, time
from cinepass.auth.revocation import DatabaseRevocationStore, RevocationEvent
from cinepass.config import Settings
from cinepass.db.engine import create_engine, create_sessionmaker, session_scope

async def main():
    engine = create_engine(Settings(database={"url": sys.argv[1]}))
    store = DatabaseRevocationStore(create_sessionmaker(engine))
    now = time.time()
    async with session_scope(create_sessionmaker(engine)) as db:
        await store.publish(db, [RevocationEvent("jti", sys.argv[2], int(now), now + 600)])
    found = [e for e in await store.since(now - 60) if e.value == sys.argv[2]]
    await engine.dispose()
    print(found[0].expires_at - (now + 600))

asyncio.run(main())
"""


def test_a_revocation_ends_when_it_should_on_a_machine_far_from_utc(settings: Settings) -> None:
    env = {**os.environ, "TZ": "America/Bogota"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, settings.database.url, uuid.uuid4().hex],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert abs(float(done.stdout)) < 1, done.stdout
