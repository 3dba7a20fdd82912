"""Fixtures for the topology tests: they need PostgreSQL (and Redis), never the SQLite run."""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest

from tests.topology.services import REDIS_URL, LogSources, redis_client

_CALL_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[_CALL_REPORT] = report
    return report


@pytest.fixture
def server_logs(request: pytest.FixtureRequest) -> Iterator[LogSources]:
    """Name -> log reader; a failed test shows the tail of each log beside its traceback."""
    sources: LogSources = {}
    yield sources
    report = request.node.stash.get(_CALL_REPORT, None)
    if report is not None and report.failed:
        for name, read in sources.items():
            report.sections.append((f"{name} log", read()))


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A Redis database of the tests' own (a dedicated db number), empty before and after."""
    client = redis_client(REDIS_URL)
    try:
        client.flushdb()
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()
