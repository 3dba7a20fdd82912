"""HTTP Basic credentials read as UTF-8 (RFC 7617 `charset="UTF-8"`), from strict base64."""

from __future__ import annotations

import base64
import binascii

from fastapi.security import HTTPBasic, HTTPBasicCredentials
from fastapi.security.utils import get_authorization_scheme_param
from starlette.requests import HTTPConnection

from cinepass.errors import InvalidCredentials, Unauthenticated


def decode(param: str) -> tuple[str, str] | None:
    """The (user, password) a Basic parameter holds, or None when it is not one."""
    try:
        # validate=True: one spelling per credential, no characters outside base64 skipped.
        text = base64.b64decode(param, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    user, separator, password = text.partition(":")
    if not separator:
        return None
    return user, password


class Utf8Basic(HTTPBasic):
    """FastAPI's HTTPBasic (same OpenAPI entry) decoding UTF-8 instead of ASCII.

    Absent or non-Basic credentials give None; malformed ones a 401, with a Basic challenge
    only when `challenge` is set (browsers of the render server get its form, never a prompt).
    """

    def __init__(self, *, description: str | None = None, challenge: bool = True):
        super().__init__(auto_error=False, description=description)
        self._challenge = challenge

    async def __call__(  # type: ignore[override]
        self, request: HTTPConnection
    ) -> HTTPBasicCredentials | None:
        authorization = request.headers.get("Authorization")
        scheme, param = get_authorization_scheme_param(authorization)
        if not authorization or scheme.lower() != "basic":
            return None
        decoded = decode(param)
        if decoded is None:
            if self._challenge:
                raise InvalidCredentials()
            raise Unauthenticated("wrong email or password", challenge="")
        return HTTPBasicCredentials(username=decoded[0], password=decoded[1])
