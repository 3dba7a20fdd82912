"""The summary of issue 14's goals: `python -m bench.goals` (the end of `make bench`).

Gathers the verdicts each goal's command saved (var/bench/verdicts-*.json), prints one table
(goal, figure, aim, met or not, the machine's load while measured) and writes them all to
var/bench/goals.json.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from rich.table import Table

from bench import results, verdicts
from bench.report import BUSY_ELSEWHERE, console

COMMANDS = ("list_throughput", "web_hop", "page_growth", "memory", "sign_in", "my_list_writes")


def main(argv: Sequence[str] | None = None) -> int:
    out = Path(argv[0]) if argv else Path("var/bench")
    found: list[verdicts.Verdict] = []
    sources: dict[str, str] = {}
    for command in COMMANDS:
        path = out / f"verdicts-{command}.json"
        if not path.exists():
            console.print(f"[yellow]note:[/] no {path}: `python -m bench.{command}` has not run")
            continue
        data, its = verdicts.load(path)
        sources[command] = data["finished_at"]
        found += its
    found.sort(key=lambda v: v.goal)
    table = Table(title="Issue 14's goals")
    for name in (
        "goal",
        "what",
        "figure",
        "value",
        "aim",
        "met",
        "load: server/pg/\nwrk/other cores",
    ):
        table.add_column(name, justify="right" if name in ("goal", "value") else "left")
    for v in found:
        load = v.load if v.other_cores <= BUSY_ELSEWHERE else f"[yellow]{v.load}[/]"
        table.add_row(
            str(v.goal),
            v.name,
            v.figure,
            f"{v.value:,.3f}",
            v.aim,
            "[green]met[/]" if v.met else "[bold red]not met[/]",
            load,
        )
    console.print(table)
    console.print(
        "[dim]load: average cores busy during the measurement in the API server, PostgreSQL,"
        " wrk and everything else (yellow: other programs disturbed it). Measured at: "
        + ", ".join(f"{c} {t[:19]}" for c, t in sources.items())
        + "[/]"
    )
    now = datetime.now(UTC)
    results.write(
        out / "goals.json",
        results.header("goals", now, now)
        | {"sources": sources, "goals": [v.to_json() for v in found]},
    )
    met = sum(v.met for v in found)
    console.print(f"{met} of {len(found)} figures meet their aim; written to {out / 'goals.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
