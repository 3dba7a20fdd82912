"""The signed-in user's role, as the access token the render server holds says it."""

from __future__ import annotations

import json

from cinepass import base64url

ADMIN = "admin"


def token_role(access_token: str) -> str:
    """The `role` claim of one of our own access tokens ("user" when it cannot be read).

    The token came from the API and stays sealed in the cookie, so its signature is not checked
    here: the API checks it on every call. This only decides what the render server lets a
    browser ask (the admin routes) and what the SPA shows.
    """
    parts = access_token.split(".")
    if len(parts) != 3:
        return "user"
    try:
        claims = json.loads(base64url.decode(parts[1]))
    except ValueError:
        return "user"
    role = claims.get("role") if isinstance(claims, dict) else None
    return role if isinstance(role, str) else "user"


def is_admin(access_token: str) -> bool:
    return token_role(access_token) == ADMIN
