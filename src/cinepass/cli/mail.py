"""`cinepass mail`: the outgoing mail queue: list it, and send failed mail again."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Column, Table

from cinepass.cli.runtime import console, fail, print_table, with_session
from cinepass.errors import Conflict, NotFound
from cinepass.mail import service

app = typer.Typer(
    help="Outgoing mail: what was sent, what waits, what failed.", no_args_is_help=True
)

_STATUS_STYLE = {"sent": "green", "queued": "yellow", "failed": "bold red"}


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}" if moment else "-"


@app.command("list")
def list_mail(
    failed: Annotated[bool, typer.Option("--failed", help="Only mail given up on")] = False,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many")] = 50,
) -> None:
    """List mail, newest first: when, kind, recipient, subject, status, attempts, last error."""
    mails = with_session(lambda db: service.list_mail(db, failed_only=failed, limit=limit))
    if not mails:
        console.print("no failed mail" if failed else "no mail")
        return
    # The id is what `retry` takes: never cut short.
    table = Table(
        Column("id", no_wrap=True),
        *(
            Column(header, overflow="fold")
            for header in (
                "when (UTC)",
                "kind",
                "recipient",
                "subject",
                "status",
                "attempts",
                "last error",
            )
        ),
    )
    for mail in mails:
        style = _STATUS_STYLE[mail.status]
        table.add_row(
            mail.id,
            _when(mail.created_at),
            mail.kind,
            escape(mail.recipient),
            escape(mail.subject),
            f"[{style}]{mail.status}[/]",
            str(mail.attempts),
            escape(mail.last_error or ""),
        )
    print_table(table)


@app.command()
def retry(
    mail_id: Annotated[str | None, typer.Argument(help="The mail's id")] = None,
    all_failed: Annotated[bool, typer.Option("--all-failed", help="Every failed mail")] = False,
) -> None:
    """Send failed mail again (the API servers do, within a few seconds)."""
    if (mail_id is None) == (not all_failed):
        fail("give a mail's id or --all-failed", "see the ids with `cinepass mail list --failed`")
    if mail_id is None:
        count = with_session(service.retry_failed)
        console.print(f"[green]queued again[/] {count} failed mail")
        return
    try:
        mail = with_session(lambda db: service.retry(db, mail_id))
    except NotFound as exc:
        fail(exc.message, "see the ids with `cinepass mail list`")
    except Conflict as exc:
        fail(exc.message)
    console.print(f"[green]queued again[/] {mail.kind} to {escape(mail.recipient)} ({mail.id})")
