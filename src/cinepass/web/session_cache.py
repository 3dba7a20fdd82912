"""Unsealed session cookies, per process: a browser's cookie is opened once, not at every call.

Only the unsealing is saved: whether the session was signed out is still asked at every request
(`Gateway.admit`). An entry never outlives its access token, and a session's entries are dropped
when it is refreshed or signed out here.
"""

from __future__ import annotations

import time

from cinepass.web.session_cookie import CookieSealer, WebSession

# A few thousand browsers active at once per process; each entry is a cookie (< 4 KiB).
MAX_SESSIONS = 10_000


class SessionCache:
    def __init__(self, sealer: CookieSealer, max_sessions: int = MAX_SESSIONS):
        self._sealer = sealer
        self._max = max_sessions
        self._sessions: dict[str, WebSession] = {}
        self._cookies_of: dict[str, list[str]] = {}

    def open(self, value: str | None) -> WebSession | None:
        """The session in a cookie, or None for anything absent, tampered or foreign."""
        if not value:
            return None
        now = time.time()
        session = self._sessions.get(value)
        if session is not None:
            if session.access_expires_at > now:
                return session
            self.forget(session.sid)
        session = self._sealer.open(value)
        if session is not None and session.access_expires_at > now and self._max > 0:
            self._keep(value, session)
        return session

    def forget(self, sid: str) -> None:
        """Drop every cookie of this session (signed out, or refreshed into a new cookie)."""
        for value in self._cookies_of.pop(sid, ()):
            self._sessions.pop(value, None)

    def _keep(self, value: str, session: WebSession) -> None:
        if len(self._sessions) >= self._max:
            self.forget(next(iter(self._sessions.values())).sid)
        self._sessions[value] = session
        self._cookies_of.setdefault(session.sid, []).append(value)

    def __len__(self) -> int:
        return len(self._sessions)
