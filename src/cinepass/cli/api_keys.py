"""`cinepass api-keys`: create, list and revoke API keys."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Column, Table

from cinepass.api_keys import service
from cinepass.api_keys.models import ApiKey
from cinepass.cli.runtime import console, fail, print_table, with_events, with_session
from cinepass.errors import BadRequest, NotFound
from cinepass.scopes import ALL_SCOPES, PRESETS

app = typer.Typer(help="API keys: the secrets clients present at sign-in.", no_args_is_help=True)

MAX_NAME_LENGTH = 100  # api_keys.name

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON")]


@app.command()
def create(
    name: Annotated[str, typer.Option(help="What the key is for")],
    preset: Annotated[
        str | None, typer.Option(help="admin, public (no refresh tokens) or web (render server)")
    ] = None,
    scopes: Annotated[str | None, typer.Option(help="Comma-separated scopes")] = None,
    as_json: JsonOption = False,
) -> None:
    """Create a key and print its secret (shown only this once)."""
    if (preset is None) == (scopes is None):
        fail("give exactly one of --preset or --scopes", f"presets: {', '.join(PRESETS)}")
    if preset is not None and preset not in PRESETS:
        fail(f"unknown preset {preset!r}", f"presets: {', '.join(PRESETS)}")
    if len(name.strip()) > MAX_NAME_LENGTH:
        fail(f"the name is longer than {MAX_NAME_LENGTH} characters")
    wanted = list(PRESETS[preset]) if preset else [s.strip() for s in (scopes or "").split(",")]
    try:
        created = with_events(
            lambda events, s: service.create(
                s, name=name, scopes=[w for w in wanted if w], events=events
            )
        )
    except BadRequest as exc:
        fail(exc.message, f"scopes: {', '.join(ALL_SCOPES)}")
    key = created.key
    if as_json:
        print(
            json.dumps(
                {"id": key.id, "name": key.name, "token": created.token, "scopes": key.scope_list}
            )
        )
        return
    console.print(f"[green]created API key[/] {key.name} ({key.id})")
    console.print(f"scopes: {key.scopes}", soft_wrap=True)
    console.print(f"token:  [bold]{created.token}[/]", soft_wrap=True)
    console.print("[yellow]Store the token now: only its digest is kept.[/]")


def _scopes_label(key: ApiKey) -> str:
    # Presets may hold the same scopes (the render server's `web` key carries the admin
    # console's, which only admins' tokens receive): name every one that matches.
    matching = [name for name, scopes in PRESETS.items() if set(key.scope_list) == set(scopes)]
    return f"{'/'.join(matching)} preset" if matching else ", ".join(key.scope_list)


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"


@app.command("list")
def list_keys(as_json: JsonOption = False) -> None:
    """List keys (never their secrets)."""
    keys = with_session(service.list_keys)
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "id": k.id,
                        "name": k.name,
                        "prefix": k.prefix,
                        "scopes": k.scope_list,
                        "createdAt": k.created_at.isoformat(),
                        "lastUsedAt": k.last_used_at.isoformat() if k.last_used_at else None,
                        "revokedAt": k.revoked_at.isoformat() if k.revoked_at else None,
                    }
                    for k in keys
                ],
                indent=2,
            )
        )
        return
    # The id is what `revoke` takes: never cut short, and on a narrow terminal the other
    # columns fold rather than lose text to an ellipsis.
    table = Table(
        Column("id", no_wrap=True),
        *(
            Column(header, overflow="fold")
            for header in ("name", "prefix", "scopes", "created", "last used", "revoked")
        ),
    )
    for k in keys:
        table.add_row(
            k.id,
            k.name,
            k.prefix + "…",
            _scopes_label(k),
            _when(k.created_at),
            _when(k.last_used_at),
            _when(k.revoked_at),
        )
    print_table(table)


@app.command()
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id")]) -> None:
    """Revoke a key: sign-ins with it fail, and every token it backs ends."""
    try:
        key = with_events(lambda events, db: service.revoke(db, key_id, events=events))
    except NotFound as exc:
        fail(exc.message, "see the keys' ids with `cinepass api-keys list`")
    console.print(f"[green]revoked[/] {key.name} ({key.id})")
