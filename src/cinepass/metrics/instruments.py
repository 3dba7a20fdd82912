"""Every metric cinepass exports, and the one-line calls the domains make to count.

Prometheus metrics belong to the process, not to an app: the client library keeps them in one
registry per process (and, with several workers, in one file per process under
PROMETHEUS_MULTIPROC_DIR, summed at scrape time). So they are made once, here, at import; the
names below are the whole list, with their labels, each of bounded cardinality.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from prometheus_client import Counter, Gauge, Histogram

# With several workers each writes its numbers under this directory from the first metric made
# (below): it must exist before then. `cinepass api --workers N` empties it before they start.
if _multiproc_dir := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    Path(_multiproc_dir).mkdir(parents=True, exist_ok=True)

# Latency buckets from a cached list (a few ms) to a slow sign-in (argon2, a second).
_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "cinepass_http_requests",
    "HTTP requests answered, by route template (never the raw path), method and status",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "cinepass_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by route template and method",
    ["route", "method"],
    buckets=_SECONDS,
)
SIGN_INS = Counter(
    "cinepass_sign_ins",
    "Password sign-ins by outcome: success, second_factor (a code is asked for), failure,"
    " locked_out (refused by the failure limits)",
    ["outcome"],
)
RATE_LIMITED = Counter(
    "cinepass_rate_limit_refusals",
    "Requests refused with 429 by an abuse limit, by limit",
    ["limit"],
)
REFRESH_ROTATIONS = Counter("cinepass_refresh_rotations", "Refresh tokens exchanged for a new pair")
REFRESH_REUSES = Counter(
    "cinepass_refresh_reuse_detections",
    "Refresh tokens presented again after use: each ends its whole session",
)
REVOCATIONS_SYNCED = Gauge(
    "cinepass_revocations_synced_timestamp_seconds",
    "When the least up-to-date live process last read revocations made elsewhere; the"
    " revocation lag is time() minus this",
    multiprocess_mode="livemin",
)
MAIL_QUEUE = Gauge(
    "cinepass_mail_queue_depth",
    "Mails waiting to be sent (not sent, not given up), as last counted",
    multiprocess_mode="livemostrecent",
)
DB_POOL_IN_USE = Gauge(
    "cinepass_db_pool_connections_in_use",
    "Database connections checked out of the pool, summed over live processes",
    multiprocess_mode="livesum",
)
CATALOGUE_PAGES = Counter(
    "cinepass_catalogue_pages",
    "Catalogue list pages served, by where they came from: cache (this process's) or database",
    ["source"],
)
_PAGES_FROM_CACHE = CATALOGUE_PAGES.labels("cache")
_PAGES_FROM_DATABASE = CATALOGUE_PAGES.labels("database")
API_HOP_SECONDS = Histogram(
    "cinepass_api_hop_duration_seconds",
    "The render server's calls to the API: from sending to the answer's head, by method",
    ["method"],
    buckets=_SECONDS,
)


def sign_in(outcome: str) -> None:
    SIGN_INS.labels(outcome).inc()


def rate_limited(limit: str) -> None:
    RATE_LIMITED.labels(limit).inc()


def refresh_rotated() -> None:
    REFRESH_ROTATIONS.inc()


def refresh_reused() -> None:
    REFRESH_REUSES.inc()


def revocations_synced() -> None:
    REVOCATIONS_SYNCED.set(time.time())


def mail_queue_depth(depth: int) -> None:
    MAIL_QUEUE.set(depth)


def catalogue_page(*, cached: bool) -> None:
    (_PAGES_FROM_CACHE if cached else _PAGES_FROM_DATABASE).inc()
