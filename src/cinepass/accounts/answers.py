"""What the account routes answer."""

from __future__ import annotations

from pydantic import Field

from cinepass.auth.answers import AccountOut
from cinepass.schemas import ApiModel, UtcDateTime


class EmailVerified(ApiModel):
    user: AccountOut
    token: str | None = Field(
        default=None, description="An access token, when the client's key holds signin:auth"
    )
    refresh_token: str | None = Field(
        default=None, description="With the access token, for keys holding offline_access"
    )
    expires_in: int | None = Field(default=None, description="Seconds the access token lives")


class SessionOut(ApiModel):
    id: str
    device: str = Field(description='From the sign-in\'s User-Agent, e.g. "Chrome on Linux"')
    created_at: UtcDateTime
    last_used_at: UtcDateTime = Field(description="Its sign-in or latest refresh")
    expires_at: UtcDateTime
    remember_me: bool
    current: bool = Field(description="The session of the access token that asked")
