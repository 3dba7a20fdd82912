"""Password hashing: argon2id, and the original system's bcrypt verified and upgraded."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import sys
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

from cinepass.auth.password_policy import normalise_password
from cinepass.config import Settings

BCRYPT_MAX_BYTES = 72
# How much less the hashing threads count than the event loop when cores are busy (Linux).
HASHING_NICENESS = 10

T = TypeVar("T")


def hashing_threads() -> int:
    """One per core this process may run on: more only queue up for the same cores."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# glibc's M_MMAP_THRESHOLD, and the size from which it should always map memory of its own.
_M_MMAP_THRESHOLD = -3
_MMAP_FROM_BYTES = 128 * 1024


def _give_hashing_memory_back() -> None:
    """Each argon2id hash takes `memory_kib` (19 MiB) and frees it. glibc would raise its mmap
    threshold after the first such free and keep later blocks in its heaps, so a process that
    hashed a few passwords at once would hold tens of MB for good: a fixed threshold keeps
    large blocks mapped on their own, handed back on free."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, _MMAP_FROM_BYTES)


def _lower_priority() -> None:
    # On Linux a nice value belongs to a thread: the event loop keeps its own.
    if sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


@dataclass(frozen=True)
class Verification:
    valid: bool
    new_hash: str | None = None


class PasswordHasher:
    """Hashes with argon2id; verifies argon2id and the original system's bcrypt hashes.

    Hashing runs in threads of its own, never on the event loop nor in the thread pool other
    blocking work shares: one thread per core, so concurrent sign-ins queue for a core instead
    of splitting it forty ways, at a lower priority than the event loop, so that a burst of
    sign-ins slows other requests little.
    """

    def __init__(self, memory_kib: int, time_cost: int, threads: int | None = None):
        self._hash = PasswordHash(
            (
                Argon2Hasher(memory_cost=memory_kib, time_cost=time_cost, parallelism=1),
                BcryptHasher(),
            )
        )
        self._dummy_hash: str | None = None
        self._threads = threads or hashing_threads()
        self._executor: ThreadPoolExecutor | None = None

    def _run(self, work: Callable[..., T], *args: str) -> asyncio.Future[T]:
        if self._executor is None:
            # Made on first use: a CLI command that hashes nothing starts no thread.
            _give_hashing_memory_back()
            self._executor = ThreadPoolExecutor(
                self._threads, thread_name_prefix="cinepass-hashing", initializer=_lower_priority
            )
            weakref.finalize(self, self._executor.shutdown, wait=False)
        return asyncio.get_running_loop().run_in_executor(self._executor, work, *args)

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordHasher:
        """The hasher every part of cinepass uses, with the configured argon2id cost."""
        return cls(settings.passwords.argon2_memory_kib, settings.passwords.argon2_time_cost)

    async def hash(self, password: str) -> str:
        return await self._run(self._hash.hash, normalise_password(password))

    def _verify_sync(self, password: str, stored: str) -> Verification:
        normalised = normalise_password(password)
        check = self._verify_form(normalised, stored)
        if check.valid or normalised == password:
            return check
        # A hash made before normalisation (or by the original system) holds the raw form:
        # accept it once and store the normalised form in its place.
        if self._verify_form(password, stored).valid:
            return Verification(valid=True, new_hash=self._hash.hash(normalised))
        return check

    def _verify_form(self, password: str, stored: str) -> Verification:
        # bcrypt only reads 72 bytes; a longer password must never match by its prefix.
        if stored.startswith("$2") and len(password.encode()) > BCRYPT_MAX_BYTES:
            return Verification(valid=False)
        try:
            valid, updated = self._hash.verify_and_update(password, stored)
        except (UnknownHashError, ValueError):
            return Verification(valid=False)
        return Verification(valid=valid, new_hash=updated if valid else None)

    async def verify(self, password: str, stored: str | None) -> Verification:
        """Check a password; with no stored hash, spend the same time and fail."""
        if stored is None:
            stored = await self.dummy_hash()
            await self._run(self._verify_sync, password, stored)
            return Verification(valid=False)
        return await self._run(self._verify_sync, password, stored)

    async def dummy_hash(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash("cinepass-timing-equaliser")
        return self._dummy_hash
