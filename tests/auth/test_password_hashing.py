"""Password hashing runs in threads of its own, at most one per core at a time."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from cinepass.auth.passwords import PasswordHasher


class Watched:
    """Stands in for the hashing library: notes which threads verify, and how many at once."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.threads: set[str] = set()
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def hash(self, password: str) -> str:
        made: str = self.real.hash(password)
        return made

    def verify_and_update(self, password: str, stored: str) -> tuple[bool, str | None]:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.threads.add(threading.current_thread().name)
        try:
            result: tuple[bool, str | None] = self.real.verify_and_update(password, stored)
            return result
        finally:
            with self.lock:
                self.running -= 1


def test_many_verifications_at_once_all_answer_with_at_most_one_per_core_running() -> None:
    hasher = PasswordHasher(19 * 1024, 2, threads=2)
    watched = Watched(hasher._hash)

    async def go() -> list[bool]:
        stored = await hasher.hash("the right phrase")
        hasher._hash = watched  # type: ignore[assignment]
        checks = [hasher.verify("the right phrase", stored) for _ in range(8)]
        checks += [hasher.verify("a wrong phrase", stored), hasher.verify("x", None)]
        return [check.valid for check in await asyncio.gather(*checks)]

    assert asyncio.run(go()) == [True] * 8 + [False, False]
    assert watched.most <= 2
    assert watched.threads
    assert all(name.startswith("cinepass-hashing") for name in watched.threads)
