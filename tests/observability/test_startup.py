"""Off by default: without CINEPASS_OTEL_ENDPOINT no tracer, exporter or instrumentation is
imported (FastAPI imports OpenTelemetry's API package, redis-py its SDK's metrics, if installed)."""

from __future__ import annotations

import subprocess
import sys

from cinepass.config import Settings

_BUILD_BOTH = """
import sys
from cinepass.api import create_app
from cinepass.config import Settings
from cinepass.web.app import create_web_app

settings = Settings(_env_file=None, web={"public_api_key": "cpk_x"})
create_app(settings)
create_web_app(settings)
heavy = ("opentelemetry.sdk.trace", "opentelemetry.exporter", "opentelemetry.instrumentation")
print(sorted(name for name in sys.modules if name.startswith(heavy)))
"""


def test_no_tracing_library_is_imported_when_no_endpoint_is_set(settings: Settings) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _BUILD_BOTH],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "CINEPASS_DATABASE_URL": settings.database.url},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
