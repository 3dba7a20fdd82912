"""HTTP routes of passkeys: the account's own (register, list, rename, remove) and the public
sign-in with one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, status

from cinepass.auth.answers import SignedIn
from cinepass.auth.dependencies import AuthDep, ClientAddress, RecentPrincipal, UserAgent
from cinepass.auth.router import PrincipalDep, signed_in
from cinepass.context import ContextDep
from cinepass.db.dependencies import DbSession
from cinepass.passkeys import service
from cinepass.passkeys.answers import PasskeyCeremony, PasskeyOut
from cinepass.passkeys.models import Passkey
from cinepass.passkeys.parties import RelyingParty
from cinepass.passkeys.schemas import (
    PasskeyOptionsRequest,
    PasskeyRegistration,
    PasskeyRename,
    PasskeySignIn,
    RegistrationStart,
)
from cinepass.passkeys.service import Ceremony, PasskeyService
from cinepass.responses import AUTHENTICATED, STEP_UP, errors
from cinepass.schemas import Envelope


async def get_passkeys(context: ContextDep) -> PasskeyService:
    return PasskeyService(context.auth, RelyingParty.from_settings(context.settings))


PasskeysDep = Annotated[PasskeyService, Depends(get_passkeys)]
# A passkey's id is a UUID (in hex): matched as one, so that "registration" is no passkey's path.
PasskeyId = Annotated[uuid.UUID, Path(description="The passkey's `id`")]

# Public: a passkey sign-in.
router = APIRouter(prefix="/api/auth", tags=["passkeys"])
# Authenticated: the caller's own passkeys.
account_router = APIRouter(prefix="/api/auth/passkeys", tags=["passkeys"], responses=AUTHENTICATED)


def passkey_out(passkey: Passkey) -> PasskeyOut:
    return PasskeyOut(
        id=passkey.id,
        name=passkey.name,
        created_at=passkey.created_at,
        last_used_at=passkey.last_used_at,
        backed_up=passkey.backed_up,
    )


def ceremony_out(ceremony: Ceremony) -> PasskeyCeremony:
    return PasskeyCeremony(ceremony_token=ceremony.token, options=ceremony.options.json)


@account_router.post(
    "/registration",
    summary="Start adding a passkey: options for navigator.credentials.create()",
    responses={**errors(409, 429, 503), **STEP_UP},
)
async def start_registration(
    body: RegistrationStart,
    principal: RecentPrincipal,
    db: DbSession,
    passkeys: PasskeysDep,
    address: ClientAddress,
) -> Envelope[PasskeyCeremony]:
    ceremony = await passkeys.start_registration(db, principal, address)
    return Envelope(data=ceremony_out(ceremony), message="passkey registration started")


@account_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Finish adding a passkey with the authenticator's answer",
    responses={**errors(409), **STEP_UP},
)
async def register(
    body: PasskeyRegistration, principal: RecentPrincipal, db: DbSession, passkeys: PasskeysDep
) -> Envelope[PasskeyOut]:
    passkey = await passkeys.register(db, principal, body)
    return Envelope(data=passkey_out(passkey), message="passkey added")


@account_router.get("", summary="Your passkeys")
async def list_passkeys(principal: PrincipalDep, db: DbSession) -> Envelope[list[PasskeyOut]]:
    found = await service.list_for(db, principal.user_id)
    return Envelope(data=[passkey_out(p) for p in found], message="passkeys listed")


@account_router.patch("/{passkey_id:uuid}", summary="Rename a passkey", responses=errors(404))
async def rename(
    passkey_id: PasskeyId,
    body: PasskeyRename,
    principal: PrincipalDep,
    db: DbSession,
    passkeys: PasskeysDep,
) -> Envelope[PasskeyOut]:
    passkey = await passkeys.rename(db, principal, passkey_id.hex, body.name)
    return Envelope(data=passkey_out(passkey), message="passkey renamed")


@account_router.delete(
    "/{passkey_id:uuid}",
    summary="Remove a passkey (refused if it is the account's only way to sign in)",
    responses={**errors(404, 409), **STEP_UP},
)
async def remove(
    passkey_id: PasskeyId, principal: RecentPrincipal, db: DbSession, passkeys: PasskeysDep
) -> Envelope[str]:
    await passkeys.remove(db, principal, passkey_id.hex)
    return Envelope(data=passkey_id.hex, message="passkey removed")


@router.post(
    "/passkey/options",
    summary="Start a passkey sign-in (key needs signin:auth): options for"
    " navigator.credentials.get()",
    responses=errors(400, 401, 403, 429, 503),
)
async def sign_in_options(
    body: PasskeyOptionsRequest, db: DbSession, passkeys: PasskeysDep, address: ClientAddress
) -> PasskeyCeremony:
    ceremony = await passkeys.start_sign_in(db, body.api_key_token, address)
    return ceremony_out(ceremony)


@router.post(
    "/sign-in/passkey",
    response_model_exclude_none=True,
    summary="Exchange a passkey's answer (and the API key) for an access and a refresh token",
    responses=errors(400, 401, 403),
)
async def sign_in(
    body: PasskeySignIn,
    db: DbSession,
    auth: AuthDep,
    passkeys: PasskeysDep,
    user_agent: UserAgent,
) -> SignedIn:
    result = await passkeys.sign_in(db, body, user_agent)
    return signed_in(auth, result)
