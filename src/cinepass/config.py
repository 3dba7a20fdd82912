"""The one settings object, read from CINEPASS_* environment variables and a .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/cinepass.db"


class TrustedIssuer(BaseModel):
    """An OpenID provider whose ID tokens the API accepts at sign-provider."""

    issuer: str
    audiences: list[str] = Field(min_length=1, description="Our client ids at that provider")
    provider: str | None = Field(default=None, description="The render server's provider id")
    algorithms: list[str] = ["RS256", "ES256", "EdDSA"]


# Providers known by their id alone: {"id": "google", "client_id": ..., "client_secret": ...}.
OIDC_PRESETS: dict[str, tuple[str, str]] = {
    "google": ("Google", "https://accounts.google.com"),
    "gitlab": ("GitLab", "https://gitlab.com"),
}


class OidcProvider(BaseModel):
    """A provider the render server signs users in with (a confidential client)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    name: str = ""
    issuer: str = ""
    client_id: str
    client_secret: SecretStr
    scopes: str = "openid email profile"

    @model_validator(mode="after")
    def _preset(self) -> Self:
        preset_name, preset_issuer = OIDC_PRESETS.get(self.id, ("", ""))
        self.name = self.name or preset_name or self.id
        self.issuer = self.issuer or preset_issuer
        if not self.issuer:
            raise ValueError(f"provider {self.id!r} needs an issuer URL")
        return self


class Settings(BaseSettings):
    """Every knob cinepass has; each field is `CINEPASS_<NAME>` in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="CINEPASS_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    database_pool_size: int = Field(default=10, ge=1)
    database_timeout_seconds: float = Field(default=5.0, gt=0)

    # Tokens
    token_issuer: str = "http://127.0.0.1:8000"
    token_audience: str = "cinepass-api"
    access_token_ttl_seconds: int = Field(default=15 * 60, ge=1)
    signing_algorithm: Literal["EdDSA", "ES256"] = "EdDSA"
    refresh_token_ttl_seconds: int = Field(default=12 * 3600, ge=60)
    remember_me_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=60)
    # How often each process reads revocations made elsewhere: the longest a revoked
    # access token can still be accepted by another replica.
    revocation_poll_seconds: float = Field(default=1.0, gt=0, le=30)
    # How often each process re-reads the signing keys (rotation without a restart).
    key_refresh_seconds: float = Field(default=5.0, gt=0, le=300)
    # Base64url 32-byte AES keys sealing the signing keys in the database, comma-separated:
    # the first seals, all open (rotate with `cinepass keys rewrap`). Unset: one is generated
    # once into var/key-encryption.key (fine for one machine).
    key_encryption_key: Annotated[list[SecretStr], NoDecode] = []

    # Shared state for several replicas (revocations, rate-limit counters).
    redis_url: str | None = None

    # Abuse limits, in the `limits` library's notation ("N per period").
    signin_failures_per_account: str = "5 per 15 minutes"
    signin_failures_per_address: str = "30 per 15 minutes"
    signup_per_address: str = "20 per hour"
    # False serves clients that sign up without a key (the course's render server); a key
    # that is sent is still checked, and sign-ups stay limited per address.
    signup_requires_api_key: bool = True
    refresh_per_address: str = "120 per minute"
    # Addresses of reverse proxies whose X-Forwarded-For is believed (e.g. "127.0.0.1").
    trusted_proxies: list[str] = []

    # Request bodies: larger is 413 before anything else runs, deeper JSON is 400 (both
    # servers). One movie (the API's largest body, also what `cinepass admin movies import`
    # sends per row) is under 4 KiB; the render server's bodies (sign-in, sign-up, a list
    # entry) are under 2 KiB.
    request_body_max_bytes: int = Field(default=64 * 1024, ge=1024)
    web_request_body_max_bytes: int = Field(default=16 * 1024, ge=1024)
    request_json_max_depth: int = Field(default=32, ge=4, le=256)

    # Passwords: OWASP's argon2id floor (m=19 MiB, t=2, p=1) is the default.
    argon2_memory_kib: int = Field(default=19 * 1024, ge=19 * 1024)
    argon2_time_cost: int = Field(default=2, ge=2)

    # Where the API is reachable from outside; used in poster links written by the seeder.
    public_url: str = "http://127.0.0.1:8000"

    # Admin command line (`cinepass admin ...`)
    api_url: str = "http://127.0.0.1:8000"
    admin_api_key: SecretStr | None = None
    admin_email: str | None = None
    admin_password: SecretStr | None = None

    # Third-party sign-in: issuers the API trusts, and providers the render server offers.
    oidc_trusted_issuers: list[TrustedIssuer] = []
    oidc_providers: list[OidcProvider] = []
    oidc_timeout_seconds: float = Field(default=5.0, gt=0)

    # Render server (BFF)
    web_origin: str = "http://127.0.0.1:8080"
    public_api_key: SecretStr | None = None
    # Base64url 32-byte AES-GCM keys sealing the session cookie; the first seals, all open.
    # Unset: one is generated once into var/web-session.key (fine for one machine).
    web_session_keys: list[SecretStr] = []
    web_static_dir: Path = Path("frontend/dist")
    web_api_timeout_seconds: float = Field(default=10.0, gt=0)
    # Reverse proxies in front of the render server whose X-Forwarded-For it believes. The
    # address found is the one it forwards to the API (whose CINEPASS_TRUSTED_PROXIES must list
    # every render server); a browser's own X-Forwarded-For is never passed on.
    web_trusted_proxies: list[str] = []

    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: str = "INFO"

    @field_validator("key_encryption_key", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """The database file for a file-backed SQLite URL, else None."""
        if not self.is_sqlite:
            return None
        _, _, path = self.database_url.partition(":///")
        return Path(path) if path and path != ":memory:" else None


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once. Tests build their own `Settings` instead."""
    return Settings()
