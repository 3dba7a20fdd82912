"""The one settings object: a model per concern, read from CINEPASS_* variables and a .env file."""

from __future__ import annotations

import json
import re
from email.errors import NonASCIILocalPartDefect
from email.headerregistry import AddressHeader, HeaderRegistry
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Self, cast
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import InitErrorDetails
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from cinepass.metrics.listener import is_loopback, split_address
from cinepass.sealing import read_key

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


def variable(name: str, default: Any = ..., **constraints: Any) -> Any:
    """A field read from the variable `CINEPASS_<name>`; code and tests set it by field name."""
    return Field(default, validation_alias=f"CINEPASS_{name}", **constraints)


class Group(BaseModel):
    """The settings of one concern; each field's alias is its environment variable."""

    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True, extra="forbid")


class DatabaseSettings(Group):
    url: str = variable("DATABASE_URL", DEFAULT_DATABASE_URL)
    pool_size: int = variable("DATABASE_POOL_SIZE", 10, ge=1)
    timeout_seconds: float = variable("DATABASE_TIMEOUT_SECONDS", 5.0, gt=0)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        """The database file for a file-backed SQLite URL, else None."""
        if not self.is_sqlite:
            return None
        _, _, path = self.url.partition(":///")
        return Path(path) if path and path != ":memory:" else None


class TokenSettings(Group):
    issuer: str = variable("TOKEN_ISSUER", "http://127.0.0.1:8000")
    audience: str = variable("TOKEN_AUDIENCE", "cinepass-api")
    access_ttl_seconds: int = variable("ACCESS_TOKEN_TTL_SECONDS", 15 * 60, ge=1)
    refresh_ttl_seconds: int = variable("REFRESH_TOKEN_TTL_SECONDS", 12 * 3600, ge=60)
    remember_me_ttl_seconds: int = variable("REMEMBER_ME_TTL_SECONDS", 30 * 24 * 3600, ge=60)
    # How often each process reads revocations made elsewhere: the longest a revoked
    # access token can still be accepted by another replica.
    revocation_poll_seconds: float = variable("REVOCATION_POLL_SECONDS", 1.0, gt=0, le=30)


class SigningKeySettings(Group):
    algorithm: Literal["EdDSA", "ES256"] = variable("SIGNING_ALGORITHM", "EdDSA")
    # How often each process re-reads the signing keys (rotation without a restart).
    refresh_seconds: float = variable("KEY_REFRESH_SECONDS", 5.0, gt=0, le=300)
    # Base64url 32-byte AES keys sealing the signing keys in the database, comma-separated:
    # the first seals, all open (rotate with `cinepass keys rewrap`). Unset: one is generated
    # once into var/key-encryption.key (fine for one machine).
    encryption_keys: Annotated[list[SecretStr], NoDecode] = variable("KEY_ENCRYPTION_KEY", [])

    @field_validator("encryption_keys", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


class RedisSettings(Group):
    """Shared state for several replicas (revocations, rate-limit counters, spent records)."""

    url: str | None = variable("REDIS_URL", None)


class LimitSettings(Group):
    """Abuse limits, in the `limits` library's notation ("N per period")."""

    signin_failures_per_account: str = variable("SIGNIN_FAILURES_PER_ACCOUNT", "5 per 15 minutes")
    signin_failures_per_address: str = variable("SIGNIN_FAILURES_PER_ADDRESS", "30 per 15 minutes")
    signup_per_address: str = variable("SIGNUP_PER_ADDRESS", "20 per hour")
    refresh_per_address: str = variable("REFRESH_PER_ADDRESS", "120 per minute")
    # Passkey sign-ins started (each stores a challenge until it expires).
    passkey_ceremonies_per_address: str = variable(
        "PASSKEY_CEREMONIES_PER_ADDRESS", "30 per minute"
    )
    # Mails a client can cause: password resets per account; verification (and "you already
    # have an account") mails per account; both together per client address.
    password_reset_per_account: str = variable("PASSWORD_RESET_PER_ACCOUNT", "3 per hour")
    account_mail_per_address: str = variable("ACCOUNT_MAIL_PER_ADDRESS", "20 per hour")
    account_mail_per_account: str = variable("ACCOUNT_MAIL_PER_ACCOUNT", "3 per hour")
    # False serves clients that sign up without a key (the course's render server); a key
    # that is sent is still checked, and sign-ups stay limited per address.
    signup_requires_api_key: bool = variable("SIGNUP_REQUIRES_API_KEY", True)


class RequestSettings(Group):
    """How the API reads requests.

    A larger body is 413 before anything else runs, deeper JSON is 400 (both servers). One
    movie (the API's largest body, also what `cinepass admin movies import` sends per row)
    is under 4 KiB; the render server's bodies (`web.body_max_bytes`) are under 2 KiB.
    """

    body_max_bytes: int = variable("REQUEST_BODY_MAX_BYTES", 64 * 1024, ge=1024)
    json_max_depth: int = variable("REQUEST_JSON_MAX_DEPTH", 32, ge=4, le=256)
    # The admin movie import (a CSV file or JSON array of films): the one larger body.
    import_body_max_bytes: int = variable("REQUEST_IMPORT_BODY_MAX_BYTES", 1024 * 1024, ge=1024)
    # Addresses of reverse proxies whose X-Forwarded-For is believed (e.g. "127.0.0.1").
    trusted_proxies: list[str] = variable("TRUSTED_PROXIES", [])


class PasswordSettings(Group):
    """OWASP's argon2id floor (m=19 MiB, t=2, p=1) is the default."""

    argon2_memory_kib: int = variable("ARGON2_MEMORY_KIB", 19 * 1024, ge=19 * 1024)
    argon2_time_cost: int = variable("ARGON2_TIME_COST", 2, ge=2)


class ApiSettings(Group):
    """Where the API is."""

    # Where the admin command line and the render server reach it.
    url: str = variable("API_URL", "http://127.0.0.1:8000")
    # Where it is reachable from outside; used in poster links written by the seeder.
    public_url: str = variable("PUBLIC_URL", "http://127.0.0.1:8000")


class AdminSettings(Group):
    """How `cinepass admin ...` signs in to the API."""

    api_key: SecretStr | None = variable("ADMIN_API_KEY", None)
    email: str | None = variable("ADMIN_EMAIL", None)
    password: SecretStr | None = variable("ADMIN_PASSWORD", None)
    # The second factor's code, for an admin account that has one (else the command asks).
    otp: SecretStr | None = variable("ADMIN_OTP", None)


class OidcSettings(Group):
    """Third-party sign-in: issuers the API trusts, and providers the render server offers."""

    trusted_issuers: list[TrustedIssuer] = variable("OIDC_TRUSTED_ISSUERS", [])
    providers: list[OidcProvider] = variable("OIDC_PROVIDERS", [])
    timeout_seconds: float = variable("OIDC_TIMEOUT_SECONDS", 5.0, gt=0)


class WebSettings(Group):
    """The render server (BFF)."""

    origin: str = variable("WEB_ORIGIN", "http://127.0.0.1:8080")
    public_api_key: SecretStr | None = variable("PUBLIC_API_KEY", None)
    # Base64url 32-byte AES-GCM keys sealing the session cookie; the first seals, all open.
    # Unset: one is generated once into var/web-session.key (fine for one machine).
    session_keys: list[SecretStr] = variable("WEB_SESSION_KEYS", [])
    static_dir: Path = variable("WEB_STATIC_DIR", Path("frontend/dist"))
    api_timeout_seconds: float = variable("WEB_API_TIMEOUT_SECONDS", 10.0, gt=0)
    body_max_bytes: int = variable("WEB_REQUEST_BODY_MAX_BYTES", 16 * 1024, ge=1024)
    # The admin console's movie import (a CSV file), the one larger body a browser sends.
    import_body_max_bytes: int = variable("WEB_IMPORT_BODY_MAX_BYTES", 1024 * 1024, ge=1024)
    # Reverse proxies in front of the render server whose X-Forwarded-For it believes. The
    # address found is the one it forwards to the API (whose CINEPASS_TRUSTED_PROXIES must list
    # every render server); a browser's own X-Forwarded-For is never passed on.
    trusted_proxies: list[str] = variable("WEB_TRUSTED_PROXIES", [])


class MailSettings(Group):
    """Outgoing mail: queued in the database with the change that causes it, sent by the API.

    Without an SMTP URL, mail is written as .eml files under `directory` instead (development;
    `cinepass up` runs a local SMTP server and sets the URL).
    """

    # smtp://host:port, smtp+starttls://user:password@host:587, smtps://host:465
    smtp_url: SecretStr | None = variable("SMTP_URL", None)
    sender: str = variable("MAIL_FROM", "cinepass <no-reply@cinepass.localhost>")
    directory: Path = variable("MAIL_DIR", Path("var/mail"))
    timeout_seconds: float = variable("SMTP_TIMEOUT_SECONDS", 10.0, gt=0)
    # A mail that fails is tried again after retry_seconds, doubling, max_attempts times in
    # all; then it is given up, logged and listed by `cinepass mail list --failed`.
    max_attempts: int = variable("MAIL_MAX_ATTEMPTS", 8, ge=1, le=50)
    retry_seconds: float = variable("MAIL_RETRY_SECONDS", 30.0, gt=0)
    # How often each API process looks for mail to send.
    poll_seconds: float = variable("MAIL_POLL_SECONDS", 1.0, gt=0, le=60)

    SMTP_SCHEMES: ClassVar[dict[str, int]] = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}

    @field_validator("smtp_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        url = urlsplit(value.get_secret_value())
        try:
            port_ok = url.port != 0
        except ValueError:  # not a number, or out of range
            port_ok = False
        if (
            url.scheme not in cls.SMTP_SCHEMES
            or not url.hostname
            or not port_ok
            or url.path not in ("", "/")
            or url.query
            or url.fragment
        ):
            raise ValueError(
                "must be smtp://HOST[:PORT], smtp+starttls://[USER:PASSWORD@]HOST[:PORT] or"
                " smtps://[USER:PASSWORD@]HOST[:PORT] (USER and PASSWORD percent-encoded)"
            )
        return value

    @field_validator("sender")
    @classmethod
    def _one_mailbox(cls, value: str) -> str:
        problem = 'must be one address, e.g. "cinepass <no-reply@example.com>"'
        try:
            header = HeaderRegistry()("From", value)
        except (IndexError, ValueError):  # CR/LF, or the parser failing on e.g. "x@"
            raise ValueError(problem) from None
        addresses = cast(AddressHeader, header).addresses
        # A non-ASCII local part is an address (it needs a server with SMTPUTF8).
        defects = [d for d in header.defects if not isinstance(d, NonASCIILocalPartDefect)]
        if defects or len(addresses) != 1 or not addresses[0].domain:
            raise ValueError(problem)
        return value


class SecondFactorSettings(Group):
    """Second factors: passkeys (WebAuthn) and authenticator-app codes (TOTP)."""

    # The domain passkeys are bound to (WebAuthn's RP ID): the web origin's host or a parent
    # domain of it. Unset: the host of CINEPASS_WEB_ORIGIN. Changing it orphans every passkey.
    webauthn_rp_id: str | None = variable("WEBAUTHN_RP_ID", None)
    webauthn_rp_name: str = variable("WEBAUTHN_RP_NAME", "cinepass", min_length=1, max_length=64)
    # The name authenticator apps show beside the account.
    totp_issuer: str = variable("TOTP_ISSUER", "cinepass", min_length=1, max_length=64)
    # An admin signed in with one factor gets no admin-only scopes (create/update/delete).
    admin_requires_mfa: bool = variable("ADMIN_REQUIRES_MFA", False)

    @field_validator("webauthn_rp_id")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not re.fullmatch(r"[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?", value):
            raise ValueError('must be a lower-case domain name, e.g. "cinepass.example"')
        return value


class MediaSettings(Group):
    """Films' clips, made on first play, and the signed URLs that serve them."""

    dir: Path = variable("MEDIA_DIR", Path("var/media"))
    # Base64url 32-byte HMAC keys for media URLs, comma-separated (or a JSON list): the first
    # signs, all verify. Unset: one is generated once into var/media-url.key (one machine).
    url_keys: Annotated[list[SecretStr], NoDecode] = variable("MEDIA_URL_KEYS", [])
    # How long a signed URL plays: a player asks for a new one after that.
    url_ttl_seconds: int = variable("MEDIA_URL_TTL_SECONDS", 600, ge=10, le=3600)

    @field_validator("url_keys", mode="before")
    @classmethod
    def _key_list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("url_keys")
    @classmethod
    def _keys_readable(cls, keys: list[SecretStr]) -> list[SecretStr]:
        for key in keys:
            try:
                read_key(key.get_secret_value())
            except ValueError:
                raise ValueError("each key is 32 bytes, base64url-encoded") from None
        return keys


class ObservabilitySettings(Group):
    """What operators watch: Prometheus metrics on a listener of their own, OpenTelemetry traces.

    Both are off when unset. `cinepass up` gives the API and the render server a metrics
    address each (printed at start); `cinepass api` and `cinepass web` read this one.
    """

    # host:port of the metrics listener, never the public port. Loopback only, unless
    # metrics_public says the address was meant (a scraper on another machine).
    metrics_address: str | None = variable("METRICS_ADDRESS", None)
    metrics_public: bool = variable("METRICS_PUBLIC", False)
    # An OTLP/HTTP collector's base URL (e.g. http://127.0.0.1:4318); spans go to /v1/traces.
    otel_endpoint: str | None = variable("OTEL_ENDPOINT", None)

    @field_validator("metrics_address", "otel_endpoint", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("metrics_address")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is not None:
            split_address(value)
        return value

    @field_validator("otel_endpoint")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("must be an http:// or https:// URL, e.g. http://127.0.0.1:4318")
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _loopback_unless_meant(self) -> Self:
        if self.metrics_address and not self.metrics_public:
            host, _ = split_address(self.metrics_address)
            if not is_loopback(host):
                raise ValueError(
                    "CINEPASS_METRICS_ADDRESS is not a loopback address: metrics name routes"
                    " and counts; set CINEPASS_METRICS_PUBLIC=true if it is meant"
                )
        return self


class AuditSettings(Group):
    # Off only to measure what the trail costs (bench/observability_cost.py --audit): with it
    # off nothing is recorded, not even refusals.
    enabled: bool = variable("AUDIT_ENABLED", True)
    # `cinepass audit prune` deletes the audit events older than this.
    retention_days: int = variable("AUDIT_RETENTION_DAYS", 365, ge=1)


class CacheSettings(Group):
    # Each API process keeps the catalogue's pages it served and the access tokens it verified.
    # Off only to measure the cold path (bench): every request then reads the database.
    enabled: bool = variable("CACHE_ENABLED", True)
    # How often each process reads the catalogue's version from the database: a change made
    # through another replica (or the CLI) reaches this one's cached pages within this long.
    # The process that made the change drops its pages at once.
    poll_seconds: float = variable("CACHE_POLL_SECONDS", 1.0, ge=0.05, le=60)
    # The pages' size kept per process, least recently used out first.
    max_bytes: int = variable("CACHE_MAX_BYTES", 16 * 1024 * 1024, ge=1024 * 1024)


class LogSettings(Group):
    format: Literal["auto", "json", "console"] = variable("LOG_FORMAT", "auto")
    level: str = variable("LOG_LEVEL", "INFO")


class _GroupedVariables(PydanticBaseSettingsSource):
    """The flat CINEPASS_* variables another source found, sorted into their groups.

    Groups are plain models rather than a BaseSettings each: settable by field name, a
    BaseSettings would also read `<env_prefix><field name>`, a second name for a variable.
    """

    def __init__(self, settings_cls: type[BaseSettings], variables: EnvSettingsSource) -> None:
        super().__init__(settings_cls)
        self._variables = variables

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        raise NotImplementedError  # __call__ reads every group at once

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for group_name, group in _groups(self.settings_cls).items():
            for name, field in group.model_fields.items():
                raw = self._variables.env_vars.get(str(field.validation_alias).lower())
                if raw is None:
                    continue
                try:
                    value = self._variables.prepare_field_value(name, field, raw, False)
                except ValueError:
                    value = raw  # not JSON: validation then names the variable
                found.setdefault(group_name, {})[name] = value
        return found


def _groups(settings_cls: type[BaseModel]) -> dict[str, type[Group]]:
    return {
        name: field.annotation
        for name, field in settings_cls.model_fields.items()
        if isinstance(field.annotation, type) and issubclass(field.annotation, Group)
    }


class Settings(BaseSettings):
    """Every knob cinepass has, by concern: `settings.tokens.access_ttl_seconds` is read from
    `CINEPASS_ACCESS_TOKEN_TTL_SECONDS` (each field's alias names its variable)."""

    # Errors never repeat a value: an SMTP URL or a key may hold a secret.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="forbid", hide_input_in_errors=True
    )

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    tokens: TokenSettings = Field(default_factory=TokenSettings)
    signing_keys: SigningKeySettings = Field(default_factory=SigningKeySettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    requests: RequestSettings = Field(default_factory=RequestSettings)
    passwords: PasswordSettings = Field(default_factory=PasswordSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    admin: AdminSettings = Field(default_factory=AdminSettings)
    oidc: OidcSettings = Field(default_factory=OidcSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    second_factor: SecondFactorSettings = Field(default_factory=SecondFactorSettings)
    media: MediaSettings = Field(default_factory=MediaSettings)
    logging: LogSettings = Field(default_factory=LogSettings)
    observability: ObservabilitySettings = Field(default_factory=ObservabilitySettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        assert isinstance(env_settings, EnvSettingsSource)
        assert isinstance(dotenv_settings, EnvSettingsSource)
        return (
            init_settings,
            _GroupedVariables(settings_cls, env_settings),
            _GroupedVariables(settings_cls, dotenv_settings),
        )

    @model_validator(mode="wrap")
    @classmethod
    def _errors_name_variables(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """Report `CINEPASS_ACCESS_TOKEN_TTL_SECONDS`, not `tokens.access_ttl_seconds`."""
        try:
            return handler(data)
        except ValidationError as exc:
            details: list[InitErrorDetails] = [
                {
                    "type": error["type"],
                    "loc": _variable_loc(error["loc"]),
                    "input": error["input"],
                    "ctx": error.get("ctx", {}),
                }
                for error in exc.errors()
            ]
            raise ValidationError.from_exception_data(cls.__name__, details) from None


def _variable_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """An error location with its (group, field) head replaced by the variable's name."""
    groups = _groups(Settings)
    if len(loc) >= 2 and loc[0] in groups:
        field = groups[str(loc[0])].model_fields.get(str(loc[1]))
        if field is not None:
            return (str(field.validation_alias), *loc[2:])
    return loc


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once. Tests build their own `Settings` instead."""
    return Settings()
