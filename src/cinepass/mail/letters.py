"""The letters cinepass writes: their kinds, the values each needs, and rendering from templates."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from cinepass.text import nfc


class LetterKind(StrEnum):
    VERIFY_EMAIL = "verify_email"  # values: link (24 h)
    ACCOUNT_EXISTS = "account_exists"  # values: sign_in_link, reset_link
    PASSWORD_RESET = "password_reset"  # values: link (15 min)
    PASSWORD_CHANGED = "password_changed"  # values: reset_link ("if this was not you")
    CHANGE_EMAIL = "change_email"  # values: link, new_email (to the NEW address, 24 h)
    EMAIL_CHANGED_NOTICE = "email_changed_notice"  # values: new_email (to the OLD address)
    # values: change (a sentence the sender writes), reset_link, account_link
    SIGN_IN_METHODS_CHANGED = "sign_in_methods_changed"


SUBJECTS: dict[LetterKind, str] = {
    LetterKind.VERIFY_EMAIL: "Confirm your email address",
    LetterKind.ACCOUNT_EXISTS: "You already have a cinepass account",
    LetterKind.PASSWORD_RESET: "Reset your cinepass password",
    LetterKind.PASSWORD_CHANGED: "Your cinepass password was changed",
    LetterKind.CHANGE_EMAIL: "Confirm your new email address",
    LetterKind.EMAIL_CHANGED_NOTICE: "Your cinepass email address was changed",
    LetterKind.SIGN_IN_METHODS_CHANGED: "How you sign in to cinepass changed",
}

VALUES: dict[LetterKind, frozenset[str]] = {
    LetterKind.VERIFY_EMAIL: frozenset({"link"}),
    LetterKind.ACCOUNT_EXISTS: frozenset({"sign_in_link", "reset_link"}),
    LetterKind.PASSWORD_RESET: frozenset({"link"}),
    LetterKind.PASSWORD_CHANGED: frozenset({"reset_link"}),
    LetterKind.CHANGE_EMAIL: frozenset({"link", "new_email"}),
    LetterKind.EMAIL_CHANGED_NOTICE: frozenset({"new_email"}),
    LetterKind.SIGN_IN_METHODS_CHANGED: frozenset({"change", "reset_link", "account_link"}),
}


@dataclass(frozen=True)
class Letter:
    kind: LetterKind
    to_name: str  # the user's display name: any Unicode, and possibly hostile
    to_email: str  # normalised; may be non-ASCII (ñandú@correo.es, user@bücher.de)
    values: Mapping[str, str]


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


# Line and paragraph separators, and the controls that reorder displayed text.
_LINE_BREAKING = frozenset("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_URL = re.compile(r"[!#-;=?-~]+")  # printable ASCII but space, quotes and angle brackets


def one_line(text: str) -> str:
    """`text` as one line of visible text: controls and line breaks become spaces (a name
    given by a user must not start a header, a line of the body, or a fake link)."""
    cleaned = "".join(
        " " if unicodedata.category(c) == "Cc" or c in _LINE_BREAKING else c for c in text
    )
    return " ".join(nfc(cleaned).split())


class Templates:
    """The subject, plain-text and HTML body of each kind of letter; links only to `origin`."""

    def __init__(self, origin: str):
        self.origin = origin.rstrip("/")
        self._env = Environment(
            loader=PackageLoader("cinepass.mail", "templates"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    def render(self, letter: Letter) -> Rendered:
        values = self._checked_values(letter)
        context = {"name": one_line(letter.to_name), "origin": self.origin, **values}
        return Rendered(
            subject=SUBJECTS[letter.kind],
            text=self._env.get_template(f"{letter.kind.value}.txt").render(context),
            html=self._env.get_template(f"{letter.kind.value}.html").render(context),
        )

    def _checked_values(self, letter: Letter) -> dict[str, str]:
        wanted = VALUES[letter.kind]
        if set(letter.values) != wanted:
            raise ValueError(
                f"a {letter.kind.value} letter takes the values {sorted(wanted)},"
                f" not {sorted(letter.values)}"
            )
        values = {name: one_line(value) for name, value in letter.values.items()}
        for name, value in values.items():
            if name.endswith("link") and not (
                value.startswith(f"{self.origin}/") and _URL.fullmatch(value)
            ):
                raise ValueError(f"the {name} of a letter must be a URL under {self.origin}/")
        return values
