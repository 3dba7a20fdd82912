"""The metrics listener: an address of its own, one process reading every worker's numbers.

With several uvicorn workers each worker writes its numbers to files under
PROMETHEUS_MULTIPROC_DIR and the supervising process, which serves no request, sums them at
each scrape. With one worker the process serving requests also answers the scrape.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
from pathlib import Path
from typing import Any

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def split_address(address: str) -> tuple[str, int]:
    """`host:port` (`[::1]:9464` for IPv6) as its parts; ValueError when it is not one."""
    host, sep, port = address.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("must be HOST:PORT, e.g. 127.0.0.1:9464")
    return host, int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def prepare_multiprocess(default_dir: Path) -> Path:
    """Point PROMETHEUS_MULTIPROC_DIR at an empty directory before any worker starts: files a
    previous run left would be summed into this one's numbers."""
    directory = Path(os.environ.get(MULTIPROC_VARIABLE) or default_dir)
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True, mode=0o700)
    os.environ[MULTIPROC_VARIABLE] = str(directory)
    return directory


def serve(address: str, *, multiprocess: bool) -> Any:
    """Start answering scrapes at `address` in a daemon thread; the server, to shut down."""
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server

    registry = REGISTRY
    if multiprocess:
        from prometheus_client.multiprocess import MultiProcessCollector

        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    host, port = split_address(address)
    server, _ = start_http_server(port, addr=host, registry=registry)
    return server


def worker_exited() -> None:
    """Drop this process's live gauges (pool in use, ...) from the sums: it is gone."""
    if os.environ.get(MULTIPROC_VARIABLE):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
