"""The shapes every route shares: the success envelope and the strict request base."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Path
from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """Bodies in and out use camelCase on the wire, as the original API did."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class RequestModel(ApiModel):
    """A request body: unknown fields and type coercion are refused (mass assignment, 400)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        # PostgreSQL cannot store NUL in text; refuse it up front rather than fail on insert.
        if _has_nul(data):
            raise ValueError("text may not contain NUL characters")
        return data


T = TypeVar("T")


class Envelope(BaseModel, Generic[T]):
    data: T
    message: str


class Page(Envelope[T], Generic[T]):
    next: str | None


ObjectId = Annotated[str, Path(min_length=1, max_length=64, description="An opaque id")]
