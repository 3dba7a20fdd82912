"""Where a browser may be sent back to after signing in: our own paths, nothing else."""

from __future__ import annotations


def safe_return_to(value: str | None) -> str:
    """A path on our own origin, or "/": never a way out to another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(c) < 0x20 for c in value) or ":" in value.split("?", 1)[0]:
        return "/"
    return value
