"""How a sign-in proved who it is: authentication method references, `amr` (RFC 8176).

An access token carries them with `auth_time`, the time of that sign-in (OIDC Core 2); a
session keeps them, so that its refreshed tokens say the same.
"""

from __future__ import annotations

from collections.abc import Iterable

PASSWORD = "pwd"
# A code from an authenticator app (TOTP), or one of the account's recovery codes.
ONE_TIME_CODE = "otp"
# A passkey: bound to one device (hardware-protected key) or synced between devices.
DEVICE_KEY = "hwk"
SYNCED_KEY = "swk"
# The authenticator verified its user (PIN or biometric) before it signed.
USER_PRESENT = "user"
MULTI_FACTOR = "mfa"
# Not in RFC 8176's registry, named as others name them: a trusted provider's ID token
# ("fed", as Microsoft's tokens say) and a link we mailed (a verification or reset link).
FEDERATED = "fed"
MAILED_LINK = "mail"


def with_second_factor(first: Iterable[str], second: str) -> list[str]:
    """The methods of a sign-in completed by `second`: both, and "mfa"."""
    methods = list(dict.fromkeys([*first, second]))
    return [*methods, MULTI_FACTOR] if MULTI_FACTOR not in methods else methods


def is_multi_factor(amr: Iterable[str]) -> bool:
    return MULTI_FACTOR in amr


def encode(amr: Iterable[str]) -> str:
    """As a session row keeps them: space-separated."""
    return " ".join(amr)


def decode(stored: str | None) -> list[str]:
    return stored.split() if stored else [PASSWORD]
