"""The render server's records of what works once: bounded, per kind, and honest about time."""

from __future__ import annotations

import asyncio

from cinepass.web.spent import MemorySpent, record_key


def test_a_key_is_spent_once_until_its_lifetime_ends() -> None:
    async def go() -> list[bool]:
        spent = MemorySpent()
        key = record_key("oidc-state", "estado-ñandú-🎬")
        first, again = await spent.spend(key, 0.2), await spent.spend(key, 0.2)
        held = await spent.is_spent(key)
        await asyncio.sleep(0.3)
        return [first, again, held, await spent.is_spent(key), await spent.spend(key, 1)]

    assert asyncio.run(go()) == [True, False, True, False, True]


def test_a_flood_of_flows_never_pushes_out_a_signed_out_session() -> None:
    async def go() -> tuple[bool, bool, bool]:
        spent = MemorySpent(max_records=100)
        session = record_key("session", "sid")
        await spent.spend(session, 60)
        for i in range(1000):
            await spent.spend(record_key("oidc-state", str(i)), 60)
        newest = await spent.is_spent(record_key("oidc-state", "999"))
        oldest = await spent.is_spent(record_key("oidc-state", "0"))
        return await spent.is_spent(session), newest, oldest

    assert asyncio.run(go()) == (True, True, False)
