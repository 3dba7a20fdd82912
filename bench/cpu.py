"""Who used the CPU during a measurement: the API server, PostgreSQL, and wrk (Linux /proc)."""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _machine_busy() -> float:
    """CPU seconds all CPUs spent busy (not idle or waiting for I/O) since boot."""
    try:
        fields = (_PROC / "stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return 0.0
    ticks = [int(f) for f in fields[:8]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / _TICK


def busy_cores(seconds: float = 1.0) -> float:
    """How many cores the machine keeps busy now, averaged over `seconds`."""
    before, start = _machine_busy(), time.monotonic()
    time.sleep(seconds)
    return (_machine_busy() - before) / max(time.monotonic() - start, 1e-9)


def _is_helper(pid: int) -> bool:
    """multiprocessing's resource tracker, which uvicorn's worker supervisor starts."""
    try:
        return b"resource_tracker" in (_PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return False


@dataclass(frozen=True)
class Sample:
    wall: float
    machine: float
    server: dict[int, float]  # pid -> CPU seconds, for the server and its worker processes
    supervisor: int
    postgres: dict[int, float]  # pid -> CPU seconds
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
        machine=_machine_busy(),
        server={p: procs[p][2] for p in tree if p in procs},
        supervisor=server_pid,
        postgres={p: c for p, (name, _, c) in procs.items() if name.startswith("postgres")},
        load_generator=children.ru_utime + children.ru_stime,
    )


@dataclass(frozen=True)
class Usage:
    """Average CPU use during an interval, in cores (1.0 = one core busy all the time)."""

    server: float
    # Per worker process, busiest first (with one worker: the server process itself).
    workers: tuple[float, ...]
    postgres: float
    load_generator: float
    # Everything else that ran on the machine meanwhile (other programs, the kernel).
    other: float

    def to_json(self) -> dict[str, Any]:
        return {
            "server_cores": round(self.server, 2),
            "server_cores_per_worker": [round(w, 2) for w in self.workers],
            "postgres_cores": round(self.postgres, 2),
            "wrk_cores": round(self.load_generator, 2),
            "other_cores": round(self.other, 2),
        }


def usage(before: Sample, after: Sample) -> Usage:
    wall = max(after.wall - before.wall, 1e-9)
    per_process = {
        pid: (cpu - before.server.get(pid, 0.0)) / wall for pid, cpu in after.server.items()
    }
    workers = [
        c
        for pid, c in per_process.items()
        if len(per_process) == 1 or (pid != after.supervisor and not _is_helper(pid))
    ]
    server = sum(per_process.values())
    # Backends that exited meanwhile are missed; ones that started count from zero.
    postgres = sum(max(c - before.postgres.get(p, 0.0), 0.0) for p, c in after.postgres.items())
    postgres /= wall
    load_generator = (after.load_generator - before.load_generator) / wall
    machine = (after.machine - before.machine) / wall
    return Usage(
        server=server,
        workers=tuple(sorted(workers, reverse=True)),
        postgres=postgres,
        load_generator=load_generator,
        other=max(machine - server - postgres - load_generator, 0.0),
    )
