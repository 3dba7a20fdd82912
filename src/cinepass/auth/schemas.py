"""Request bodies of the auth routes, with the password policy new passwords must meet.

What the routes answer is in `auth.answers`, which a client imports without this policy."""

from __future__ import annotations

from typing import Annotated

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from pydantic import AfterValidator, EmailStr, Field, StringConstraints

from cinepass.auth import password_policy
from cinepass.schemas import RequestModel, TextSchema
from cinepass.text import display_line

ApiKeyToken = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256),
    TextSchema(),
    Field(description="The calling client's API key; without one the answer is 401"),
]


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


# email-validator refuses special-use domains (RFC 6761: example.test, router.local, ...), which
# the `email` format allows; the document says so in a pattern.
_SPECIAL_USE = "|".join(_any_case(name) for name in SPECIAL_USE_DOMAIN_NAMES)
Email = Annotated[
    EmailStr,
    Field(
        max_length=320,
        json_schema_extra={"pattern": rf"^(?!.*@(?:.*\.)?(?:{_SPECIAL_USE})\.?$)"},
    ),
]


def _not_common(password: str) -> str:
    problem = password_policy.commonness_problem(password)
    if problem:
        raise ValueError(problem)
    return password


NewPassword = Annotated[
    str,
    StringConstraints(
        strip_whitespace=False,
        min_length=password_policy.MIN_PASSWORD_LENGTH,
        max_length=password_policy.MAX_PASSWORD_LENGTH,
    ),
    TextSchema(trimmed=False),
    Field(
        description=(
            "8 to 128 characters as typed, any characters; very common passwords are refused."
            " Compared in NFKC form, so every way of typing the same text is one password"
        ),
    ),
    AfterValidator(_not_common),
]


class SignUp(RequestModel):
    name: Annotated[
        str,
        StringConstraints(min_length=1, max_length=100),
        AfterValidator(display_line),
        TextSchema(display=True),
    ]
    email: Email
    password: NewPassword
    api_key_token: ApiKeyToken | None = None


class SignIn(RequestModel):
    api_key_token: ApiKeyToken | None = None
    remember_me: bool = Field(
        default=False, description="A 30-day session instead of 12 hours (absolute lifetimes)"
    )


RefreshTokenText = Annotated[str, StringConstraints(min_length=1, max_length=256), TextSchema()]


class Refresh(RequestModel):
    refresh_token: RefreshTokenText
    api_key_token: ApiKeyToken | None = None


class PasswordChange(RequestModel):
    current_password: Annotated[
        str,
        StringConstraints(min_length=1, max_length=1024, strip_whitespace=False),
        TextSchema(trimmed=False),
    ]
    new_password: NewPassword


IdToken = Annotated[str, StringConstraints(min_length=1, max_length=16384), TextSchema()]


class ProviderSignIn(RequestModel):
    id_token: IdToken = Field(description="The provider's ID token, verified by the API")
    api_key_token: ApiKeyToken | None = None
    remember_me: bool = False


class IdentityLink(RequestModel):
    id_token: IdToken
