"""What every benchmark records beside its figures: the machine, the versions, the JSON file."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Iterable
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from bench import wrk


def machine() -> dict[str, Any]:
    memory = None
    if hasattr(os, "sysconf"):
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    return {
        "cpus": os.cpu_count(),
        "memory_gib": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in ("cinepass", "fastapi", "starlette", "uvicorn", "uvloop", "httptools"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    try:
        done = subprocess.run(
            [wrk.wrk_path() or "wrk", "-v"], capture_output=True, text=True, check=False
        )
        found["wrk"] = (done.stdout or done.stderr).split()[1]
    except (OSError, IndexError):
        found["wrk"] = None
    return found


def header(benchmark: str, started_at: datetime, finished_at: datetime) -> dict[str, Any]:
    """The fields every results file starts with."""
    return {
        "benchmark": benchmark,
        "started_at": started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "machine": machine(),
        "versions": versions(),
    }


def unclean(runs: Iterable[wrk.WrkResult | None]) -> list[wrk.WrkResult]:
    """The runs that saw a non-2xx answer or a socket error: their figures are not valid."""
    return [r for r in runs if r is not None and not r.clean]


def write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
