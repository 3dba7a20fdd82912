"""What the second-factor routes answer."""

from __future__ import annotations

from pydantic import Field

from cinepass.schemas import ApiModel, UtcDateTime


class MfaStatus(ApiModel):
    totp_enabled: bool = Field(description="Whether sign-ins ask for an authenticator-app code")
    enabled_at: UtcDateTime | None
    recovery_codes_left: int


class TotpSetup(ApiModel):
    """Shown once while setting up; the secret is kept sealed and never shown again."""

    secret: str = Field(description="The secret, base32, for typing into the app")
    otpauth_uri: str = Field(description="The otpauth:// URI the QR code holds")
    qr_svg: str = Field(description="The URI as a QR code, an SVG document")


class RecoveryCodes(ApiModel):
    codes: list[str] = Field(description="Ten single-use codes, shown this once")
