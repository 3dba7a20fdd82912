"""Who used the CPU during a measurement: the API server, PostgreSQL, and wrk (Linux /proc)."""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, user+system CPU seconds) of one process, if readable."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 of proc(5): state, ppid, ..., utime (14), stime (15).
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def _all() -> dict[int, tuple[str, int, float]]:
    found: dict[int, tuple[str, int, float]] = {}
    if not _PROC.is_dir():
        return found
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                found[int(entry.name)] = stat
    return found


@dataclass(frozen=True)
class Sample:
    wall: float
    server: float
    postgres: float
    load_generator: float


def sample(server_pid: int) -> Sample:
    """CPU seconds so far of the server and its worker processes, of every `postgres` process,
    and of this process's finished children (wrk)."""
    procs = _all()
    tree = {server_pid}
    grew = True
    while grew:
        grew = False
        for pid, (_, ppid, _) in procs.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Sample(
        wall=time.monotonic(),
        server=sum(procs[p][2] for p in tree if p in procs),
        postgres=sum(cpu for name, _, cpu in procs.values() if name.startswith("postgres")),
        load_generator=children.ru_utime + children.ru_stime,
    )


@dataclass(frozen=True)
class Usage:
    """Average CPU use during an interval, in cores (1.0 = one core busy all the time)."""

    server: float
    postgres: float
    load_generator: float

    def to_json(self) -> dict[str, float]:
        return {
            "server_cores": round(self.server, 2),
            "postgres_cores": round(self.postgres, 2),
            "wrk_cores": round(self.load_generator, 2),
        }


def usage(before: Sample, after: Sample) -> Usage:
    wall = max(after.wall - before.wall, 1e-9)
    return Usage(
        server=(after.server - before.server) / wall,
        postgres=(after.postgres - before.postgres) / wall,
        load_generator=(after.load_generator - before.load_generator) / wall,
    )
