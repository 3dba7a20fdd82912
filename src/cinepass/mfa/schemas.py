"""Request bodies of the second-factor routes."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from cinepass.auth.schemas import ApiKeyToken
from cinepass.schemas import RequestModel, TextSchema

Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    TextSchema(),
    Field(
        description="A 6-digit code from the authenticator app, or a recovery code"
        " (xxxx-xxxx-xxxx-xxxx; dashes, spaces and case do not matter)"
    ),
]


MfaToken = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128),
    TextSchema(),
    Field(description="The mfaToken of the sign-in's 202 answer"),
]


class SecondFactorSignIn(RequestModel):
    mfa_token: MfaToken
    code: Code
    api_key_token: ApiKeyToken | None = None


class CodeProof(RequestModel):
    code: Code
