"""What a passkey ceremony deals in, without the WebAuthn library: who the relying party is, the
options a browser gets, a new credential, a failure. py_webauthn (a dozen MB) loads with
`ceremonies`, on the first ceremony a process runs, not in every API process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cinepass.config import Settings


class CeremonyFailed(Exception):
    """What the authenticator sent is malformed or does not verify; the message says why (for
    the log, not for the client)."""


@dataclass(frozen=True)
class RelyingParty:
    """Who passkeys are made for: the domain they are bound to, its name, the page's origin."""

    id: str
    name: str
    origin: str

    @classmethod
    def from_settings(cls, settings: Settings) -> RelyingParty:
        origin = settings.web.origin.rstrip("/")
        rp_id = settings.second_factor.webauthn_rp_id or urlsplit(origin).hostname or "localhost"
        return cls(id=rp_id, name=settings.second_factor.webauthn_rp_name, origin=origin)


@dataclass(frozen=True)
class Options:
    """A ceremony's challenge (base64url, kept by the server) and the options the browser
    passes to navigator.credentials (WebAuthn's JSON form)."""

    challenge: str
    json: dict[str, Any]


@dataclass(frozen=True)
class NewCredential:
    credential_id: str
    public_key: bytes
    sign_count: int
    aaguid: str
    transports: list[str]
    backup_eligible: bool
    backed_up: bool
