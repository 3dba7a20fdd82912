"""The wire schemas: what the render server imports of them, and what the document states."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from cinepass.auth.schemas import PasswordChange, SignUp
from cinepass.movies.schemas import MovieCreate
from cinepass.user_movies.schemas import UserMovieCreate
from tests.support import Api, bearer


def test_the_render_server_and_its_client_load_no_password_hashing_or_policy() -> None:
    """The typed client shares the API's schemas; pwdlib and zxcvbn stay in the API."""
    script = (
        "import sys, cinepass.client, cinepass.web.app\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pwdlib', 'zxcvbn')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


# A field of each kind of stated text: a display line, trimmed text, a trimmed id, a password.
FIELDS = [
    (SignUp, "name", {"email": "ana@example.com", "password": "a fine passphrase"}),
    (MovieCreate, "description", None),
    (UserMovieCreate, "movieId", {}),
    (PasswordChange, "currentPassword", {"newPassword": "another fine passphrase"}),
]
MOVIE = {
    "title": "The General",
    "year": 1926,
    "cover": "https://example.org/c.svg",
    "contentRating": "G",
    "duration": 78,
    "source": "https://example.org/m.mp4",
}


def _accepts(model: type[BaseModel], body: dict[str, object]) -> bool:
    try:
        model.model_validate(body)
    except ValidationError:
        return False
    return True


# Text near each edge: white space the server trims, controls it refuses, and plain letters.
TEXT = st.text(
    alphabet=st.sampled_from(" \t\n\u00a0\u3000\x00\x1c\x85\u202eaé🎬"), max_size=8
) | st.text(max_size=4)


@pytest.mark.parametrize(("model", "field", "rest"), FIELDS, ids=[f[1] for f in FIELDS])
@settings(max_examples=300, deadline=None)
@given(value=TEXT)
def test_a_stated_pattern_accepts_exactly_what_the_server_accepts(
    model: type[BaseModel], field: str, rest: dict[str, object] | None, value: str
) -> None:
    schema = model.model_json_schema(by_alias=True)["properties"][field]
    stated = re.fullmatch(schema["pattern"], value) is not None
    stated = stated and schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", 10**6)
    body = {**(MOVIE if rest is None else rest), field: value}
    assert _accepts(model, body) == stated, ascii(value)


def test_a_partial_update_documents_its_fields_as_never_null(api: Api) -> None:
    schema = api.http.get("/openapi.json").json()["components"]["schemas"]["MovieUpdate"]
    assert schema["minProperties"] == 1
    assert "null" not in json.dumps(schema)


def test_a_duration_sent_as_86_0_is_stored_as_86(api: Api, admin_token: str) -> None:
    """JSON Schema's integer includes 86.0; 86.5 and "86" are still refused."""
    movie_id = api.create_movie(admin_token, duration=86.0)
    r = api.http.get(f"/api/movies/{movie_id}", headers=bearer(admin_token))
    assert r.json()["data"]["duration"] == 86
    for duration in (86.5, "86"):
        r = api.http.put(
            f"/api/movies/{movie_id}", json={"duration": duration}, headers=bearer(admin_token)
        )
        assert r.status_code == 400, duration


def test_new_password_lengths_are_counted_as_sent(api: Api) -> None:
    """The document's minLength/maxLength are the check: NFKC is how passwords compare."""
    schema = api.http.get("/openapi.json").json()["components"]["schemas"]["SignUp"]
    assert (
        schema["properties"]["password"]["minLength"],
        schema["properties"]["password"]["maxLength"],
    ) == (8, 128)
    ligature = "\ufb01" * 128  # "ﬁ": one code point sent, two once NFKC-normalised
    assert (
        api.http.post(
            "/api/auth/sign-up",
            json={
                "name": "Ana",
                "email": f"lig-{uuid.uuid4().hex[:8]}@example.com",
                "password": ligature,
                "apiKeyToken": api.public_key,
            },
        ).status_code
        == 201
    )
