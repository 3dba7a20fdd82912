"""Authenticator-app codes (RFC 6238): secrets, the enrolment URI and QR code, code checks."""

from __future__ import annotations

import hmac
import io
import time

import pyotp
import segno

# 32 base32 characters: 160 bits, RFC 4226's recommended length (SECURITY.md row 50).
SECRET_LENGTH = 32
DIGITS = 6
STEP_SECONDS = 30
# A code of the step before or after now is accepted too: clocks drift (RFC 6238 section 6).
SKEW_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32(SECRET_LENGTH)


def enrolment_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// URI authenticator apps read from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def qr_svg(uri: str) -> str:
    """The URI as a QR code: a standalone SVG document, made here (no third-party service)."""
    out = io.BytesIO()
    # With its namespace: an SVG document shown by <img> renders only if it declares one.
    segno.make(uri, error="m").save(
        out, kind="svg", xmldecl=False, scale=4, border=2, svgclass=None, lineclass=None
    )
    return out.getvalue().decode()


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code `code` is, within the skew; None if it is none of them."""
    # Fullwidth or Arabic-Indic digits are digits to str.isdigit; compare_digest refuses
    # non-ASCII text.
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    found = None
    for step in range(current - SKEW_STEPS, current + SKEW_STEPS + 1):
        # Every candidate is compared, in constant time, whichever matches.
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found
