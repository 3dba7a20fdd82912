"""Every table, imported in one place so that the metadata (and Alembic) sees the whole schema.

Outside `db/`, which every domain imports: `db` knows no domain."""

from cinepass.accounts.models import AccountToken
from cinepass.api_keys.models import ApiKey
from cinepass.audit.models import AuditEvent
from cinepass.auth.models import Identity, RefreshToken, Revocation, SigningKey, UserSession
from cinepass.challenges.models import Challenge
from cinepass.db.base import Base
from cinepass.mail.models import OutgoingMail
from cinepass.mfa.models import RecoveryCode, TotpSecret
from cinepass.movies.models import Movie, MovieTag
from cinepass.passkeys.models import Passkey
from cinepass.user_movies.models import UserMovie
from cinepass.users.models import User
from cinepass.watching.models import Play, PlaybackPosition

__all__ = [
    "AccountToken",
    "ApiKey",
    "AuditEvent",
    "Base",
    "Challenge",
    "Identity",
    "Movie",
    "MovieTag",
    "OutgoingMail",
    "Passkey",
    "Play",
    "PlaybackPosition",
    "RecoveryCode",
    "RefreshToken",
    "Revocation",
    "SigningKey",
    "TotpSecret",
    "User",
    "UserMovie",
    "UserSession",
]
