"""Password hashing (argon2id, legacy bcrypt verified and upgraded) and the password policy."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher
from starlette.concurrency import run_in_threadpool

from cinepass.config import Settings

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
BCRYPT_MAX_BYTES = 72


@lru_cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords from zxcvbn's frequency lists, lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def normalise_password(password: str) -> str:
    """NFKC (NIST SP 800-63B 5.1.1.2): one password whatever keyboard or IME typed it.

    A composed "ñ" and "n" + combining tilde, full-width U+FF21 and "A", a no-break space and a
    space are the same password. Hashing and verifying both go through here.
    """
    return unicodedata.normalize("NFKC", password)


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None. Length only, no composition rules (ASVS 6.2)."""
    password = normalise_password(password)
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if password.lower() in common_passwords():
        return "is one of the most common passwords; choose another"
    return None


@dataclass(frozen=True)
class Verification:
    valid: bool
    new_hash: str | None = None


class PasswordHasher:
    """Hashes with argon2id; verifies argon2id and the original system's bcrypt hashes.

    Work runs in a thread so that hashing never blocks the event loop.
    """

    def __init__(self, memory_kib: int, time_cost: int):
        self._hash = PasswordHash(
            (
                Argon2Hasher(memory_cost=memory_kib, time_cost=time_cost, parallelism=1),
                BcryptHasher(),
            )
        )
        self._dummy_hash: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordHasher:
        """The hasher every part of cinepass uses, with the configured argon2id cost."""
        return cls(settings.passwords.argon2_memory_kib, settings.passwords.argon2_time_cost)

    async def hash(self, password: str) -> str:
        return await run_in_threadpool(self._hash.hash, normalise_password(password))

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
            await run_in_threadpool(self._verify_sync, password, stored)
            return Verification(valid=False)
        return await run_in_threadpool(self._verify_sync, password, stored)

    async def dummy_hash(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash("cinepass-timing-equaliser")
        return self._dummy_hash
