"""Signed media URLs: HMAC-SHA256 over (path, user, expiry); the first key signs, all verify."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from cinepass import base64url
from cinepass.errors import Forbidden
from cinepass.sealing import read_key


@dataclass(frozen=True)
class SignedUrl:
    url: str
    expires_at: int


class UrlSigner:
    """Media URLs for one user that expire: `<path>?user=..&expires=..&signature=..`.

    The signature binds the three, so a URL works for whoever holds it until it expires (a
    `<video>` sends no token), and is useless for another file or past its time; whom it was
    made for is the user a leaked URL names.
    """

    def __init__(self, keys: Sequence[str], ttl_seconds: int):
        if not keys:
            raise ValueError("signing media URLs needs at least one key")
        self._keys = [read_key(k) for k in keys]
        self._ttl = ttl_seconds

    def sign(self, path: str, user_id: str, now: float | None = None) -> SignedUrl:
        expires = int(now if now is not None else time.time()) + self._ttl
        signature = self._signature(self._keys[0], path, user_id, expires)
        query = urlencode({"user": user_id, "expires": expires, "signature": signature})
        return SignedUrl(f"{path}?{query}", expires)

    def verify(
        self,
        path: str,
        user_id: str | None,
        expires: str | None,
        signature: str | None,
        now: float | None = None,
    ) -> None:
        """Return if the URL is genuine and unexpired; else raise Forbidden (403)."""
        if not (user_id and expires and signature):
            raise Forbidden("this media link is not signed; ask for the film's playback again")
        if not expires.isdigit() or len(expires) > 12:
            raise Forbidden("this media link is not valid")
        given = signature.encode()
        # Every key is tried, whatever the first one says: how long it takes tells nothing.
        genuine = False
        for key in self._keys:
            expected = self._signature(key, path, user_id, int(expires)).encode()
            genuine |= hmac.compare_digest(expected, given)
        if not genuine:
            raise Forbidden("this media link is not valid")
        if int(expires) <= (now if now is not None else time.time()):
            raise Forbidden("this media link has expired; ask for the film's playback again")

    @staticmethod
    def _signature(key: bytes, path: str, user_id: str, expires: int) -> str:
        # Length-prefixed fields: no (path, user) pair can be re-cut into another.
        message = b"".join(
            len(part).to_bytes(4, "big") + part
            for part in (
                b"cinepass-media-v1",
                path.encode(),
                user_id.encode(),
                str(expires).encode(),
            )
        )
        return base64url.encode(hmac.new(key, message, hashlib.sha256).digest())
