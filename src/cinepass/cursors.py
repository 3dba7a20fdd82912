"""Keyset-paging cursors: the last row's sort key, opaque to clients (base64url JSON)."""

from __future__ import annotations

import json

from cinepass import base64url
from cinepass.errors import BadRequest

INVALID_CURSOR = "invalid cursor; use the 'next' value of the previous page"


def encode_cursor(*parts: str) -> str:
    raw = json.dumps(list(parts), separators=(",", ":")).encode()
    return base64url.encode(raw)


def decode_cursor(cursor: str, *max_lengths: int) -> tuple[str, ...]:
    """The parts `encode_cursor` was given, each a string no longer than its max length; any
    other cursor is a 400."""
    try:
        parts = json.loads(base64url.decode(cursor))
    except (ValueError, TypeError, RecursionError):
        raise BadRequest(INVALID_CURSOR) from None
    if (
        not isinstance(parts, list)
        or len(parts) != len(max_lengths)
        or not all(
            isinstance(part, str) and len(part) <= most and "\x00" not in part
            for part, most in zip(parts, max_lengths, strict=True)
        )
    ):
        raise BadRequest(INVALID_CURSOR)
    return tuple(parts)
