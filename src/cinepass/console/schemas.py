"""Request and response bodies of the admin console's routes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from cinepass.schemas import ApiModel, PartialUpdate, RequestModel, TextSchema, UtcDateTime
from cinepass.scopes import ALL_SCOPES, PRESETS
from cinepass.text import display_line
from cinepass.users.models import Role


class AdminUserOut(ApiModel):
    id: str
    email: str
    name: str
    role: Role
    disabled: bool
    email_verified: bool
    created_at: UtcDateTime
    second_factor: bool = Field(description="Whether the account has a second factor on")
    passkeys: int = Field(description="How many passkeys the account holds")


class UserChange(PartialUpdate):
    """What an admin may change of another account."""

    disabled: bool | None = Field(
        default=None, description="true ends every session and access token of the account"
    )
    # Strict bodies take no coercion, but an enum's value is how JSON spells it.
    role: Role | None = Field(
        default=None, strict=False, description="A new role ends the account's sessions"
    )


def _known(names: tuple[str, ...], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in names:
            raise ValueError(f"unknown {what}; one of {', '.join(names)}")
        return value

    return AfterValidator(check)


Scope = Annotated[
    str, _known(ALL_SCOPES, "scope"), Field(json_schema_extra={"enum": [*ALL_SCOPES]})
]
Preset = Annotated[
    str, _known(tuple(PRESETS), "preset"), Field(json_schema_extra={"enum": [*PRESETS]})
]
KeyName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100),
    AfterValidator(display_line),
    TextSchema(display=True),
]


def _scopes_or_preset_schema(schema: dict[str, Any]) -> None:
    """Exactly one of the two, and neither as null."""
    for name in ("scopes", "preset"):
        field = schema["properties"][name]
        [kind] = [o for o in field.pop("anyOf") if o != {"type": "null"}]
        field.pop("default", None)
        schema["properties"][name] = {**kind, **field}
    schema["oneOf"] = [{"required": ["scopes"]}, {"required": ["preset"]}]


class ApiKeyCreate(RequestModel):
    """A new API key: its scopes named one by one, or a preset's."""

    model_config = ConfigDict(json_schema_extra=_scopes_or_preset_schema)

    name: KeyName = Field(description="What the key is for")
    scopes: list[Scope] | None = Field(default=None, min_length=1, max_length=len(ALL_SCOPES))
    preset: Preset | None = None

    @model_validator(mode="after")
    def _one_of_scopes_or_preset(self) -> ApiKeyCreate:
        nulls = [
            f
            for f in ("scopes", "preset")
            if f in self.model_fields_set and getattr(self, f) is None
        ]
        if nulls:
            raise ValueError(f"fields cannot be null: {', '.join(nulls)}")
        if (self.scopes is None) == (self.preset is None):
            raise ValueError("send exactly one of scopes or preset")
        return self

    @property
    def scope_list(self) -> list[str]:
        return list(PRESETS[self.preset]) if self.preset else list(self.scopes or [])


class ApiKeyOut(ApiModel):
    id: str
    name: str
    prefix: str = Field(description="The secret's first characters, to recognise it by")
    scopes: list[str]
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None
    revoked_at: UtcDateTime | None


class CreatedApiKey(ApiKeyOut):
    token: str = Field(description="The key's secret: shown this once, only its digest is kept")


class RowError(ApiModel):
    row: int = Field(description="The row's number, from 1 (a CSV's header row not counted)")
    message: str


class ImportReportOut(ApiModel):
    created: int
    updated: int
    skipped: int = Field(description="Films already in the catalogue (update=true changes them)")
    errors: list[RowError]
