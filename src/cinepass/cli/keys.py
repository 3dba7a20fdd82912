"""`cinepass keys`: the signing keys of access tokens: list, rotate, retire, rewrap."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cinepass.auth.models import SigningKey
from cinepass.auth.signing_keys import KeyRing
from cinepass.cli.runtime import (
    console,
    fail,
    load_settings,
    print_table,
    with_database,
    with_events,
    with_session,
)
from cinepass.errors import ApplicationError
from cinepass.events import SigningKeyRotated
from cinepass.key_encryption import KeyDecryptionError, KeyEncryption

T = TypeVar("T")

app = typer.Typer(
    help="Signing keys of access tokens (rotation without a restart).", no_args_is_help=True
)


def _with_ring(work: Callable[[KeyRing], Awaitable[T]], *, create_kek: bool = False) -> T:
    """Run `work` on the key ring; a key-encryption key that does not open the keys is one
    `error:` line and what to do."""
    settings = load_settings()

    async def run(sessionmaker: async_sessionmaker[AsyncSession]) -> T:
        ring = KeyRing(
            sessionmaker,
            settings.signing_keys.algorithm,
            KeyEncryption.from_settings(settings, create=create_kek),
        )
        await ring.refresh()
        return await work(ring)

    try:
        return with_database(run)
    except KeyDecryptionError as exc:
        fail(exc.message, exc.hint)


def require_readable_keys() -> None:
    """Before a server starts: its signing keys open with the configured key-encryption key."""
    _with_ring(lambda ring: ring.refresh(), create_kek=True)


@app.command("list")
def list_keys() -> None:
    """Every key: which signs, which only verify, which are retired."""
    from rich.table import Table

    async def rows(db: AsyncSession) -> list[SigningKey]:
        return list((await db.scalars(select(SigningKey).order_by(SigningKey.created_at))).all())

    keys = with_session(rows)
    live = [k for k in keys if k.retired_at is None]
    table = Table("kid", "algorithm", "created", "state")
    for key in keys:
        state = "retired" if key.retired_at else ("signs" if key is live[-1] else "verifies")
        table.add_row(key.kid, key.algorithm, f"{key.created_at:%Y-%m-%d %H:%M}", state)
    print_table(table)


@app.command()
def rotate() -> None:
    """Add a key that signs from now on; earlier keys keep verifying until retired."""
    kid = _with_ring(lambda ring: ring.rotate())
    with_events(lambda events, db: events.publish(SigningKeyRotated(kid=kid), db))
    console.print(f"[green]new signing key[/] {kid}")
    console.print("running servers sign with it within CINEPASS_KEY_REFRESH_SECONDS (default 5 s)")


@app.command()
def retire(kid: Annotated[str, typer.Argument(help="The key's kid")]) -> None:
    """Stop trusting a key: tokens it signed are refused from then on."""
    try:
        _with_ring(lambda ring: ring.retire(kid))
    except ApplicationError as exc:
        fail(exc.message, "see the keys with `cinepass keys list`")
    console.print(f"[green]retired[/] {kid}")


@app.command()
def rewrap() -> None:
    """Seal every signing key with the first CINEPASS_KEY_ENCRYPTION_KEY (KEK rotation).

    List the new key first and the old one after it (`new,old`), run this, restart the API
    servers with the new key alone.
    """
    changed = _with_ring(lambda ring: ring.rewrap())
    console.print(f"[green]sealed with the current key-encryption key:[/] {changed} signing key(s)")
    console.print("the other key-encryption keys can now be dropped from the setting")
