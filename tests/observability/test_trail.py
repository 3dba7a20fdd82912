"""One click through both real servers: one request id in both logs and answers, one trace."""

from __future__ import annotations

import gzip
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from cinepass.config import Settings
from tests.conftest import Accounts
from tests.observability.conftest import Process, api_env, started, web_env
from tests.support import free_port
from tests.web.conftest import CSRF


class Collector:
    """An OTLP/HTTP receiver on loopback: every span POSTed to /v1/traces, with its service."""

    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []
        self.paths: list[str] = []
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                if self.headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                collector.received(self.path, body)
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self, path: str, body: bytes) -> None:
        self.paths.append(path)
        request = ExportTraceServiceRequest.FromString(body)
        for resource_spans in request.resource_spans:
            service = next(
                a.value.string_value
                for a in resource_spans.resource.attributes
                if a.key == "service.name"
            )
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    self.spans.append(
                        {
                            "service": service,
                            "trace_id": span.trace_id.hex(),
                            "name": span.name,
                            "attributes": {a.key for a in span.attributes},
                        }
                    )

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Pair:
    api: Process
    web: Process
    collector: Collector


@pytest.fixture
def pair(settings: Settings, accounts: Accounts, tmp_path: Path) -> Iterator[Pair]:
    collector = Collector()
    traced = {
        "CINEPASS_OTEL_ENDPOINT": collector.url,
        "CINEPASS_LOG_LEVEL": "DEBUG",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    web_port = free_port()
    try:
        with (
            started("api", api_env(settings, **traced), tmp_path, ready="/ready") as api,
            started(
                "web",
                web_env(api, accounts, web_port, **traced),
                tmp_path,
                ready="/health",
                port=web_port,
            ) as web,
        ):
            yield Pair(api, web, collector)
    finally:
        collector.close()


def eventually(check: Any, seconds: float = 20.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_one_click_has_one_id_in_both_servers_and_one_trace(pair: Pair) -> None:
    origin = {**CSRF, "Origin": pair.web.url}
    answer = httpx.post(
        f"{pair.web.url}/auth/sign-in",
        json={
            "email": f"nadie-{uuid.uuid4().hex[:8]}@example.com",
            "password": "contraseña mala",
            "rememberMe": False,
        },
        headers={**origin, "X-Request-ID": "browser-chosen-id-1"},
        timeout=30,
    )
    assert answer.status_code == 401, answer.text
    request_id = answer.headers["x-request-id"]
    assert request_id != "browser-chosen-id-1"
    assert answer.json()["requestId"] == request_id

    def api_line() -> dict[str, Any] | None:
        return next(
            (
                line
                for line in pair.api.log_lines()
                if line.get("request_id") == request_id and line.get("event") == "request"
            ),
            None,
        )

    line = eventually(api_line)
    assert line is not None, pair.api.log()
    assert line["path"] == "/api/auth/sign-in"
    assert line["status"] == 401
    # The render server logs its own line once its answer is sent.
    assert eventually(
        lambda: any(line.get("request_id") == request_id for line in pair.web.log_lines())
    ), pair.web.log()
    assert not any("browser-chosen-id-1" in str(line) for line in pair.api.log_lines())

    def shared_trace() -> set[str]:
        services_by_trace: dict[str, set[str]] = {}
        for span in pair.collector.spans:
            services_by_trace.setdefault(span["trace_id"], set()).add(span["service"])
        return {t for t, s in services_by_trace.items() if s >= {"cinepass-web", "cinepass-api"}}

    traces = eventually(shared_trace)
    assert traces, pair.collector.spans
    assert set(pair.collector.paths) == {"/v1/traces"}

    def sql_in_trace() -> bool:
        # The API's SQL is part of the same trace: render server -> API -> database. Its spans
        # may reach the collector in a later batch than the first shared ones.
        return any(
            s["trace_id"] in shared_trace()
            and s["service"] == "cinepass-api"
            and ({"db.system", "db.system.name"} & set(s["attributes"]))
            for s in pair.collector.spans
        )

    assert eventually(sql_in_trace), pair.collector.spans
