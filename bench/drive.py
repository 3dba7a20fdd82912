"""One measured wrk run: warm-up, the run, and the machine's load meanwhile."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import cpu, wrk
from bench.report import console, warn_busy, warn_unclean


@dataclass(frozen=True)
class Measured:
    label: str
    result: wrk.WrkResult
    load: cpu.Usage

    @property
    def rate(self) -> float:
        return self.result.requests_per_second

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, **self.result.to_json(), "cpu": self.load.to_json()}


def run(
    label: str,
    server_pid: int,
    url: str,
    *,
    connections: int,
    threads: int,
    duration: float,
    warmup: float = 0.0,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    quiet: bool = False,
    deliberate_4xx: bool = False,
) -> Measured:
    if not quiet:
        console.print(
            f"  {label}: wrk -t{min(threads, connections)} -c{connections} -d{duration:g}s"
            + (f" -s {script.name}" if script else "")
            + (f"  [dim](after {warmup:g}s warm-up)[/]" if warmup > 0 else "")
        )
    options: dict[str, Any] = {"headers": headers, "script": script, "threads": threads}
    if warmup > 0:
        wrk.run(url, connections=connections, duration_s=warmup, **options)
    before = cpu.sample(server_pid)
    result = wrk.run(url, connections=connections, duration_s=duration, **options)
    load = cpu.usage(before, cpu.sample(server_pid))
    if not deliberate_4xx:  # the caller counts the answers itself
        warn_unclean(result)
    warn_busy(load)
    return Measured(label, result, load)


def load_cell(load: cpu.Usage) -> str:
    """The machine's load in one short cell: server / postgres / wrk / other cores."""
    return f"{load.server:.2f}/{load.postgres:.2f}/{load.load_generator:.2f}/{load.other:.2f}"
