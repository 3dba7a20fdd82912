"""Recovery codes: ten single-use codes, shown once, kept only as salted hashes.

A code is 16 characters of base32 ("abcd-efgh-ijkl-mnop", 80 bits). Its first 4 characters
find its row; the other 12 (60 bits) are checked against an argon2id hash, as ASVS 5.0 6.5.2
asks for lookup secrets under 112 bits. One check costs one password hash, like a sign-in.
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.auth.passwords import PasswordHasher
from cinepass.db.base import utcnow
from cinepass.mfa.models import RecoveryCode

COUNT = 10
_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
_LENGTH = 16
_LOOKUP = 4
_GROUP = 4


def _new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))


def normalise(code: str) -> str | None:
    """The code as stored (no dashes or spaces, lower case), or None if it cannot be one."""
    plain = code.replace("-", "").replace(" ", "").lower()
    if len(plain) != _LENGTH or any(c not in _ALPHABET for c in plain):
        return None
    return plain


def display(code: str) -> str:
    return "-".join(code[i : i + _GROUP] for i in range(0, len(code), _GROUP))


async def replace(db: AsyncSession, hasher: PasswordHasher, user_id: str) -> list[str]:
    """A new set of codes for the account; the old ones stop working. The codes, to show once."""
    await db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes: list[str] = []
    while len(codes) < COUNT:
        code = _new_code()
        if all(code[:_LOOKUP] != other[:_LOOKUP] for other in codes):
            codes.append(code)
    now = utcnow()
    for code in codes:
        db.add(
            RecoveryCode(
                user_id=user_id,
                lookup=code[:_LOOKUP],
                secret_hash=await hasher.hash(code[_LOOKUP:]),
                created_at=now,
            )
        )
    await db.flush()
    return [display(code) for code in codes]


async def spend(db: AsyncSession, hasher: PasswordHasher, user_id: str, code: str) -> bool:
    """Whether `code` is one of the account's unused codes; if so it is now used."""
    plain = normalise(code)
    if plain is None:
        return False
    found = await db.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.lookup == plain[:_LOOKUP],
            RecoveryCode.used_at.is_(None),
        )
    )
    # With no row, a hash is still checked: a wrong code costs what a right one does.
    check = await hasher.verify(plain[_LOOKUP:], found.secret_hash if found else None)
    if found is None or not check.valid:
        return False
    spent = await db.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == found.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return getattr(spent, "rowcount", 0) == 1


async def left(db: AsyncSession, user_id: str) -> int:
    count = await db.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )
    return int(count or 0)


async def remove_all(db: AsyncSession, user_id: str) -> None:
    await db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
