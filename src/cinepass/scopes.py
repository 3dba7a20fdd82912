"""The scopes cinepass knows, the API-key presets and what each role may be granted."""

from __future__ import annotations

from collections.abc import Iterable

from cinepass.users.models import Role

SIGNIN = "signin:auth"
SIGNUP = "signup:auth"
SIGNIN_PROVIDER = "signin:provider"
READ_MOVIES = "read:movies"
CREATE_MOVIES = "create:movies"
UPDATE_MOVIES = "update:movies"
DELETE_MOVIES = "delete:movies"
READ_USER_MOVIES = "read:user-movies"
CREATE_USER_MOVIES = "create:user-movies"
DELETE_USER_MOVIES = "delete:user-movies"
# The admin console's: people, API keys and the audit trail (the admin role only).
READ_USERS = "read:users"
UPDATE_USERS = "update:users"
READ_API_KEYS = "read:api-keys"
CREATE_API_KEYS = "create:api-keys"
DELETE_API_KEYS = "delete:api-keys"
READ_AUDIT = "read:audit"
# OpenID Connect's name: the client may hold refresh tokens, so it must keep them from browsers.
OFFLINE_ACCESS = "offline_access"

ALL_SCOPES: tuple[str, ...] = (
    SIGNIN,
    SIGNUP,
    SIGNIN_PROVIDER,
    READ_MOVIES,
    CREATE_MOVIES,
    UPDATE_MOVIES,
    DELETE_MOVIES,
    READ_USER_MOVIES,
    CREATE_USER_MOVIES,
    DELETE_USER_MOVIES,
    READ_USERS,
    UPDATE_USERS,
    READ_API_KEYS,
    CREATE_API_KEYS,
    DELETE_API_KEYS,
    READ_AUDIT,
    OFFLINE_ACCESS,
)

# Scopes that describe the client itself, not what its access tokens may do.
CLIENT_ONLY = frozenset({OFFLINE_ACCESS})

_PUBLIC = (
    SIGNIN,
    SIGNUP,
    SIGNIN_PROVIDER,
    READ_MOVIES,
    READ_USER_MOVIES,
    CREATE_USER_MOVIES,
    DELETE_USER_MOVIES,
)

# What the admin console asks of the API on an admin's behalf.
_ADMIN_CONSOLE = (
    CREATE_MOVIES,
    UPDATE_MOVIES,
    DELETE_MOVIES,
    READ_USERS,
    UPDATE_USERS,
    READ_API_KEYS,
    CREATE_API_KEYS,
    DELETE_API_KEYS,
    READ_AUDIT,
)

PRESETS: dict[str, tuple[str, ...]] = {
    "admin": ALL_SCOPES,
    # The original system's public key (+ signin:provider): access tokens only, for clients
    # such as the course's render server that hand the sign-in answer to browser JavaScript.
    "public": _PUBLIC,
    # cinepass's own render server, which keeps refresh tokens sealed in its cookie. It carries
    # the admin console's scopes too: granted_scopes gives them to admins' tokens only.
    "web": (*_PUBLIC, *_ADMIN_CONSOLE, OFFLINE_ACCESS),
}

# What only admins may do: change the catalogue, people and keys.
ADMIN_WRITES = frozenset(
    {CREATE_MOVIES, UPDATE_MOVIES, DELETE_MOVIES, UPDATE_USERS, CREATE_API_KEYS, DELETE_API_KEYS}
)
# What only admins may see.
ADMIN_READS = frozenset({READ_USERS, READ_API_KEYS, READ_AUDIT})

ROLE_ALLOWS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset(ALL_SCOPES),
    Role.USER: frozenset(ALL_SCOPES) - ADMIN_WRITES - ADMIN_READS,
}


def unknown_scopes(scopes: Iterable[str]) -> list[str]:
    return sorted(set(scopes) - set(ALL_SCOPES))


def granted_scopes(key_scopes: Iterable[str], role: Role, *, writes: bool = True) -> list[str]:
    """What a token may carry: the key's scopes that the user's role allows, in a stable order.

    Without `writes` (an admin signed in with one factor where policy asks for two), none of
    the admin-only scopes.
    """
    allowed = ROLE_ALLOWS[role] - CLIENT_ONLY
    if not writes:
        allowed -= ADMIN_WRITES
    wanted = set(key_scopes)
    return [s for s in ALL_SCOPES if s in wanted and s in allowed]
