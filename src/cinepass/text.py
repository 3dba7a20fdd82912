"""Unicode text normalisation: one stored spelling per text, and the folded form search compares."""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    """The composed form: "n" + combining tilde and "ñ" are stored, matched and sorted as one."""
    return unicodedata.normalize("NFC", text)


def search_key(text: str) -> str:
    """Case- and accent-free form of a text, so "ÑANDÚ", "ñandú" and "nandu" find each other.

    Computed in Python and stored beside the text, because SQLite's LIKE and lower() fold
    ASCII letters only, and both databases must answer a search alike.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)
