"""What people read about invalid input: one sentence per pydantic error, naming the field as
the reader knows it (a JSON name, a CSV column, a CLI option), and waits said in minutes.

Every place that shows validation errors (the API's 400, the CLI's settings, movie options and
imports) goes through `describe`, so that no library wording ("Value error, ", "Field required",
email-validator's "@-sign" sentences) reaches a person.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from pydantic_core import ErrorDetails

# Field names that start a sentence of their own ("password is one of ...").
_PREDICATE = re.compile(r"^(?:must|may|is|are|cannot|can't|should|needs?|has|have)\b")

_FIXED: dict[str, str] = {
    "missing": "is required",
    "extra_forbidden": "is not a field this accepts",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "json_invalid": "is not valid JSON",
    "json_type": "must be JSON text",
    "uuid_type": "is not a valid id",
    "uuid_parsing": "is not a valid id",
    "url_type": "must be a URL",
    "url_parsing": "is not a valid URL",
    "url_syntax_violation": "is not a valid URL",
    "url_scheme": "must be an http or https URL",
    "url_too_long": "is too long for a URL",
    "datetime_type": "must be a date and time",
    "datetime_parsing": "is not a valid date and time",
    "datetime_from_date_parsing": "is not a valid date and time",
    "date_parsing": "is not a valid date",
    "string_pattern_mismatch": "is not in the expected form",
    "string_unicode": "must be valid Unicode text",
    "none_required": "must be empty",
    "frozen_field": "cannot be changed",
}


def _plural(n: Any, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _from_context(kind: str, ctx: dict[str, Any]) -> str | None:
    bounds: dict[str, Callable[[dict[str, Any]], str]] = {
        "string_too_short": lambda c: (
            "must not be empty"
            if c["min_length"] == 1
            else f"must be at least {_plural(c['min_length'], 'character')}"
        ),
        "string_too_long": lambda c: f"must be at most {_plural(c['max_length'], 'character')}",
        "too_short": lambda c: f"must have at least {_plural(c['min_length'], 'item')}",
        "too_long": lambda c: f"must have at most {_plural(c['max_length'], 'item')}",
        "greater_than_equal": lambda c: f"must be at least {c['ge']}",
        "less_than_equal": lambda c: f"must be at most {c['le']}",
        "greater_than": lambda c: f"must be more than {c['gt']}",
        "less_than": lambda c: f"must be less than {c['lt']}",
        "literal_error": lambda c: f"must be one of {c['expected']}",
        "enum": lambda c: f"must be one of {c['expected']}",
    }
    shape = bounds.get(kind)
    try:
        return shape(ctx) if shape else None
    except KeyError:
        return None


# email-validator's reasons, said plainly; any other reason is kept, in our case and tone.
_EMAIL_REASONS: tuple[tuple[str, str], ...] = (
    (
        "special-use or reserved name",
        "its domain is reserved for special use (like .test, .local or localhost) and cannot"
        " receive mail",
    ),
    ("exactly one @-sign", "it needs exactly one @"),
    ("something after the @-sign", "there is nothing after the @"),
    ("something before the @-sign", "there is nothing before the @"),
    ("should have a period", "the part after the @ needs a dot, as in example.com"),
)


def _sentence_part(text: str) -> str:
    """A library's sentence as part of ours: lower-case start, no final period."""
    text = text.strip().removesuffix(".")
    if text[:2].isupper():  # an acronym ("URL ...") keeps its case
        return text
    return text[:1].lower() + text[1:]


def _email_problem(reason: str) -> str:
    for found, said in _EMAIL_REASONS:
        if found in reason:
            return f"is not a valid email address: {said}"
    plain = _sentence_part(reason.split(". ")[0]).replace("@-sign", "@")
    return f"is not a valid email address: {plain}" if plain else "is not a valid email address"


def problem(error: ErrorDetails) -> str:
    """What is wrong, to follow the field's name: "must be at least 8 characters"."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == "value_error" and "reason" in ctx:
        return _email_problem(str(ctx["reason"]))
    if kind in {"value_error", "assertion_error"} and "error" in ctx:
        return _sentence_part(str(ctx["error"]))
    fixed = _FIXED.get(kind) or _from_context(kind, ctx)
    if fixed:
        return fixed
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return _sentence_part(message)


def describe(error: ErrorDetails, name: str | None, whole: str | None = None) -> str:
    """One sentence: "password must be at least 8 characters". An error of no one field is
    said of `whole` ("the request body must be an object") or, when it is a sentence of its
    own, alone ("send at least one field to change")."""
    said = problem(error)
    if _PREDICATE.match(said):
        subject = name or whole
        return f"{subject} {said}" if subject else said
    return f"{name}: {said}" if name else said


def dotted(loc: Sequence[int | str]) -> str:
    """A location as a path: ("tags", 0) -> "tags.0"."""
    return ".".join(str(part) for part in loc)


def for_people(seconds: float) -> str:
    """A wait as people say it: "45 seconds", "2 minutes", "3 hours" (rounded up)."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return _plural(seconds, "second")
    if seconds < 3600:
        return _plural(math.ceil(seconds / 60), "minute")
    return _plural(math.ceil(seconds / 3600), "hour")
