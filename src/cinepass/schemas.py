"""The shapes every route shares: the success envelope and the strict request base."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Self, TypeVar

from fastapi import Path
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

_SURROGATE = re.compile("[\ud800-\udfff]")


class ApiModel(BaseModel):
    """Bodies in and out use camelCase on the wire, as the original API did."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


def _unstorable_text(value: Any) -> str | None:
    """Why some string in `value` cannot be stored as text, or None; iterative, so depth is free."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return "text may not contain NUL characters"
            if not item.isascii() and _SURROGATE.search(item):
                return "text may not contain unpaired surrogates (not valid Unicode)"
    return None


class RequestModel(ApiModel):
    """A request body: unknown fields and type coercion are refused (mass assignment, 400)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        # PostgreSQL cannot store NUL in text, and a lone surrogate ("\\ud800", valid JSON) cannot
        # be encoded as UTF-8 at all: refuse both up front rather than fail on insert or hashing.
        problem = _unstorable_text(data)
        if problem:
            raise ValueError(problem)
        return data


def _partial_update_schema(schema: dict[str, Any]) -> None:
    """At least one property; each as its value's own schema (`anyOf [X, null]` becomes X)."""
    schema["minProperties"] = 1
    for name, field in schema.get("properties", {}).items():
        options = [o for o in field.get("anyOf", ()) if o != {"type": "null"}]
        if len(options) == 1 and len(field["anyOf"]) == 2:
            rest = {k: v for k, v in field.items() if k not in ("anyOf", "default")}
            schema["properties"][name] = {**options[0], **rest}


class PartialUpdate(RequestModel):
    """A partial update: the fields sent change. A field may be left out but not sent as null
    (None stands for "not sent"), and at least one must be sent."""

    model_config = ConfigDict(json_schema_extra=_partial_update_schema)

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("send at least one field to change")
        nulls = sorted(f for f in self.model_fields_set if getattr(self, f) is None)
        if nulls:
            raise ValueError(f"fields cannot be null: {', '.join(nulls)}")
        return self


# What pydantic's `str_strip_whitespace` trims (Unicode White_Space), as a regex class body.
_SPACE = r"\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# C0 and C1 controls (NUL among them), and the embeddings, overrides and isolates.
_CONTROL = r"\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069"


@dataclass(frozen=True)
class TextSchema:
    """States in the document what the server checks of a request string beyond its type.

    Every request string is refused if it holds NUL (see `RequestModel`); a display line also
    refuses control characters and bidi overrides. A trimmed string's length limits apply after
    trimming, so they go into a `pattern` (any surrounding white space, then the text).
    """

    display: bool = False
    trimmed: bool = True

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        refused = _CONTROL if self.display else r"\u0000"
        if not self.trimmed:
            schema["pattern"] = f"^[^{refused}]*$"
            return schema
        shortest, longest = schema.pop("minLength", 0), schema.pop("maxLength", None)
        edge, middle = f"[^{_SPACE}{refused}]", f"[^{refused}]"
        if longest is None:
            text = f"{edge}(?:{middle}*{edge})?"
        elif longest > 1:
            text = f"{edge}(?:{middle}{{0,{longest - 2}}}{edge})?"
        else:
            text = edge
        if shortest == 0:
            text = f"(?:{text})?"
        elif shortest > 1:
            raise ValueError("TextSchema states minimum lengths of 0 or 1 only")
        schema["pattern"] = f"^[{_SPACE}]*{text}[{_SPACE}]*$"
        return schema


T = TypeVar("T")


class Envelope(BaseModel, Generic[T]):
    data: T
    message: str


class Page(Envelope[T], Generic[T]):
    next: str | None


def _whole_number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


# JSON has one number type and JSON Schema calls 86.0 an integer: take it as 86, as the document
# promises, while strict mode still refuses 86.5, "86" and true.
# Placed after an int's constraints: `Annotated[int, Field(ge=1), WHOLE_NUMBER]`.
WHOLE_NUMBER = BeforeValidator(_whole_number)


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# An instant on the wire always carries its offset (RFC 3339 date-time); SQLite hands back the
# stored UTC without one.
UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]

# Every query and path value is refused if it holds NUL (request_guards): the document says so.
WITHOUT_NUL: dict[str, Any] = {"pattern": r"^[^\u0000]*$"}

ObjectId = Annotated[
    str,
    Path(min_length=1, max_length=64, description="An opaque id", json_schema_extra=WITHOUT_NUL),
]
