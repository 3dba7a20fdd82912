"""Request bodies of the account routes."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from cinepass.auth.schemas import ApiKeyToken, Email, NewPassword
from cinepass.schemas import RequestModel, TextSchema

MailedToken = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256),
    TextSchema(),
    Field(description="The token from the mailed link (after `#token=`)"),
]
CurrentPassword = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1024, strip_whitespace=False),
    TextSchema(trimmed=False),
]
RememberMe = Annotated[
    bool, Field(description="A 30-day session instead of 12 hours (absolute lifetimes)")
]


class VerifyEmail(RequestModel):
    token: MailedToken
    api_key_token: ApiKeyToken | None = Field(
        default=None,
        description="With a key holding signin:auth, the answer also signs the user in",
    )
    remember_me: RememberMe = False


class MailRequest(RequestModel):
    """An address that may get a link; the answer never says whether it has an account."""

    email: Email
    api_key_token: ApiKeyToken | None = None


class PasswordReset(RequestModel):
    token: MailedToken
    password: NewPassword
    api_key_token: ApiKeyToken | None = None
    remember_me: RememberMe = False


class EmailChange(RequestModel):
    email: Email
    password: CurrentPassword
