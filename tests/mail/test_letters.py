"""Letters and messages: each kind's bodies and links, and headers built from data that no
name or address can break (SECURITY row 47)."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

import pytest

from cinepass.mail.catcher import ReceivedMail
from cinepass.mail.letters import SUBJECTS, VALUES, LetterKind, Templates, one_line
from cinepass.mail.messages import Undeliverable, compose, for_server, mailbox, parse
from tests.mail.conftest import LINKS, ORIGIN, letter

SENDER = "cinepass <no-reply@cinepass.localhost>"
HEADERS = ["From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted"]
HOSTILE_NAMES = [
    "Eve\r\nBcc: victim@example.org",
    "Eve\nSubject: you won",
    'Eve" <eve@evil.example>, "Mallory',
    "Eve <eve@evil.example>",
    "=?utf-8?q?Bcc=3A_x=40y=2Ez?= \u2028Bcc: x@y.z",
]


def _message(name: str, to_email: str, kind: LetterKind = LetterKind.VERIFY_EMAIL) -> bytes:
    each = letter(kind, to_email, name=name)
    return compose(SENDER, mailbox(name, to_email), Templates(ORIGIN).render(each))


@pytest.mark.parametrize("kind", list(LetterKind))
def test_each_kind_has_a_subject_a_text_and_an_html_body_linking_only_to_the_web_origin(
    kind: LetterKind,
) -> None:
    data = _message("Íñigo 🎬", "ñandú@correo.es", kind)
    mail = ReceivedMail.parse("", ["ñandú@correo.es"], data)
    assert mail.subject == SUBJECTS[kind]
    assert "Hi Íñigo 🎬," in mail.text
    assert "Íñigo 🎬" in mail.html
    for name, value in LINKS[kind].items():
        target = value if name.endswith("link") else None
        if target:
            assert target in mail.links, (target, mail.text)
            assert f'href="{target}"' in mail.html
        else:
            assert value in mail.text
            assert value in mail.html
    # No remote images, stylesheets, scripts or trackers: every URL is the web origin's.
    assert not re.search(r"<img|<link|<script|src=|url\(|@import", mail.html, re.I)
    for url in re.findall(r"https?://[^\s\"<>]+", mail.text + mail.html):
        assert url == ORIGIN or url.startswith(f"{ORIGIN}/"), url


def test_the_html_body_escapes_what_the_name_holds() -> None:
    data = _message("<script>alert('ñ')</script> & co", "ana@example.com")
    mail = ReceivedMail.parse("", ["ana@example.com"], data)
    assert "<script>" not in mail.html
    assert "&lt;script&gt;alert(&#39;ñ&#39;)&lt;/script&gt; &amp; co" in mail.html


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"link": "https://evil.example/verify-email#token=x"},
        {"link": f"{ORIGIN}.evil.example/verify-email"},
        {"link": f'{ORIGIN}/verify-email" onclick="x'},
        {"link": f"{ORIGIN}/ok", "extra": "value"},
    ],
)
def test_a_link_off_the_web_origin_or_a_wrong_value_is_refused(values: dict[str, str]) -> None:
    each = letter(LetterKind.VERIFY_EMAIL)
    with pytest.raises(ValueError, match=r"link|values"):
        Templates(ORIGIN).render(type(each)(each.kind, "Ana", each.to_email, values))


def test_every_kind_names_the_values_it_takes() -> None:
    assert set(VALUES) == set(LetterKind) == set(SUBJECTS) == set(LINKS)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("smtputf8", [True, False])
def test_a_hostile_name_never_makes_a_header_or_a_recipient(name: str, smtputf8: bool) -> None:
    outgoing = for_server(_message(name, "ana@example.com"), server_has_smtputf8=smtputf8)
    message = BytesParser(policy=policy.default).parsebytes(outgoing.data)
    assert outgoing.recipient == "ana@example.com"
    assert [a.addr_spec for a in message["To"].addresses] == ["ana@example.com"]
    assert message["Bcc"] is None
    assert message["Subject"] == SUBJECTS[LetterKind.VERIFY_EMAIL]
    assert sorted(message.keys()) == sorted([*HEADERS, "MIME-Version", "Content-Type"])
    # The name stays one line of text, in the To header and in the body.
    shown = message["To"].addresses[0].display_name
    assert not {"\r", "\n", "\u2028"} & set(shown)
    assert ReceivedMail.parse("", [], outgoing.data).text.splitlines()[0] == f"Hi {one_line(name)},"


@pytest.mark.parametrize(
    "address",
    [
        "ana@example.com\r\nBcc: victim@example.org",
        "ana@example.com>, eve@evil.example",
        "<ana@example.com>",
        "Ana <ana@example.com>",
        "ana@example.com, eve@evil.example",
        "not an address",
    ],
)
def test_a_hostile_address_is_refused(address: str) -> None:
    with pytest.raises(ValueError, match="not a mail address"):
        mailbox("Ana", address)


def test_a_server_without_smtputf8_gets_punycode_domains_and_encoded_word_names() -> None:
    data = _message("Íñigo 🎬", "user@bücher.de")
    outgoing = for_server(data, server_has_smtputf8=False)
    assert outgoing.recipient == "user@xn--bcher-kva.de"
    assert not outgoing.smtputf8
    assert outgoing.data.isascii()
    assert b"=?utf-8?" in outgoing.data.split(b"\r\n\r\n")[0]
    message = BytesParser(policy=policy.default).parsebytes(outgoing.data)
    (to,) = message["To"].addresses
    assert (to.display_name, to.domain) == ("Íñigo 🎬", "xn--bcher-kva.de")


def test_a_server_with_smtputf8_gets_the_message_as_kept() -> None:
    data = _message("Íñigo 🎬", "ñandú@correo.es")
    outgoing = for_server(data, server_has_smtputf8=True)
    assert (outgoing.recipient, outgoing.smtputf8, outgoing.data) == ("ñandú@correo.es", True, data)
    (to,) = parse(data)["To"].addresses
    assert (to.display_name, to.username, to.domain) == ("Íñigo 🎬", "ñandú", "correo.es")


def test_a_non_ascii_local_part_cannot_go_through_a_server_without_smtputf8() -> None:
    with pytest.raises(Undeliverable, match="SMTPUTF8"):
        for_server(_message("Íñigo", "ñandú@correo.es"), server_has_smtputf8=False)
