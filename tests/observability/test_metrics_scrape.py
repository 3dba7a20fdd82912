"""The metrics listener of `cinepass api --workers 2`, scraped: the counts of what the test did."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from cinepass.config import Settings
from tests.conftest import Accounts
from tests.observability.conftest import Process, api_env, started
from tests.support import free_port


@pytest.fixture
def two_workers(
    settings: Settings, accounts: Accounts, tmp_path: Path
) -> Iterator[tuple[Process, str, Path]]:
    metrics_address = f"127.0.0.1:{free_port()}"
    multiproc_dir = tmp_path / "prometheus"
    multiproc_dir.mkdir()
    # Left by an earlier run: emptied at start, never summed into this one's numbers.
    (multiproc_dir / "counter_999999.db").write_bytes(b"\0" * 64)
    env = api_env(
        settings,
        CINEPASS_METRICS_ADDRESS=metrics_address,
        PROMETHEUS_MULTIPROC_DIR=str(multiproc_dir),
    )
    with started("api", env, tmp_path, "--workers", "2", ready="/ready") as api:
        yield api, metrics_address, multiproc_dir


def scrape(address: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of the scrape, by name and labels."""
    text = httpx.get(f"http://{address}/metrics", timeout=10).text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_a_scrape_counts_what_two_workers_answered(
    two_workers: tuple[Process, str, Path], accounts: Accounts
) -> None:
    api, metrics_address, multiproc_dir = two_workers
    email = f"metrics-{uuid.uuid4().hex[:8]}@example.com"
    with httpx.Client(base_url=api.url, timeout=30) as http:
        signed_up = http.post(
            "/api/auth/sign-up",
            json={
                "name": "Ana",
                "email": email,
                "password": "contraseña segura 1",
                "apiKeyToken": accounts.public_key,
            },
        )
        assert signed_up.status_code == 201, signed_up.text
        key = {"apiKeyToken": accounts.public_key}
        for _ in range(3):
            ok = http.post("/api/auth/sign-in", auth=(email, "contraseña segura 1"), json=key)
            assert ok.status_code == 200, ok.text
        refresh_token = ok.json()["refreshToken"]
        # Two failures reach the account's limit (2 per minute); the third try is refused.
        for expected in (401, 401, 429):
            wrong = http.post("/api/auth/sign-in", auth=(email, "equivocada"), json=key)
            assert wrong.status_code == expected, wrong.text
        rotated = http.post("/api/auth/refresh", json={"refreshToken": refresh_token, **key})
        assert rotated.status_code == 200, rotated.text
        reused = http.post("/api/auth/refresh", json={"refreshToken": refresh_token, **key})
        assert reused.status_code == 401
        missing = [http.get(f"/api/movies/{uuid.uuid4()}").status_code for _ in range(4)]
        assert missing == [401] * 4
        assert http.get("/no/such/path/ñ").status_code == 404
        assert [http.get("/health").status_code for _ in range(2)] == [200, 200]
        # Metrics are never on the public port.
        assert http.get("/metrics").status_code == 404

    samples = scrape(metrics_address)
    assert value(samples, "cinepass_sign_ins_total", outcome="success") == 3
    assert value(samples, "cinepass_sign_ins_total", outcome="failure") == 2
    assert value(samples, "cinepass_sign_ins_total", outcome="locked_out") == 1
    assert value(samples, "cinepass_rate_limit_refusals_total", limit="signin-account") == 1
    assert value(samples, "cinepass_refresh_rotations_total") == 1
    assert value(samples, "cinepass_refresh_reuse_detections_total") == 1
    requests = "cinepass_http_requests_total"
    sign_in = {"route": "/api/auth/sign-in", "method": "POST"}
    assert value(samples, requests, **sign_in, status="200") == 3
    assert value(samples, requests, **sign_in, status="401") == 2
    assert value(samples, requests, **sign_in, status="429") == 1
    # The route's template, never the ids of the paths asked for.
    movie = {"route": "/api/movies/{movie_id}", "method": "GET"}
    assert value(samples, requests, **movie, status="401") == 4
    assert value(samples, requests, route="<unmatched>", method="GET", status="404") == 2
    assert value(samples, requests, route="/health", method="GET", status="200") == 2
    assert value(samples, "cinepass_http_request_duration_seconds_count", **sign_in) == 6
    assert not any("/no/such" in str(labels) for _, labels in samples)
    # Each worker keeps files of its own; the stale one is gone.
    assert not (multiproc_dir / "counter_999999.db").exists()
    pids = {path.stem.rpartition("_")[2] for path in multiproc_dir.glob("counter_*.db")}
    assert len(pids) >= 2
    assert value(samples, "cinepass_revocations_synced_timestamp_seconds") > 0
    assert ("cinepass_db_pool_connections_in_use", frozenset()) in samples


def test_metrics_are_not_served_without_an_address(
    settings: Settings, accounts: Accounts, tmp_path: Path
) -> None:
    with started("api", api_env(settings), tmp_path, ready="/ready") as api:
        assert httpx.get(f"{api.url}/metrics", timeout=10).status_code == 404
