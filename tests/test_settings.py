"""Settings: each concern its own group, every CINEPASS_* variable read under its one name."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from cinepass.config import Group, OidcProvider, Settings, TrustedIssuer

# Two base64url 32-byte keys, as `cinepass` generates them.
MEDIA_KEYS = ("A" * 43, "B" * 42 + "A")
# Every variable cinepass reads, the value a user would write, and where it lands. The names
# are a contract with every deployment: a rename breaks them silently.
VARIABLES: dict[str, tuple[str, str, object]] = {
    "CINEPASS_DATABASE_URL": ("postgresql+asyncpg://u@h/db", "database.url", None),
    "CINEPASS_DATABASE_POOL_SIZE": ("3", "database.pool_size", 3),
    "CINEPASS_DATABASE_TIMEOUT_SECONDS": ("2.5", "database.timeout_seconds", 2.5),
    "CINEPASS_TOKEN_ISSUER": ("https://api.example", "tokens.issuer", None),
    "CINEPASS_TOKEN_AUDIENCE": ("aud", "tokens.audience", None),
    "CINEPASS_ACCESS_TOKEN_TTL_SECONDS": ("61", "tokens.access_ttl_seconds", 61),
    "CINEPASS_REFRESH_TOKEN_TTL_SECONDS": ("3601", "tokens.refresh_ttl_seconds", 3601),
    "CINEPASS_REMEMBER_ME_TTL_SECONDS": ("86401", "tokens.remember_me_ttl_seconds", 86401),
    "CINEPASS_REVOCATION_POLL_SECONDS": ("0.5", "tokens.revocation_poll_seconds", 0.5),
    "CINEPASS_SIGNING_ALGORITHM": ("ES256", "signing_keys.algorithm", None),
    "CINEPASS_KEY_REFRESH_SECONDS": ("7", "signing_keys.refresh_seconds", 7.0),
    "CINEPASS_KEY_ENCRYPTION_KEY": (
        "new, old",
        "signing_keys.encryption_keys",
        [SecretStr("new"), SecretStr("old")],
    ),
    "CINEPASS_REDIS_URL": ("redis://127.0.0.1:6379/2", "redis.url", None),
    "CINEPASS_SIGNIN_FAILURES_PER_ACCOUNT": (
        "4 per minute",
        "limits.signin_failures_per_account",
        None,
    ),
    "CINEPASS_SIGNIN_FAILURES_PER_ADDRESS": (
        "9 per minute",
        "limits.signin_failures_per_address",
        None,
    ),
    "CINEPASS_SIGNUP_PER_ADDRESS": ("2 per hour", "limits.signup_per_address", None),
    "CINEPASS_REFRESH_PER_ADDRESS": ("8 per minute", "limits.refresh_per_address", None),
    "CINEPASS_PASSKEY_CEREMONIES_PER_ADDRESS": (
        "5 per minute",
        "limits.passkey_ceremonies_per_address",
        None,
    ),
    "CINEPASS_PASSWORD_RESET_PER_ACCOUNT": (
        "2 per hour",
        "limits.password_reset_per_account",
        None,
    ),
    "CINEPASS_ACCOUNT_MAIL_PER_ADDRESS": ("7 per hour", "limits.account_mail_per_address", None),
    "CINEPASS_ACCOUNT_MAIL_PER_ACCOUNT": ("1 per hour", "limits.account_mail_per_account", None),
    "CINEPASS_SIGNUP_REQUIRES_API_KEY": ("false", "limits.signup_requires_api_key", False),
    "CINEPASS_REQUEST_BODY_MAX_BYTES": ("2048", "requests.body_max_bytes", 2048),
    "CINEPASS_REQUEST_IMPORT_BODY_MAX_BYTES": (
        "2097152",
        "requests.import_body_max_bytes",
        2097152,
    ),
    "CINEPASS_REQUEST_JSON_MAX_DEPTH": ("8", "requests.json_max_depth", 8),
    "CINEPASS_TRUSTED_PROXIES": ('["10.0.0.1"]', "requests.trusted_proxies", ["10.0.0.1"]),
    "CINEPASS_ARGON2_MEMORY_KIB": ("20000", "passwords.argon2_memory_kib", 20000),
    "CINEPASS_ARGON2_TIME_COST": ("3", "passwords.argon2_time_cost", 3),
    "CINEPASS_API_URL": ("http://api.internal:8000", "api.url", None),
    "CINEPASS_PUBLIC_URL": ("https://api.example", "api.public_url", None),
    "CINEPASS_ADMIN_API_KEY": ("cpk_admin", "admin.api_key", SecretStr("cpk_admin")),
    "CINEPASS_ADMIN_EMAIL": ("ada@example.com", "admin.email", None),
    "CINEPASS_ADMIN_PASSWORD": ("a password", "admin.password", SecretStr("a password")),
    "CINEPASS_ADMIN_OTP": ("123456", "admin.otp", SecretStr("123456")),
    "CINEPASS_OIDC_TRUSTED_ISSUERS": (
        '[{"issuer": "https://accounts.google.com", "audiences": ["web"]}]',
        "oidc.trusted_issuers",
        [TrustedIssuer(issuer="https://accounts.google.com", audiences=["web"])],
    ),
    "CINEPASS_OIDC_PROVIDERS": (
        '[{"id": "google", "client_id": "web", "client_secret": "s"}]',
        "oidc.providers",
        [OidcProvider(id="google", client_id="web", client_secret=SecretStr("s"))],
    ),
    "CINEPASS_OIDC_TIMEOUT_SECONDS": ("3", "oidc.timeout_seconds", 3.0),
    "CINEPASS_WEB_ORIGIN": ("https://cinepass.example", "web.origin", None),
    "CINEPASS_PUBLIC_API_KEY": ("cpk_web", "web.public_api_key", SecretStr("cpk_web")),
    "CINEPASS_WEB_SESSION_KEYS": (
        '["k1", "k2"]',
        "web.session_keys",
        [SecretStr("k1"), SecretStr("k2")],
    ),
    "CINEPASS_WEB_STATIC_DIR": ("/srv/spa", "web.static_dir", Path("/srv/spa")),
    "CINEPASS_SMTP_URL": (
        "smtp+starttls://ana:contraseña@mail.example:587",
        "mail.smtp_url",
        SecretStr("smtp+starttls://ana:contraseña@mail.example:587"),
    ),
    "CINEPASS_MAIL_FROM": ("Cinépass <hola@cinepass.example>", "mail.sender", None),
    "CINEPASS_MAIL_DIR": ("/srv/mail", "mail.directory", Path("/srv/mail")),
    "CINEPASS_SMTP_TIMEOUT_SECONDS": ("4", "mail.timeout_seconds", 4.0),
    "CINEPASS_MAIL_MAX_ATTEMPTS": ("3", "mail.max_attempts", 3),
    "CINEPASS_MAIL_RETRY_SECONDS": ("2.5", "mail.retry_seconds", 2.5),
    "CINEPASS_MAIL_POLL_SECONDS": ("0.5", "mail.poll_seconds", 0.5),
    "CINEPASS_WEBAUTHN_RP_ID": ("cinepass.example", "second_factor.webauthn_rp_id", None),
    "CINEPASS_WEBAUTHN_RP_NAME": ("Cinepass ñ", "second_factor.webauthn_rp_name", None),
    "CINEPASS_TOTP_ISSUER": ("Cinepass Año", "second_factor.totp_issuer", None),
    "CINEPASS_ADMIN_REQUIRES_MFA": ("true", "second_factor.admin_requires_mfa", True),
    "CINEPASS_WEB_API_TIMEOUT_SECONDS": ("4", "web.api_timeout_seconds", 4.0),
    "CINEPASS_WEB_REQUEST_BODY_MAX_BYTES": ("4096", "web.body_max_bytes", 4096),
    "CINEPASS_WEB_IMPORT_BODY_MAX_BYTES": ("2097152", "web.import_body_max_bytes", 2097152),
    "CINEPASS_WEB_TRUSTED_PROXIES": ('["10.0.0.2"]', "web.trusted_proxies", ["10.0.0.2"]),
    "CINEPASS_MEDIA_DIR": ("/srv/películas", "media.dir", Path("/srv/películas")),
    "CINEPASS_MEDIA_URL_KEYS": (
        f"{MEDIA_KEYS[0]}, {MEDIA_KEYS[1]}",
        "media.url_keys",
        [SecretStr(MEDIA_KEYS[0]), SecretStr(MEDIA_KEYS[1])],
    ),
    "CINEPASS_MEDIA_URL_TTL_SECONDS": ("120", "media.url_ttl_seconds", 120),
    "CINEPASS_LOG_FORMAT": ("json", "logging.format", None),
    "CINEPASS_LOG_LEVEL": ("DEBUG", "logging.level", None),
    "CINEPASS_METRICS_ADDRESS": ("127.0.0.1:9464", "observability.metrics_address", None),
    "CINEPASS_METRICS_PUBLIC": ("true", "observability.metrics_public", True),
    "CINEPASS_OTEL_ENDPOINT": ("http://127.0.0.1:4318", "observability.otel_endpoint", None),
    "CINEPASS_AUDIT_ENABLED": ("false", "audit.enabled", False),
    "CINEPASS_AUDIT_RETENTION_DAYS": ("30", "audit.retention_days", 30),
    "CINEPASS_CACHE_ENABLED": ("false", "cache.enabled", False),
    "CINEPASS_CACHE_POLL_SECONDS": ("0.25", "cache.poll_seconds", 0.25),
    "CINEPASS_CACHE_MAX_BYTES": ("2097152", "cache.max_bytes", 2097152),
}


def _at(settings: Settings, path: str) -> object:
    group, field = path.split(".")
    return getattr(getattr(settings, group), field)


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No CINEPASS_* variable set and no .env file: only what a test sets is read."""
    for name in list(os.environ):
        if name.startswith("CINEPASS_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_setting_has_one_variable_in_the_table() -> None:
    fields = {
        f"{group}.{name}": str(field.validation_alias)
        for group, group_field in Settings.model_fields.items()
        for name, field in _group(group_field.annotation).model_fields.items()
    }
    assert {path: name for name, (_, path, _) in VARIABLES.items()} == fields


def _group(annotation: object) -> type[Group]:
    assert isinstance(annotation, type), annotation
    assert issubclass(annotation, Group), annotation
    return annotation


def test_every_variable_is_read_under_its_name_into_its_group(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, (raw, _, _) in VARIABLES.items():
        monkeypatch.setenv(name, raw)
    settings = Settings()
    for name, (raw, path, expected) in VARIABLES.items():
        assert _at(settings, path) == (raw if expected is None else expected), name


def test_a_field_is_not_read_under_its_own_name(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CINEPASS_ACCESS_TTL_SECONDS", "61")
    monkeypatch.setenv("CINEPASS_URL", "postgresql+asyncpg://u@h/db")
    monkeypatch.setenv("ACCESS_TTL_SECONDS", "61")
    settings = Settings()
    assert settings.tokens.access_ttl_seconds == 15 * 60
    assert settings.database.url.startswith("sqlite")


def test_the_env_file_is_read_and_the_environment_wins(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_environment / ".env").write_text(
        "CINEPASS_ACCESS_TOKEN_TTL_SECONDS=61\n"
        'CINEPASS_TRUSTED_PROXIES=["10.0.0.1"]\n'
        "CINEPASS_KEY_ENCRYPTION_KEY=new,old\n"
        "CINEPASS_WEB_ORIGIN=https://from-the-file.example\n"
        "OTHER_TOOL_SETTING=1\n"
    )
    monkeypatch.setenv("CINEPASS_WEB_ORIGIN", "https://from-the-environment.example")
    settings = Settings()
    assert settings.tokens.access_ttl_seconds == 61
    assert settings.requests.trusted_proxies == ["10.0.0.1"]
    assert settings.signing_keys.encryption_keys == [SecretStr("new"), SecretStr("old")]
    assert settings.web.origin == "https://from-the-environment.example"


def test_code_sets_a_group_by_field_name_over_the_environment(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CINEPASS_ACCESS_TOKEN_TTL_SECONDS", "61")
    monkeypatch.setenv("CINEPASS_TOKEN_AUDIENCE", "from-the-environment")
    settings = Settings(tokens={"access_ttl_seconds": 2})
    assert settings.tokens.access_ttl_seconds == 2
    assert settings.tokens.audience == "from-the-environment"


def test_a_misspelt_setting_in_code_is_refused_not_ignored(clean_environment: Path) -> None:
    with pytest.raises(ValidationError, match="access_ttl"):
        Settings(tokens={"access_ttl": 2})
    with pytest.raises(ValidationError, match="database_url"):
        Settings(database_url="sqlite+aiosqlite:///x.db")


@pytest.mark.parametrize(
    ("name", "raw", "where"),
    [
        ("CINEPASS_ACCESS_TOKEN_TTL_SECONDS", "soon", r"CINEPASS_ACCESS_TOKEN_TTL_SECONDS\n"),
        ("CINEPASS_DATABASE_POOL_SIZE", "0", r"CINEPASS_DATABASE_POOL_SIZE\n"),
        ("CINEPASS_SIGNING_ALGORITHM", "HS256", r"CINEPASS_SIGNING_ALGORITHM\n"),
        ("CINEPASS_TRUSTED_PROXIES", "127.0.0.1", r"CINEPASS_TRUSTED_PROXIES\n"),
        ("CINEPASS_OIDC_PROVIDERS", '[{"id": "x"}]', r"CINEPASS_OIDC_PROVIDERS\.0\.client_id\n"),
        ("CINEPASS_SMTP_URL", "smtp+ssl://mail.example", r"CINEPASS_SMTP_URL\n.*smtps://"),
        ("CINEPASS_SMTP_URL", "smtp://mail.example:25x", r"CINEPASS_SMTP_URL\n"),
        ("CINEPASS_MAIL_FROM", "no-reply", r"CINEPASS_MAIL_FROM\n"),
        ("CINEPASS_MAIL_FROM", "a@example.com, b@example.com", r"CINEPASS_MAIL_FROM\n"),
    ],
)
def test_a_bad_value_names_its_variable(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch, name: str, raw: str, where: str
) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(ValidationError) as raised:
        Settings()
    assert re.search(where, str(raised.value)), str(raised.value)


def test_a_bad_value_is_not_repeated_in_the_error(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SMTP URL carries its password: a typo in it must not print the password."""
    monkeypatch.setenv("CINEPASS_SMTP_URL", "smtp+tls://ana:contraseña-secreta@mail.example")
    with pytest.raises(ValidationError) as raised:
        Settings()
    assert "CINEPASS_SMTP_URL" in str(raised.value)
    assert "contraseña-secreta" not in str(raised.value)


def test_an_empty_smtp_url_is_unset_so_mail_goes_to_files(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CINEPASS_SMTP_URL", " ")
    assert Settings().mail.smtp_url is None


def test_a_bad_value_given_in_code_names_its_variable(clean_environment: Path) -> None:
    with pytest.raises(ValidationError, match=r"CINEPASS_ACCESS_TOKEN_TTL_SECONDS\n"):
        Settings(tokens={"access_ttl_seconds": 0})


def test_the_readme_lists_every_variable_and_where_it_lands() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    listed: dict[str, str] = {}
    for row in table.splitlines():
        cells = row.split("|")
        if len(cells) > 2 and "`CINEPASS_" in cells[1]:
            names = re.findall(r"`(CINEPASS_\w+)`", cells[1])
            paths = re.findall(r"`(\w+\.\w+)`", cells[2])
            listed.update(zip(names, paths, strict=True))
    assert listed == {name: path for name, (_, path, _) in VARIABLES.items()}


def test_media_url_keys_are_a_list_in_either_spelling_and_must_be_keys(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CINEPASS_MEDIA_URL_KEYS", json.dumps(list(MEDIA_KEYS)))
    assert [k.get_secret_value() for k in Settings().media.url_keys] == list(MEDIA_KEYS)
    monkeypatch.setenv("CINEPASS_MEDIA_URL_KEYS", f"{MEDIA_KEYS[0]},contraseña")
    with pytest.raises(ValidationError) as caught:
        Settings()
    (error,) = caught.value.errors()
    assert error["loc"] == ("CINEPASS_MEDIA_URL_KEYS",)
    assert "32 bytes, base64url-encoded" in error["msg"]
    assert "contraseña" not in str(caught.value)


@pytest.mark.parametrize("address", ["0.0.0.0:9464", "10.1.2.3:9464", "metrics.example:9464"])
def test_metrics_leave_loopback_only_when_meant(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    monkeypatch.setenv("CINEPASS_METRICS_ADDRESS", address)
    with pytest.raises(ValidationError, match="CINEPASS_METRICS_PUBLIC"):
        Settings()
    monkeypatch.setenv("CINEPASS_METRICS_PUBLIC", "true")
    assert Settings().observability.metrics_address == address


@pytest.mark.parametrize("address", ["9464", "127.0.0.1", "127.0.0.1:puerto", "[::1]:70000"])
def test_a_metrics_address_is_host_and_port(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    monkeypatch.setenv("CINEPASS_METRICS_ADDRESS", address)
    with pytest.raises(ValidationError, match="CINEPASS_METRICS_ADDRESS"):
        Settings()
