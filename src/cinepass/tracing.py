"""OpenTelemetry tracing, off unless CINEPASS_OTEL_ENDPOINT names an OTLP/HTTP collector.

Spans cover the render server, its httpx calls to the API (whose `traceparent` header carries
the trace across), the API's routes and its SQL. The libraries are the `tracing` extra; unset,
no tracer, exporter or instrumentation is imported, so a server without a collector pays nothing
at start or per request. (FastAPI imports OpenTelemetry's API package itself; with no global
provider set, as here, its own tracing idles.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from cinepass.config import Settings

if TYPE_CHECKING:
    import httpx
    from fastapi.telemetry import TelemetryConfig
    from sqlalchemy.ext.asyncio import AsyncEngine

# For every FastAPI app of cinepass's: tracing is this module's (CINEPASS_OTEL_ENDPOINT), and
# FastAPI's native telemetry would only ask OpenTelemetry for global providers on every request
# and find none (4% of the render server's time under load).
NATIVE_TELEMETRY_OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


class Tracing:
    """One server's tracer provider and the instrumentations that report to it."""

    def __init__(self, provider: Any) -> None:
        self._provider = provider

    @classmethod
    def install(cls, app: FastAPI, settings: Settings, service_name: str) -> Tracing | None:
        """Trace `app`'s requests when an endpoint is set; None (and no import) otherwise."""
        endpoint = settings.observability.otel_endpoint
        if endpoint is None:
            return None
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
            from opentelemetry.sdk.resources import Resource
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import BatchSpanProcessor
        except ImportError:
            raise RuntimeError(
                "CINEPASS_OTEL_ENDPOINT is set but the tracing libraries are not installed:"
                ' pip install "cinepass[tracing]"'
            ) from None

        provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
        exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
        FastAPIInstrumentor.instrument_app(app, tracer_provider=provider)
        return cls(provider)

    def trace_database(self, engine: AsyncEngine) -> None:
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        # Its declared range stops below SQLAlchemy 2.1, which it instruments all the same
        # (the engine events it uses are unchanged); without this it silently does nothing.
        SQLAlchemyInstrumentor().instrument(
            engine=engine.sync_engine, tracer_provider=self._provider, skip_dep_check=True
        )

    def trace_client(self, client: httpx.AsyncClient) -> None:
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor.instrument_client(client, tracer_provider=self._provider)

    def close(self) -> None:
        """Send what is still buffered, then stop."""
        self._provider.shutdown()
