"""STARTTLS and SMTPS with AUTH against aiosmtpd holding a self-signed certificate made here,
trusted through SSL_CERT_FILE; credentials from the URL, percent-decoded, never recorded."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cinepass.mail.catcher import LocalSmtpServer
from tests.mail.conftest import api_server, letter, mail_settings, queue, row, unique_address
from tests.mail_inbox import Inbox
from tests.support import eventually

# aiosmtpd counts only STARTTLS as TLS, so its SMTPS server allows AUTH "without" it, and warns.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

USER = "ana.núñez"
PASSWORD = "contraseña: ñandú/🎬@%"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cinepass test mail server")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def _authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    valid = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=valid, handled=False)


@pytest.fixture
def trusted(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))


def _server(scheme: str, certificate: tuple[Path, Path], inbox: Inbox) -> LocalSmtpServer:
    context = _server_context(certificate)
    if scheme == "smtps":
        return LocalSmtpServer(
            inbox.receive,
            ssl_context=context,
            authenticator=_authenticator,
            auth_required=True,
            auth_require_tls=False,
        )
    return LocalSmtpServer(
        inbox.receive,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )


@pytest.fixture(params=["smtp+starttls", "smtps"])
def tls_server(
    request: pytest.FixtureRequest, certificate: tuple[Path, Path], inbox: Inbox
) -> Iterator[tuple[str, LocalSmtpServer]]:
    scheme: str = request.param
    with _server(scheme, certificate, inbox) as server:
        yield scheme, server


def _url(scheme: str, server: LocalSmtpServer, password: str = PASSWORD) -> str:
    return f"{scheme}://{quote(USER, safe='')}:{quote(password, safe='')}@127.0.0.1:{server.port}"


@pytest.mark.usefixtures("trusted")
def test_mail_goes_through_tls_with_the_urls_credentials(
    mail_database: str, inbox: Inbox, tls_server: tuple[str, LocalSmtpServer]
) -> None:
    scheme, server = tls_server
    settings = mail_settings(mail_database, smtp_url=_url(scheme, server))
    to = unique_address("correo.es", local="ñandú")
    with api_server(settings):
        queue(settings, letter(to_email=to, name="Íñigo 🎬"))
        mail = inbox.wait_for(to)
    assert mail.message["To"].addresses[0].display_name == "Íñigo 🎬"
    assert row(mail_database, to)["sealed_message"] is None


def _first_failure(mail_database: str, smtp_url: str) -> dict[str, Any]:
    """The row of a mail sent through `smtp_url`, once its first attempt has failed."""
    settings = mail_settings(mail_database, smtp_url=smtp_url)
    to = unique_address()
    with api_server(settings):
        queue(settings, letter(to_email=to))
        failed: dict[str, Any] = eventually(
            lambda: (r := row(mail_database, to))["last_error"] and r
        )
    return failed


@pytest.mark.usefixtures("trusted")
def test_a_refused_password_is_retried_and_never_recorded(
    mail_database: str, tls_server: tuple[str, LocalSmtpServer]
) -> None:
    scheme, server = tls_server
    wrong = "contraseña equivocada 🎬"
    failed = _first_failure(mail_database, _url(scheme, server, password=wrong))
    assert "SMTPAuthenticationError" in failed["last_error"]
    assert failed["sent_at"] is None
    for secret in (wrong, quote(wrong, safe="")):
        assert secret not in failed["last_error"]


def test_an_untrusted_certificate_is_refused(
    mail_database: str, tls_server: tuple[str, LocalSmtpServer]
) -> None:
    scheme, server = tls_server
    failed = _first_failure(mail_database, _url(scheme, server))
    assert "CERTIFICATE_VERIFY_FAILED" in failed["last_error"]
    assert failed["sent_at"] is None
