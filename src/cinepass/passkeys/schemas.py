"""Request bodies of the passkey routes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from cinepass.auth.schemas import ApiKeyToken
from cinepass.schemas import RequestModel, TextSchema
from cinepass.text import display_line

PasskeyName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(display_line),
    TextSchema(display=True),
    Field(description='What the account page calls it, e.g. "Phone" (1 to 64 characters)'),
]
CeremonyToken = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128),
    TextSchema(),
    Field(description="The `ceremonyToken` of the options this credential answers (single-use)"),
]
# The browser's PublicKeyCredential as JSON (WebAuthn L3 toJSON()); py_webauthn reads it. The
# whole body is capped (64 KiB), and so is each credential id (1023 bytes).
_CREDENTIAL_PROPERTIES = 16


def _credential(description: str) -> Any:
    return Field(
        max_length=_CREDENTIAL_PROPERTIES,
        description=description,
        json_schema_extra={"maxProperties": _CREDENTIAL_PROPERTIES},
    )


class RegistrationStart(RequestModel):
    """No fields: the options are for the signed-in user."""


class PasskeyRegistration(RequestModel):
    ceremony_token: CeremonyToken
    credential: Annotated[
        dict[str, Any],
        _credential("navigator.credentials.create()'s answer (RegistrationResponseJSON)"),
    ]
    name: PasskeyName | None = Field(
        default=None,
        description='Unset: the provider\'s name when known ("iCloud Keychain"), else "Passkey"',
    )


class PasskeyRename(RequestModel):
    name: PasskeyName


class PasskeyOptionsRequest(RequestModel):
    api_key_token: ApiKeyToken


class PasskeySignIn(RequestModel):
    ceremony_token: CeremonyToken
    credential: Annotated[
        dict[str, Any],
        _credential("navigator.credentials.get()'s answer (AuthenticationResponseJSON)"),
    ]
    api_key_token: ApiKeyToken
    remember_me: bool = Field(
        default=False, description="A 30-day session instead of 12 hours (absolute lifetimes)"
    )
