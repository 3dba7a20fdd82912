"""The machine-wide bench lock: one measurement at a time on a shared machine.

Set CINEPASS_BENCH_LOCK to a file (e.g. /tmp/cinepass-bench.lock) and each measured phase
takes it with flock(2), holding it for a few minutes at most; unset, nothing is locked.
Do not also wrap the command in `flock` on the same file: it would wait for itself.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from bench.report import console


@contextmanager
def held(what: str) -> Iterator[None]:
    path = os.environ.get("CINEPASS_BENCH_LOCK")
    if not path:
        yield
        return
    with open(path, "a") as handle:
        started = time.monotonic()
        fcntl.flock(handle, fcntl.LOCK_EX)
        waited = time.monotonic() - started
        if waited > 1:
            console.print(f"  [dim]waited {waited:.0f}s for the bench lock ({what})[/]")
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
