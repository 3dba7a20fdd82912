"""The WebAuthn side of a passkey: options for the browser, and py_webauthn's verdict on what the
authenticator answered. No database here; `passkeys.service` keeps the state."""

from __future__ import annotations

import json
from typing import Any

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.authentication.verify_authentication_response import VerifiedAuthentication
from webauthn.helpers import (
    bytes_to_base64url,
    generate_challenge,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.structs import (
    AuthenticationCredential,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    CredentialDeviceType,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from cinepass import base64url
from cinepass.passkeys.parties import CeremonyFailed, NewCredential, Options, RelyingParty

# ES256 first: what nearly every authenticator makes; EdDSA and RS256 (Windows Hello) besides.
ALGORITHMS = [
    COSEAlgorithmIdentifier.ECDSA_SHA_256,
    COSEAlgorithmIdentifier.EDDSA,
    COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256,
]
# A credential id is at most 1023 bytes (WebAuthn L3 6.1): 1364 characters of base64url.
MAX_CREDENTIAL_ID_CHARS = 1364
# What the browser gets to finish a ceremony (milliseconds); the challenge lives 5 minutes.
TIMEOUT_MS = 300_000


def registration_options(
    rp: RelyingParty, *, user_id: str, email: str, name: str, existing: list[str]
) -> Options:
    challenge = generate_challenge()
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=user_id.encode(),
        user_name=email,
        user_display_name=name,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url.decode(c)) for c in existing
        ],
        supported_pub_key_algs=ALGORITHMS,
    )
    return Options(bytes_to_base64url(challenge), json.loads(options_to_json(options)))


def sign_in_options(rp: RelyingParty) -> Options:
    """Options for a discoverable credential: the authenticator offers the user's passkeys."""
    challenge = generate_challenge()
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return Options(bytes_to_base64url(challenge), json.loads(options_to_json(options)))


def _challenge(stored: object) -> bytes:
    if not isinstance(stored, str):
        raise CeremonyFailed("the ceremony holds no challenge")
    return base64url.decode(stored)


def _checked_id(credential: dict[str, Any]) -> None:
    credential_id = credential.get("id")
    if isinstance(credential_id, str) and len(credential_id) > MAX_CREDENTIAL_ID_CHARS:
        raise CeremonyFailed("the credential id is longer than 1023 bytes")


def verify_registration(
    rp: RelyingParty, credential: dict[str, Any], challenge: object
) -> NewCredential:
    """The new credential, if the attestation verifies for this RP, origin and challenge."""
    _checked_id(credential)
    try:
        parsed = parse_registration_credential_json(credential)
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=_challenge(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
            supported_pub_key_algs=ALGORITHMS,
        )
    except CeremonyFailed:
        raise
    except Exception as exc:  # py_webauthn raises more than its own errors on malformed input
        raise CeremonyFailed(f"{type(exc).__name__}: {exc}") from None
    credential_id = bytes_to_base64url(verified.credential_id)
    if len(credential_id) > MAX_CREDENTIAL_ID_CHARS:
        raise CeremonyFailed("the credential id is longer than 1023 bytes")
    transports = [
        t.value if isinstance(t, AuthenticatorTransport) else str(t)
        for t in parsed.response.transports or []
    ]
    return NewCredential(
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        aaguid=verified.aaguid,
        transports=sorted(set(transports)),
        backup_eligible=verified.credential_device_type is CredentialDeviceType.MULTI_DEVICE,
        backed_up=verified.credential_backed_up,
    )


def parse_assertion(credential: dict[str, Any]) -> AuthenticationCredential:
    """The assertion's parts, unverified: which credential it names, and for whom."""
    _checked_id(credential)
    try:
        return parse_authentication_credential_json(credential)
    except Exception as exc:
        raise CeremonyFailed(f"{type(exc).__name__}: {exc}") from None


def verify_assertion(
    rp: RelyingParty,
    assertion: AuthenticationCredential,
    challenge: object,
    public_key: bytes,
) -> VerifiedAuthentication:
    """The authenticator's report (counter, backup state), if its signature over this
    challenge, RP and origin verifies with `public_key` and it verified its user.

    The stored counter is not passed: the caller compares it once the signature is known to be
    good, so that only a genuine authenticator's counter going backwards reads as a clone.
    """
    try:
        return verify_authentication_response(
            credential=assertion,
            expected_challenge=_challenge(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=public_key,
            credential_current_sign_count=0,
            require_user_verification=True,
        )
    except CeremonyFailed:
        raise
    except Exception as exc:
        raise CeremonyFailed(f"{type(exc).__name__}: {exc}") from None


def counter_went_backwards(stored: int, reported: int) -> bool:
    """WebAuthn L3 7.2 step 21: a counter in use must grow; zero means the authenticator keeps
    none (synced passkeys)."""
    return (reported > 0 or stored > 0) and reported <= stored


def is_synced(verified: VerifiedAuthentication) -> bool:
    return verified.credential_device_type is CredentialDeviceType.MULTI_DEVICE
