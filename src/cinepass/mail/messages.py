"""Mail messages built by the email library from data (never by pasting user input into
headers), kept in their Unicode form and turned into what a given SMTP server accepts."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid

from email_validator import EmailNotValidError, validate_email

from cinepass.db.base import utcnow
from cinepass.mail.letters import Rendered, one_line

# Headers are written unfolded (up to RFC 5322's 998): folding a long quoted display name,
# the email library (3.11) drops its quotes, and `"a, b <x@y>" <to@z>` becomes two recipients.
_UNFOLDED = 998
# Headers in UTF-8 where they need it (RFC 6532); bodies quoted-printable, so 7-bit clean.
_STORED = policy.SMTPUTF8.clone(max_line_length=_UNFOLDED)
# For a server without SMTPUTF8: every header written again, non-ASCII text as RFC 2047 words.
_ASCII = policy.SMTP.clone(refold_source="all", max_line_length=_UNFOLDED)


class _ReadUtf8Headers(policy.EmailPolicy):
    """Reads headers in UTF-8 (RFC 6532), which the bytes parser would leave undecoded."""

    def header_source_parse(self, sourcelines: list[str]) -> tuple[str, str]:
        name, value = super().header_source_parse(sourcelines)
        return name, value.encode("ascii", "surrogateescape").decode("utf-8", "replace")


_READ = _ReadUtf8Headers(linesep="\r\n", utf8=True, max_line_length=_UNFOLDED)
# Longer names are cut: the To header stays within one line.
MAX_NAME = 100


class Undeliverable(Exception):
    """The message cannot go through this server as it is (it lacks a needed extension)."""


def mailbox(name: str, email: str) -> Address:
    """A recipient's mailbox; ValueError for an address that is not one (CR/LF, `>`, a second
    address, a malformed domain)."""
    try:
        checked = validate_email(email, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        raise ValueError(f"not a mail address: {exc}") from None
    return Address(
        display_name=one_line(name)[:MAX_NAME].rstrip(),
        username=checked.local_part,
        domain=checked.domain,
    )


def compose(sender: str, to: Address, rendered: Rendered) -> bytes:
    """The whole message, as kept (sealed) until it is sent."""
    message = EmailMessage(policy=policy.SMTPUTF8)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = rendered.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=_ascii_domain(_only(message, "From").domain))
    # RFC 3834: an automatic mail; out-of-office replies should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text, cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    return _written(message, to, _STORED)


@dataclass(frozen=True)
class Outgoing:
    """One message as one server takes it: envelope, bytes, and whether it needs SMTPUTF8."""

    sender: str
    recipient: str
    data: bytes
    smtputf8: bool


def parse(data: bytes) -> EmailMessage:
    """A message as a server receives it: headers ASCII or UTF-8, bodies in any encoding."""
    message = BytesParser(policy=_READ).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def for_server(data: bytes, *, server_has_smtputf8: bool) -> Outgoing:
    """The message in the form the server accepts: as kept when it needs SMTPUTF8 and the
    server has it, else ASCII only (IDN domains in punycode, names as encoded words)."""
    message = parse(data)
    sender, recipient = _only(message, "From"), _only(message, "To")
    if server_has_smtputf8 and not (sender.addr_spec + recipient.addr_spec).isascii():
        return Outgoing(sender.addr_spec, recipient.addr_spec, data, smtputf8=True)
    sender, recipient = _ascii_address(sender), _ascii_address(recipient)
    message.replace_header("From", sender)
    message.replace_header("To", recipient)
    return Outgoing(
        sender.addr_spec, recipient.addr_spec, _written(message, recipient, _ASCII), smtputf8=False
    )


def _written(message: EmailMessage, to: Address, form: policy.EmailPolicy[EmailMessage]) -> bytes:
    """`message` as bytes whose To header reads back as exactly `to`; should the email library
    write a name otherwise (a bug, an encoded word inside it), the address goes without it."""
    data = message.as_bytes(policy=form)
    if parse(data)["To"].addresses != (to,):
        message.replace_header("To", Address(username=to.username, domain=to.domain))
        data = message.as_bytes(policy=form)
    return data


def _only(message: EmailMessage, header: str) -> Address:
    addresses: tuple[Address, ...] = message[header].addresses
    (address,) = addresses
    return address


def _ascii_domain(domain: str) -> str:
    if domain.isascii():
        return domain
    return validate_email(f"x@{domain}", check_deliverability=False).ascii_domain


def _ascii_address(address: Address) -> Address:
    if not address.username.isascii():
        raise Undeliverable(
            f"the mail server does not support SMTPUTF8, which {address.addr_spec} needs"
        )
    return Address(
        display_name=address.display_name,
        username=address.username,
        domain=_ascii_domain(address.domain),
    )
