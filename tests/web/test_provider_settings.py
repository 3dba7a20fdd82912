"""Provider settings: presets fill in what a user would not want to look up."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cinepass.config import OidcProvider


def test_the_google_preset_needs_only_the_client_credentials() -> None:
    google = OidcProvider(id="google", client_id="id", client_secret="secret")  # type: ignore[arg-type]
    assert (google.name, google.issuer) == ("Google", "https://accounts.google.com")


def test_any_other_provider_needs_an_issuer() -> None:
    with pytest.raises(ValidationError, match="issuer"):
        OidcProvider(id="corp", client_id="id", client_secret="secret")  # type: ignore[arg-type]
