"""What one run measured: page probes, throughput at each worker count, and its JSON form."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bench import cpu, results, wrk

RATIO_AIM = 0.50
# A deep page may cost this much more than at the small catalogue and still count as flat.
FLAT_TOLERANCE = 1.5


@dataclass
class PageProbe:
    movies: int
    page: str
    description: str
    path: str
    result: wrk.WrkResult | None = None
    cpu: cpu.Usage | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "movies": self.movies,
            "page": self.page,
            "description": self.description,
            "path": self.path,
            "wrk": self.result.to_json() if self.result else None,
            "cpu": self.cpu.to_json() if self.cpu else None,
        }


@dataclass
class Throughput:
    workers: int
    authenticated: wrk.WrkResult
    ceiling: wrk.WrkResult
    authenticated_cpu: cpu.Usage
    ceiling_cpu: cpu.Usage

    @property
    def ratio(self) -> float:
        return self.authenticated.requests_per_second / self.ceiling.requests_per_second

    def to_json(self) -> dict[str, Any]:
        return {
            "workers": self.workers,
            "authenticated": {
                **self.authenticated.to_json(),
                "cpu": self.authenticated_cpu.to_json(),
            },
            "ceiling": {**self.ceiling.to_json(), "cpu": self.ceiling_cpu.to_json()},
            "ratio": round(self.ratio, 4),
        }


@dataclass
class Run:
    args: argparse.Namespace
    postgres_version: str
    busy_before_start: float
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    seeding: dict[int, float] = field(default_factory=dict)
    pages: list[PageProbe] = field(default_factory=list)
    throughput: list[Throughput] = field(default_factory=list)

    def probe(self, movies: int, page: str) -> PageProbe | None:
        return next((p for p in self.pages if p.movies == movies and p.page == page), None)

    def flatness(self) -> dict[str, Any]:
        small, large = self.args.small_movies, self.args.movies
        verdict: dict[str, Any] = {}
        for page in ("first", "deep", "last"):
            a, b = self.probe(small, page), self.probe(large, page)
            if a and b and a.result and b.result and a.result.p50_ms > 0:
                verdict[page] = {
                    f"p50_ms_at_{small}": a.result.p50_ms,
                    f"p50_ms_at_{large}": b.result.p50_ms,
                    "growth": round(b.result.p50_ms / a.result.p50_ms, 3),
                }
        return verdict

    def to_json(self) -> dict[str, Any]:
        a = self.args
        headline = self.throughput[0] if self.throughput else None
        data = results.header("api_throughput", self.started_at, datetime.now(UTC))
        data["machine"]["busy_cores_before_start"] = round(self.busy_before_start, 2)
        return data | {
            "postgres_version": self.postgres_version,
            "settings": {
                "movies": a.movies,
                "small_movies": a.small_movies,
                "duration_s": a.duration,
                "warmup_s": a.warmup,
                "connections": a.connections,
                "wrk_threads": a.threads,
                "page_duration_s": a.page_duration,
                "deep_page": a.deep_page,
                "limit": a.limit,
                "workers": a.workers,
                "server": "cinepass api (uvicorn), separate process, on this machine",
                "load_generator": "wrk, on this machine",
            },
            "seeding_seconds": {str(k): round(v, 2) for k, v in self.seeding.items()},
            "throughput": [t.to_json() for t in self.throughput],
            "ratio": round(headline.ratio, 4) if headline else None,
            "ratio_aim": RATIO_AIM,
            "pages": [p.to_json() for p in self.pages],
            "page_latency_growth": self.flatness(),
        }

    def unclean(self) -> list[wrk.WrkResult]:
        return results.unclean(
            [p.result for p in self.pages]
            + [r for t in self.throughput for r in (t.authenticated, t.ceiling)]
        )
