"""`cinepass api-keys`: create, list and revoke API keys."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from cinepass.api_keys import service
from cinepass.auth.scopes import PRESETS
from cinepass.cli.runtime import console, fail, with_session

app = typer.Typer(help="API keys: the secrets clients present at sign-in.", no_args_is_help=True)


@app.command()
def create(
    name: Annotated[str, typer.Option(help="What the key is for")],
    preset: Annotated[str | None, typer.Option(help="admin or public")] = None,
    scopes: Annotated[str | None, typer.Option(help="Comma-separated scopes")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Create a key and print its secret (shown only this once)."""
    if (preset is None) == (scopes is None):
        fail("give exactly one of --preset or --scopes")
    if preset is not None and preset not in PRESETS:
        fail(f"unknown preset {preset!r}", f"presets: {', '.join(PRESETS)}")
    wanted = list(PRESETS[preset]) if preset else [s.strip() for s in (scopes or "").split(",")]
    created = with_session(lambda s: service.create(s, name=name, scopes=[w for w in wanted if w]))
    key = created.key
    if as_json:
        print(
            json.dumps(
                {"id": key.id, "name": key.name, "token": created.token, "scopes": key.scope_list}
            )
        )
        return
    console.print(f"[green]created API key[/] {key.name} ({key.id})")
    console.print(f"scopes: {key.scopes}")
    console.print(f"token:  [bold]{created.token}[/]")
    console.print("[yellow]Store the token now: only its digest is kept.[/]")


@app.command("list")
def list_keys() -> None:
    """List keys (never their secrets)."""
    keys = with_session(service.list_keys)
    table = Table("id", "name", "prefix", "scopes", "created", "last used", "revoked")
    for k in keys:
        table.add_row(
            k.id,
            k.name,
            k.prefix + "…",
            k.scopes,
            f"{k.created_at:%Y-%m-%d %H:%M}",
            f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "-",
            f"{k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "-",
        )
    console.print(table)


@app.command()
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id")]) -> None:
    """Revoke a key: sign-ins with it fail from now on."""
    key = with_session(lambda s: service.revoke(s, key_id))
    console.print(f"[green]revoked[/] {key.name} ({key.id})")
