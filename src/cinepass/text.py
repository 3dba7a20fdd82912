"""Unicode text normalisation: one stored spelling per text, and the folded form search compares."""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    """The composed form: "n" + combining tilde and "ñ" are stored, matched and sorted as one."""
    return unicodedata.normalize("NFC", text)


# Embeddings, overrides and isolates: in a name they make it display as another text.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def display_line(text: str) -> str:
    """A name or title shown to other people: NFC, one line, no control characters.

    Letters, accents and emoji (joiners and variation selectors included) are all welcome; what
    is refused could move a terminal's cursor, break a mail header or reorder the text shown.
    """
    if any(unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in text):
        raise ValueError("may not contain control characters or text-direction overrides")
    return nfc(text)


def search_key(text: str) -> str:
    """Case- and accent-free form of a text, so "ÑANDÚ", "ñandú" and "nandu" find each other.

    Computed in Python and stored beside the text, because SQLite's LIKE and lower() fold
    ASCII letters only, and both databases must answer a search alike.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)
