"""What an audit event says happened: dotted action names, and the outcomes."""

from __future__ import annotations

import enum


class Action(enum.StrEnum):
    SIGN_IN = "auth.sign_in"
    SIGN_IN_FAILED = "auth.sign_in_failed"
    LOCKED_OUT = "auth.locked_out"
    SIGN_OUT = "auth.sign_out"
    SIGN_OUT_EVERYWHERE = "auth.sign_out_everywhere"
    REFRESH = "auth.refresh"
    REFRESH_REUSE = "auth.refresh_reuse"
    SIGN_UP = "account.signed_up"
    PASSWORD_CHANGED = "account.password_changed"
    PASSWORD_RESET = "account.password_reset"
    EMAIL_VERIFIED = "account.email_verified"
    EMAIL_CHANGED = "account.email_changed"
    MFA_ENABLED = "mfa.enabled"
    MFA_DISABLED = "mfa.disabled"
    RECOVERY_CODES_RENEWED = "mfa.recovery_codes_renewed"
    PASSKEY_ADDED = "passkey.added"
    PASSKEY_REMOVED = "passkey.removed"
    IDENTITY_LINKED = "identity.linked"
    IDENTITY_UNLINKED = "identity.unlinked"
    API_KEY_CREATED = "api_key.created"
    API_KEY_REVOKED = "api_key.revoked"
    SIGNING_KEY_ROTATED = "signing_key.rotated"
    USER_DISABLED = "user.disabled"
    USER_ENABLED = "user.enabled"
    USER_DELETED = "user.deleted"
    USER_ROLE_CHANGED = "user.role_changed"
    MOVIE_CREATED = "movie.created"
    MOVIE_UPDATED = "movie.updated"
    MOVIE_DELETED = "movie.deleted"
    MOVIES_IMPORTED = "movies.imported"


class Outcome(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
