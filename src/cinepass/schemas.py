"""The shapes every route shares: the success envelope and the strict request base."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Path
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """Bodies in and out use camelCase on the wire, as the original API did."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class RequestModel(ApiModel):
    """A request body: unknown fields and type coercion are refused (mass assignment, 400)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


T = TypeVar("T")


class Envelope(BaseModel, Generic[T]):
    data: T
    message: str


class Page(Envelope[T], Generic[T]):
    next: str | None


ObjectId = Annotated[str, Path(min_length=1, max_length=64, description="An opaque id")]
