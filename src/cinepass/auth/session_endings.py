"""Subscribers that end sessions and revoke access tokens when what backs them goes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cinepass.auth import sessions
from cinepass.auth.revocation import CLIENT, JTI, SESSION, USER, RevocationEvent, RevocationList
from cinepass.events import (
    ApiKeyRevoked,
    PasswordChanged,
    SignedOutEverywhere,
    UserDeleted,
    UserDisabled,
    UserRoleChanged,
)


class SessionEndings:
    """Each method is a subscriber: it ends the sessions in the publisher's transaction and
    records the revocations, so every API process refuses the tokens within a poll interval."""

    def __init__(self, revocations: RevocationList):
        self._revocations = revocations

    async def _end(
        self,
        db: AsyncSession,
        *,
        user_id: str | None = None,
        api_key_id: str | None = None,
        also: list[RevocationEvent] | None = None,
    ) -> None:
        ended = await sessions.end_all(db, user_id=user_id, api_key_id=api_key_id)
        revoked = [self._revocations.event(SESSION, sid) for sid in ended]
        await self._revocations.revoke(db, revoked + (also or []))

    async def user_gone(
        self, event: UserDisabled | UserDeleted | UserRoleChanged, db: AsyncSession
    ) -> None:
        """Every session and access token of the user ends, whichever client holds it (after a
        role change too: its tokens carry the old role's scopes)."""
        user = self._revocations.event(USER, event.user_id)
        await self._end(db, user_id=event.user_id, also=[user])

    async def api_key_revoked(self, event: ApiKeyRevoked, db: AsyncSession) -> None:
        client = self._revocations.event(CLIENT, event.api_key_id)
        await self._end(db, api_key_id=event.api_key_id, also=[client])

    async def all_sessions_end(
        self, event: PasswordChanged | SignedOutEverywhere, db: AsyncSession
    ) -> None:
        """Every session of the account ends, and the token that asked. A sign-in right after
        is not touched (unlike a revocation of the whole user, which would be to the second)."""
        token = [self._revocations.event(JTI, event.token_id)] if event.token_id else []
        await self._end(db, user_id=event.user_id, also=token)

    async def role_changed(self, event: UserRoleChanged, db: AsyncSession) -> None:
        """The account's sessions end: their tokens carry the old role's scopes. A sign-in right
        after gets the new role's."""
        await self._end(db, user_id=event.user_id)
