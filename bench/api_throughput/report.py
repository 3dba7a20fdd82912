"""The tables: throughput against the ceiling, and page latency as the catalogue grows."""

from __future__ import annotations

import os

from rich.table import Table

from bench.api_throughput.results import FLAT_TOLERANCE, RATIO_AIM, Run
from bench.api_throughput.steps import list_path
from bench.report import BUSY_ELSEWHERE, console, cpu_cell, ms


def report(run: Run) -> None:
    a = run.args
    console.print()
    console.print(
        f"[bold]Throughput[/] at {a.movies:,} movies: wrk -t{a.threads} -c{a.connections}"
        f" -d{a.duration:g}s --latency (keep-alive), `cinepass api` (uvicorn); the server,"
        f" PostgreSQL and wrk share this machine's {os.cpu_count()} CPUs"
    )
    table = Table()
    table.add_column("endpoint")
    table.add_column("workers", justify="right")
    for name in ("req/s", "p50", "p99", "errors"):
        table.add_column(name, justify="right")
    table.add_column("CPU cores used: server\n/ postgres / wrk / other", justify="right")
    for t in run.throughput:
        for label, result, used in (
            (f"GET {list_path(a.limit)}\n(bearer token)", t.authenticated, t.authenticated_cpu),
            ("GET /health\n(no auth: ceiling)", t.ceiling, t.ceiling_cpu),
        ):
            table.add_row(
                label,
                str(t.workers),
                f"{result.requests_per_second:,.0f}",
                ms(result.p50_ms),
                ms(result.p99_ms),
                str(result.non_2xx + result.socket_errors),
                cpu_cell(used),
            )
        aim = "meets" if t.ratio >= RATIO_AIM else "[bold red]below[/]"
        table.add_row(
            "[bold]authenticated / ceiling[/]",
            str(t.workers),
            f"[bold]{t.ratio:.1%}[/]",
            f"{aim} the {RATIO_AIM:.0%} aim",
            end_section=True,
        )
    console.print(table)
    console.print(
        "[dim]CPU cores used: average cores busy during the run (1.00 = one core) in the API"
        " server (in brackets: per worker process), PostgreSQL, wrk and everything else on"
        " the machine (other programs disturb the figures). Uvicorn's workers"
        " share one listening socket and wrk opens its connections at once, so they may"
        " split unevenly between workers.[/]"
    )

    sizes = sorted({a.small_movies, a.movies})
    console.print()
    console.print(
        f"[bold]Page latency[/]: GET /api/movies?limit={a.limit} with a bearer token over one"
        f" connection (wrk -t1 -c1 -d{a.page_duration:g}s per cell), {a.workers[0]} worker(s)"
    )
    pages = Table()
    pages.add_column("page")
    for size in sizes:
        pages.add_column(f"p50\n{size:,}", justify="right")
        pages.add_column(f"p99\n{size:,}", justify="right")
    if len(sizes) == 2:
        pages.add_column("p50\ngrowth", justify="right")
    growth = run.flatness()
    disturbed = False
    labels = {
        "first": "first page",
        "deep": f"page {a.deep_page} (via `next`)",
        "last": "last page (cursor)",
    }
    for page in ("first", "deep", "last"):
        cells: list[str] = []
        for size in sizes:
            probe = run.probe(size, page)
            if probe and probe.result:
                mark = " [yellow]*[/]" if probe.cpu and probe.cpu.other > BUSY_ELSEWHERE else ""
                disturbed = disturbed or bool(mark)
                cells += [ms(probe.result.p50_ms) + mark, ms(probe.result.p99_ms) + mark]
            else:
                cells += ["-", "-"]
        if len(sizes) == 2:
            g = growth.get(page, {}).get("growth")
            cells.append(
                "-" if g is None else f"x{g:.2f}" + ("" if g <= FLAT_TOLERANCE else " [red]![/]")
            )
        pages.add_row(labels[page], *cells)
    console.print(pages)
    if disturbed:
        console.print(
            f"[yellow]*[/] other programs kept more than {BUSY_ELSEWHERE:g} cores busy during"
            " this run; its figures are disturbed"
        )
    console.print(
        f"[dim]growth: p50 at {sizes[-1]:,} / p50 at {sizes[0]:,} movies; flat means within"
        f" x{FLAT_TOLERANCE:g}. The last page holds the last {a.limit} movies of the title"
        " order, asked for with a cursor made from the movie before them. wrk is closed-loop:"
        " each connection waits for an answer before sending the next request. Expect a few %"
        " of run-to-run noise; see bench/README.md.[/]"
    )
