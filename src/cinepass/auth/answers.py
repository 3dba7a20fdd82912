"""What the auth routes answer: the bodies a client reads after signing in.

Apart from the request bodies (`auth.schemas`), which carry the password policy and its word
list: the typed client and the render server import these alone.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cinepass.schemas import ApiModel, UtcDateTime


class UserOut(ApiModel):
    """Who signed in: the original contract's three fields."""

    id: str
    name: str
    email: str


class AccountOut(UserOut):
    email_verified: bool = Field(
        description="Whether the owner proved the address (a mailed link, a reset, a provider)"
    )


class SignedIn(ApiModel):
    token: str
    refresh_token: str | None = Field(
        default=None, description="Only for API keys holding offline_access; absent otherwise"
    )
    expires_in: int = Field(description="Seconds until the access token expires")
    user: UserOut


SecondFactorMethod = Literal["totp", "recovery_code"]
SECOND_FACTOR_METHODS: tuple[SecondFactorMethod, ...] = ("totp", "recovery_code")


class SecondFactorRequired(ApiModel):
    """A sign-in whose first factor was right, of an account with a second factor (202):
    no tokens until POST /api/auth/sign-in/mfa completes it with a code."""

    mfa_required: Literal[True] = True
    mfa_token: str = Field(
        description="Single-use, for POST /api/auth/sign-in/mfa only, by the same API key"
    )
    expires_in: int = Field(description="Seconds left to complete the sign-in")
    methods: list[SecondFactorMethod] = Field(
        default_factory=lambda: list(SECOND_FACTOR_METHODS),
        description="What completes it: a code from the authenticator app or a recovery code",
    )


class IdentityOut(ApiModel):
    id: str
    issuer: str
    subject: str
    email: str | None
    provider: str | None
    created_at: UtcDateTime
