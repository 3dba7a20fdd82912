"""Schema-driven fuzzing of every route: no 5xx, and every answer matches the OpenAPI document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from cinepass.api import create_app
from cinepass.config import Settings
from tests.support import Api, bearer

# The document the server publishes is built from the app alone, so it can be read at collection;
# every case is then sent over real HTTP to the live server of the current backend.
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())

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
        base_url=str(api.http.base_url), headers=bearer(fuzz_token), checks=CHECKS
    )
