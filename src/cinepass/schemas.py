"""The shapes every route shares: the success envelope and the strict request base."""

from __future__ import annotations

import re
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Path
from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.alias_generators import to_camel

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


T = TypeVar("T")


class Envelope(BaseModel, Generic[T]):
    data: T
    message: str


class Page(Envelope[T], Generic[T]):
    next: str | None


ObjectId = Annotated[str, Path(min_length=1, max_length=64, description="An opaque id")]
