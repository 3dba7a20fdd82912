"""The password policy: lengths, NFKC normalisation and the common-password list (no hashing)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Counted in code points of the password as typed, as JSON Schema's minLength/maxLength count.
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


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


def commonness_problem(password: str) -> str | None:
    """Why a new password is too common to accept, or None."""
    if normalise_password(password).lower() in common_passwords():
        return "is one of the most common passwords; choose another"
    return None


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None. Length only, no composition rules (ASVS 6.2)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    return commonness_problem(password)
