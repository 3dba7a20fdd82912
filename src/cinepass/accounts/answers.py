"""What the account routes answer."""

from __future__ import annotations

from pydantic import Field

from cinepass.accounts.devices import device_name
from cinepass.auth.answers import AccountOut
from cinepass.auth.models import UserSession
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


def session_out(session: UserSession, current_session_id: str | None) -> SessionOut:
    return SessionOut(
        id=session.id,
        device=device_name(session.user_agent),
        created_at=session.created_at,
        last_used_at=session.last_used_at or session.created_at,
        expires_at=session.expires_at,
        remember_me=session.remember_me,
        current=session.id == current_session_id,
    )
