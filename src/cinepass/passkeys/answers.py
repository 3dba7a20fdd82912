"""What the passkey routes answer."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from cinepass.schemas import ApiModel, UtcDateTime


class PasskeyOut(ApiModel):
    id: str
    name: str
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None = Field(description="Its latest sign-in; null if none yet")
    backed_up: bool = Field(description="Synced to other devices (a passkey manager), as last seen")


class PasskeyCeremony(ApiModel):
    ceremony_token: str = Field(
        description="Send it back with the credential: single-use, for 5 minutes, for this flow"
    )
    options: dict[str, Any] = Field(
        description="For navigator.credentials (WebAuthn's PublicKeyCredentialCreationOptionsJSON"
        " or PublicKeyCredentialRequestOptionsJSON), e.g. through @simplewebauthn/browser"
    )
