"""HTTP routes for /api/admin: users, their sessions, API keys and the movie import."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status

from cinepass import scopes
from cinepass.accounts.answers import SessionOut, session_out
from cinepass.api_keys import service as api_keys_service
from cinepass.api_keys.models import ApiKey
from cinepass.auth.dependencies import AuthDep, get_recent_principal, scoped
from cinepass.auth.tokens import Principal
from cinepass.console import movie_import, service
from cinepass.console.schemas import (
    AdminUserOut,
    ApiKeyCreate,
    ApiKeyOut,
    CreatedApiKey,
    ImportReportOut,
    UserChange,
)
from cinepass.db.dependencies import DbSession
from cinepass.responses import AUTHENTICATED, STEP_UP, errors
from cinepass.schemas import WITHOUT_NUL, Envelope, ObjectId, Page
from cinepass.users import service as users_service

router = APIRouter(prefix="/api/admin", tags=["admin"], responses=AUTHENTICATED)


UserReader = Annotated[Principal, scoped(scopes.READ_USERS)]
KeyReader = Annotated[Principal, scoped(scopes.READ_API_KEYS)]


# Step-up: the route's scope (checked first: a user's token is 403 insufficient_scope), then a
# sign-in from the last 10 minutes. FastAPI heeds one dependency per parameter, hence these.
async def _recent_user_updater(
    principal: Annotated[Principal, scoped(scopes.UPDATE_USERS)],
) -> Principal:
    return await get_recent_principal(principal)


async def _recent_key_creator(
    principal: Annotated[Principal, scoped(scopes.CREATE_API_KEYS)],
) -> Principal:
    return await get_recent_principal(principal)


async def _recent_key_deleter(
    principal: Annotated[Principal, scoped(scopes.DELETE_API_KEYS)],
) -> Principal:
    return await get_recent_principal(principal)


UserUpdater = Annotated[Principal, Depends(_recent_user_updater)]
KeyCreator = Annotated[Principal, Depends(_recent_key_creator)]
KeyDeleter = Annotated[Principal, Depends(_recent_key_deleter)]
MovieCreator = Annotated[Principal, scoped(scopes.CREATE_MOVIES)]


@router.get(
    "/users", summary="Search users by name or email", response_model=Page[list[AdminUserOut]]
)
async def list_users(
    db: DbSession,
    _: UserReader,
    q: Annotated[
        str | None,
        Query(
            max_length=320,
            description="Part of the name or email (case and accents aside)",
            json_schema_extra=WITHOUT_NUL,
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE_SIZE)] = service.DEFAULT_PAGE_SIZE,
    cursor: Annotated[
        str | None,
        Query(max_length=512, description="`next` of the last page", json_schema_extra=WITHOUT_NUL),
    ] = None,
) -> Page[list[AdminUserOut]]:
    page = await service.search_users(db, q=q, limit=limit, cursor=cursor)
    return Page(data=page.users, message="users listed", next=page.next_cursor)


@router.patch(
    "/users/{user_id}",
    summary="Disable or enable a user, or change their role (not your own; not the last admin)",
    responses={**errors(404, 409), **STEP_UP},
)
async def change_user(
    user_id: ObjectId, body: UserChange, db: DbSession, auth: AuthDep, principal: UserUpdater
) -> Envelope[AdminUserOut]:
    user = await users_service.change(
        db,
        user_id,
        acting_user_id=principal.user_id,
        events=auth.events,
        disabled=body.disabled,
        role=body.role,
    )
    return Envelope(data=await service.describe_user(db, user), message="user changed")


@router.get(
    "/users/{user_id}/sessions",
    summary="A user's signed-in sessions, newest first",
    responses=errors(404),
)
async def list_user_sessions(
    user_id: ObjectId, db: DbSession, principal: UserReader
) -> Envelope[list[SessionOut]]:
    found = await service.user_sessions(db, user_id)
    data = [session_out(s, principal.session_id) for s in found]
    return Envelope(data=data, message="sessions listed")


@router.delete(
    "/users/{user_id}/sessions",
    summary="End every session and access token of a user",
    responses={**errors(404), **STEP_UP},
)
async def end_user_sessions(
    user_id: ObjectId, db: DbSession, auth: AuthDep, _: UserUpdater
) -> Envelope[str]:
    await service.end_sessions(db, auth.events, user_id)
    return Envelope(data=user_id, message="sessions ended")


@router.delete(
    "/users/{user_id}/sessions/{session_id}",
    summary="End one session of a user (its refresh and access tokens)",
    responses={**errors(404), **STEP_UP},
)
async def end_user_session(
    user_id: ObjectId, session_id: ObjectId, db: DbSession, auth: AuthDep, _: UserUpdater
) -> Envelope[str]:
    await service.end_session(db, auth, user_id, session_id)
    return Envelope(data=session_id, message="session ended")


def _key_out(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "prefix": key.prefix,
        "scopes": key.scope_list,
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
    }


@router.get("/api-keys", summary="API keys, oldest first (never their secrets)")
async def list_api_keys(db: DbSession, _: KeyReader) -> Envelope[list[ApiKeyOut]]:
    keys = await api_keys_service.list_keys(db)
    return Envelope(data=[ApiKeyOut(**_key_out(k)) for k in keys], message="API keys listed")


@router.post(
    "/api-keys",
    status_code=status.HTTP_201_CREATED,
    summary="Create an API key; its secret is in this answer only",
    responses={**errors(400), **STEP_UP},
)
async def create_api_key(
    body: ApiKeyCreate, db: DbSession, auth: AuthDep, _: KeyCreator
) -> Envelope[CreatedApiKey]:
    created = await service.create_api_key(db, auth.events, body)
    data = CreatedApiKey(**_key_out(created.key), token=created.token)
    return Envelope(
        data=data, message="API key created; store its token now: it is not shown again"
    )


@router.delete(
    "/api-keys/{api_key_id}",
    summary="Revoke an API key: sign-ins with it fail, every token it backs ends",
    responses={**errors(404, 409), **STEP_UP},
)
async def revoke_api_key(
    api_key_id: ObjectId, db: DbSession, auth: AuthDep, principal: KeyDeleter
) -> Envelope[ApiKeyOut]:
    key = await service.revoke_api_key(db, auth.events, principal, api_key_id)
    return Envelope(data=ApiKeyOut(**_key_out(key)), message="API key revoked")


@router.post(
    "/movies/import",
    summary="Import movies from CSV or a JSON array: each row created, updated or reported",
    description=movie_import.DESCRIPTION,
    responses=errors(400, 415),
    openapi_extra=movie_import.REQUEST_BODY,
)
async def import_movies(
    request: Request,
    db: DbSession,
    auth: AuthDep,
    _: MovieCreator,
    update: Annotated[
        bool, Query(description="Change the films already in the catalogue to match their rows")
    ] = False,
) -> Envelope[ImportReportOut]:
    rows = movie_import.rows_of(request.headers.get("content-type"), await request.body())
    report = await movie_import.import_movies(db, rows, update=update, events=auth.events)
    return Envelope(data=movie_import.report_out(report), message="movies imported")
