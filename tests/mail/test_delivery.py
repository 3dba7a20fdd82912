"""Delivery by the API processes to a real SMTP server (aiosmtpd): letters arrive whole, in any
script, once; a mail server that is down delays mail and never loses it."""

from __future__ import annotations

import asyncio

from cinepass.db.engine import create_engine, create_sessionmaker
from cinepass.mail.catcher import LocalSmtpServer
from cinepass.mail.delivery import MailDelivery
from cinepass.mail.letters import LetterKind
from tests.mail.conftest import (
    LINKS,
    api_server,
    letter,
    mail_settings,
    queue,
    row,
    unique_address,
)
from tests.mail_inbox import Inbox
from tests.support import eventually, free_port, run


def test_a_letter_arrives_with_a_text_and_an_html_body_and_its_links(
    mail_database: str, inbox: Inbox
) -> None:
    settings = mail_settings(mail_database)
    to = unique_address()
    with api_server(settings):
        queue(settings, letter(LetterKind.ACCOUNT_EXISTS, to, name="Ada"))
        mail = inbox.wait_for(to, LetterKind.ACCOUNT_EXISTS)
    assert mail.envelope_to == (to,)
    assert mail.message["From"] == settings.mail.sender
    assert mail.message["To"].addresses[0].display_name == "Ada"
    assert mail.message.get_content_type() == "multipart/alternative"
    assert mail.link("/sign-in") == LINKS[LetterKind.ACCOUNT_EXISTS]["sign_in_link"]
    assert mail.link("/forgot-password") == LINKS[LetterKind.ACCOUNT_EXISTS]["reset_link"]
    assert f'href="{mail.link("/sign-in")}"' in mail.html


def test_spanish_names_and_addresses_arrive_intact(mail_database: str, inbox: Inbox) -> None:
    settings = mail_settings(mail_database)
    spanish = unique_address("correo.es", local="ñandú")
    german = unique_address("bücher.de")
    with api_server(settings):
        queue(
            settings,
            letter(LetterKind.PASSWORD_RESET, spanish, name="Íñigo 🎬"),
            letter(LetterKind.CHANGE_EMAIL, german, name="Zoë Ñúñez", new_email=german),
        )
        first = inbox.wait_for(spanish, LetterKind.PASSWORD_RESET)
        second = inbox.wait_for(german, LetterKind.CHANGE_EMAIL)
    assert first.envelope_to == (spanish,)
    (to,) = first.message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Íñigo 🎬", spanish)
    assert first.text.startswith("Hi Íñigo 🎬,")
    assert "Íñigo 🎬" in first.html
    (to,) = second.message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Zoë Ñúñez", german)
    assert f"You asked to use {german} for your cinepass account" in second.text


def test_a_server_without_smtputf8_gets_punycode_and_encoded_words_but_no_utf8_local_part(
    mail_database: str,
) -> None:
    plain = Inbox()
    with LocalSmtpServer(plain.receive, enable_SMTPUTF8=False) as server:
        settings = mail_settings(mail_database, smtp_url=server.url)
        german = unique_address("bücher.de")
        spanish = unique_address("correo.es", local="ñandú")
        with api_server(settings):
            queue(settings, letter(to_email=german, name="Íñigo 🎬"), letter(to_email=spanish))
            mail = plain.wait_for(german)
            eventually(lambda: row(mail_database, spanish)["last_error"])
    assert mail.envelope_to == (german.replace("bücher.de", "xn--bcher-kva.de"),)
    assert mail.raw.isascii()
    assert "=?utf-8?" in mail.raw.decode().split("\r\n\r\n")[0]
    assert mail.message["To"].addresses[0].display_name == "Íñigo 🎬"
    refused = row(mail_database, spanish)
    assert refused["sent_at"] is None
    assert "SMTPUTF8" in refused["last_error"]


def test_a_hostile_name_arrives_as_one_recipient_with_no_extra_header(
    mail_database: str, inbox: Inbox
) -> None:
    settings = mail_settings(mail_database)
    to = unique_address()
    victim = unique_address()
    name = f'Eve\r\nBcc: {victim}\r\nSubject: you won" <{victim}>, "'
    with api_server(settings):
        queue(settings, letter(to_email=to, name=name))
        mail = inbox.wait_for(to)
        inbox.none_for(victim, within=0.5)
    assert mail.envelope_to == (to,)
    assert [a.addr_spec for a in mail.message["To"].addresses] == [to]
    assert mail.message["Bcc"] is None
    assert mail.subject == "Confirm your email address"


def test_the_row_holds_no_plaintext_link_before_sending_and_no_message_after(
    mail_database: str, inbox: Inbox
) -> None:
    settings = mail_settings(mail_database)
    to = unique_address()
    queue(settings, letter(LetterKind.PASSWORD_RESET, to))
    queued = row(mail_database, to)
    assert (queued["kind"], queued["subject"]) == ("password_reset", "Reset your cinepass password")
    assert queued["sealed_message"].startswith("kek1.")
    for plain in ("reset-token", "reset-password", "127.0.0.1", "Reset your"):
        assert plain not in queued["sealed_message"]
    with api_server(settings):
        assert "#token=reset-token" in inbox.wait_for(to).link("/reset-password")
        sent = eventually(lambda: (r := row(mail_database, to))["sent_at"] and r)
    assert sent["sealed_message"] is None
    assert (sent["attempts"], sent["failed_at"], sent["last_error"]) == (1, None, None)


def test_a_mail_server_that_is_down_delays_mail_and_it_goes_out_once_one_listens(
    mail_database: str, inbox: Inbox
) -> None:
    port = free_port()
    settings = mail_settings(mail_database, smtp_url=f"smtp://127.0.0.1:{port}")
    to = unique_address()
    with api_server(settings):
        queue(settings, letter(to_email=to))  # nothing listens: queuing does not care
        failing = eventually(lambda: (r := row(mail_database, to))["attempts"] >= 2 and r)
        assert (failing["sent_at"], failing["failed_at"]) == (None, None)
        assert "127.0.0.1" in failing["last_error"]
        with LocalSmtpServer(inbox.receive, port=port):
            inbox.wait_for(to, LetterKind.VERIFY_EMAIL)
    assert row(mail_database, to)["sealed_message"] is None


async def _two_replicas_deliver(settings_url: str, smtp_url: str) -> list[int]:
    settings = mail_settings(settings_url, smtp_url=smtp_url)
    engines = [create_engine(settings), create_engine(settings)]
    try:
        replicas = [MailDelivery.from_settings(settings, create_sessionmaker(e)) for e in engines]
        return list(await asyncio.gather(*(r.deliver_due() for r in replicas)))
    finally:
        for engine in engines:
            await engine.dispose()


def test_two_replicas_delivering_at_once_send_each_mail_exactly_once(mail_database: str) -> None:
    received = Inbox()
    addresses = [unique_address() for _ in range(12)]
    with LocalSmtpServer(received.receive) as server:
        queue(mail_settings(mail_database), *(letter(to_email=a) for a in addresses))
        tried = run(_two_replicas_deliver(mail_database, server.url))
        for address in addresses:
            received.wait_for(address)
        for address in addresses:
            received.none_for(address, within=0)
    assert sum(tried) >= len(addresses), tried
    assert all(row(mail_database, a)["attempts"] == 1 for a in addresses)
