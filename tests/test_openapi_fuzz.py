"""Schema-driven fuzzing of every route: no 5xx, and every answer matches the OpenAPI document.

A second pass sends each generated body again as hostile variants: Unicode, deep, huge."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from cinepass.api import create_app
from cinepass.config import Settings
from tests.raw_http import send_head
from tests.support import Api, bearer

# The document the server publishes is built from the app alone, so it can be read at collection;
# every case is then sent over real HTTP to the live server of the current backend.
# A body over the size limit is refused with 413 before it is parsed: a rejection like any other.
REJECTED = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
schema = schemathesis.openapi.from_dict(
    create_app(Settings()).openapi(),
    config=SchemathesisConfig.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": REJECTED}}}
    ),
)

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


@pytest.fixture
def fuzz_token(api: Api) -> str:
    """An admin token of its own: fuzzing sign-out ends it, and no other test's."""
    return api.admin_token()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_route_answers_within_its_contract(
    case: schemathesis.Case, api: Api, fuzz_token: str
) -> None:
    case.call_and_validate(
        base_url=str(api.http.base_url), headers=bearer(fuzz_token), checks=_checks_for(case)
    )


def _checks_for(case: schemathesis.Case) -> list[Any]:
    """Every call carries the fuzz token, which undoes a negative case's change to the
    Authorization header: such a case is no longer invalid, so negative-data rejection
    cannot be judged on it (schemathesis excuses a body the caller replaces, not a header)."""
    data = case.meta.phase.data if case.meta else None
    locations = {getattr(data, "parameter_location", None)}
    locations |= {m.parameter_location for m in getattr(data, "mutations", None) or ()}
    if any(location is not None and location.value == "header" for location in locations):
        return [check for check in CHECKS if check is not checks.negative_data_rejection]
    return CHECKS


# Text a Spanish-speaking user types, and text no parser should trust: combining marks,
# bidi overrides, astral characters, a BOM and a lone surrogate (valid JSON, not valid Unicode).
UNICODE = [
    "ñandú",
    "contraseña á",
    "🎬🍿",
    "e\u0301",
    "\u202eevil",
    "\ufeff",
    "\U0001d518\U0001d52b\U0001d526",
    "\ud800",
]


def _unicode(value: Any, seed: int) -> Any:
    if isinstance(value, str):
        return value + UNICODE[(len(value) + seed) % len(UNICODE)]
    if isinstance(value, dict):
        return {k: _unicode(v, seed + i) for i, (k, v) in enumerate(value.items())}
    if isinstance(value, list):
        return [_unicode(v, seed + i) for i, v in enumerate(value)]
    return value


def _deep(value: Any, depth: int) -> Any:
    """`value` with its first field (or itself) wrapped in `depth` arrays."""
    if isinstance(value, dict) and value:
        first = next(iter(value))
        return {**value, first: _deep(value[first], depth)}
    for _ in range(depth):
        value = [value]
    return value


def _assert_clear_refusal(status: int, body: bytes, expected: set[int] | None = None) -> None:
    assert status < 500, body[:300]
    if expected is not None:
        assert status in expected, body[:300]
    if status >= 400:
        envelope = json.loads(body)
        assert envelope["statusCode"] == status
        assert isinstance(envelope["message"], str)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_hostile_bodies_on_every_route_are_a_clear_4xx_never_5xx(
    case: schemathesis.Case, api: Api, fuzz_token: str
) -> None:
    """Unicode in every string, nesting past the limit, and a declared length of 2 GiB."""
    base_url = str(api.http.base_url).rstrip("/")
    request = case.as_transport_kwargs(base_url=base_url, headers=bearer(fuzz_token))
    method, url, params = request["method"], request["url"], request.get("params") or {}
    headers = {"Authorization": f"Bearer {fuzz_token}", "Content-Type": "application/json"}
    seed = sum(map(ord, case.id or ""))
    body = case.body if isinstance(case.body, (dict, list, str)) else {}
    probes = [
        (json.dumps(_unicode(body, seed)), None),
        # A generated body near a field's longest can pass the size limit once escaped: 413.
        (json.dumps(_deep(body, 33 + seed % 900)), {400, 413}),
        ("[" * 5000 + "]" * 5000, {400}),
    ]
    for content, expected in probes:
        r = api.http.request(method, url, params=params, content=content.encode(), headers=headers)
        _assert_clear_refusal(r.status_code, r.content, expected)
    path = urlsplit(str(httpx.URL(url, params=params)))
    target = path.path + (f"?{path.query}" if path.query else "")
    answer = send_head(base_url, method, target, {**headers, "Content-Length": "2147483648"})
    _assert_clear_refusal(answer.status, answer.body, {413})
