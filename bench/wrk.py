"""Running wrk (the HTTP load generator) and reading its report."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

INSTALL_HINT = (
    "wrk is not installed. Install it, then run the benchmark again:\n"
    "  Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y wrk\n"
    "  macOS:         brew install wrk\n"
    "  elsewhere:     https://github.com/wg/wrk (make; put the binary on PATH)"
)

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_DURATION = r"([\d.]+)(us|ms|s|m)\b"


class WrkError(RuntimeError):
    """wrk failed to run, or printed a report this module cannot read."""


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured. Latencies are in milliseconds."""

    url: str
    connections: int
    threads: int
    duration_s: float
    requests: int
    requests_per_second: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def clean(self) -> bool:
        """Every answer was 2xx/3xx and no socket failed."""
        return self.non_2xx == 0 and self.socket_errors == 0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "clean": self.clean}


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def parse(report: str, *, url: str, connections: int, threads: int) -> WrkResult:
    """Read wrk's `--latency` report (wrk 4.x format)."""
    percentiles: dict[int, float] = {}
    for pct, value, unit in re.findall(r"^\s*(50|75|90|99)%\s+" + _DURATION, report, re.M):
        percentiles[int(pct)] = _ms(value, unit)
    totals = re.search(r"(\d+) requests in " + _DURATION, report)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", report)
    if totals is None or rate is None or len(percentiles) != 4:
        raise WrkError(f"could not read wrk's report:\n{report}")
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    return WrkResult(
        url=url,
        connections=connections,
        threads=threads,
        duration_s=_ms(totals.group(2), totals.group(3)) / 1000.0,
        requests=int(totals.group(1)),
        requests_per_second=float(rate.group(1)),
        p50_ms=percentiles[50],
        p75_ms=percentiles[75],
        p90_ms=percentiles[90],
        p99_ms=percentiles[99],
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in socket.groups()) if socket else 0,
    )


def command(
    url: str,
    *,
    connections: int,
    threads: int,
    duration_s: float,
    headers: dict[str, str] | None = None,
    timeout_s: float = 10.0,
    script: Path | None = None,
) -> list[str]:
    threads = max(1, min(threads, connections))
    args = [
        wrk_path() or "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration_s))}s",
        f"--timeout={max(1, round(timeout_s))}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script is not None:
        args += ["-s", str(script)]
    return [*args, url]


def run(
    url: str,
    *,
    connections: int,
    threads: int,
    duration_s: float,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
) -> WrkResult:
    """Drive `url` for `duration_s` seconds with `connections` keep-alive connections (a Lua
    `script` sets another method or a body)."""
    args = command(
        url,
        connections=connections,
        threads=threads,
        duration_s=duration_s,
        headers=headers,
        script=script,
    )
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise WrkError(f"wrk exited with {done.returncode}: {done.stderr.strip() or done.stdout}")
    threads = max(1, min(threads, connections))
    return parse(done.stdout, url=url, connections=connections, threads=threads)
