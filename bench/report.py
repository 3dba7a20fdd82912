"""Printing a benchmark's progress and figures: one console, one way to show a latency."""

from __future__ import annotations

import sys

from rich.console import Console

from bench import cpu, wrk

# Wide enough for the result tables when the output is a file or a pipe.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)

# Other programs using more CPU than this during a run disturb its figures.
BUSY_ELSEWHERE = 0.15


def ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


def error(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}")


def warn_unclean(result: wrk.WrkResult) -> None:
    if not result.clean:
        console.print(
            f"  [bold red]warning:[/] {result.non_2xx} non-2xx answers and"
            f" {result.socket_errors} socket errors for {result.url}; the figures are not valid"
        )


def warn_busy(used: cpu.Usage) -> None:
    if used.other > BUSY_ELSEWHERE:
        console.print(
            f"  [yellow]note:[/] other programs kept {used.other:.2f} cores busy during this"
            " run; its figures are disturbed"
        )


def cpu_cell(used: cpu.Usage) -> str:
    server = f"{used.server:.2f}"
    if len(used.workers) > 1:
        server += " (" + "+".join(f"{w:.2f}" for w in used.workers) + ")"
    other = f"{used.other:.2f}"
    if used.other > BUSY_ELSEWHERE:
        other = f"[yellow]{other}[/]"
    return f"{server} / {used.postgres:.2f} / {used.load_generator:.2f} / {other}"
