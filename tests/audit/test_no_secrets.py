"""No password, token, API key secret, TOTP secret or recovery code reaches the audit trail:
a broad scenario runs, then every column of every row is searched for every secret used."""

from __future__ import annotations

import json

from tests.audit.conftest import email, rows
from tests.cli.conftest import Cli
from tests.conftest import ADMIN_PASSWORD, KEY_ENCRYPTION_KEY
from tests.mfa.conftest import code_at
from tests.support import Api, bearer

PASSWORD = "contraseña ñandú 🎬"
NEW_PASSWORD = "otra contraseña, más larga: ñandú 🎞️"
WRONG = "contraseña equivocada 🙈"


def test_no_secret_the_suite_used_is_in_any_audit_row(api: Api, cli: Cli) -> None:
    secrets = {PASSWORD, NEW_PASSWORD, WRONG, ADMIN_PASSWORD, KEY_ENCRYPTION_KEY}
    secrets |= {api.admin_key, api.public_key}
    address = email()
    api.sign_up(address, PASSWORD)
    signed = api.sign_in(address, PASSWORD).json()
    secrets |= {signed["token"], signed["refreshToken"]}
    assert api.sign_in(address, WRONG).status_code == 401
    body = {"refreshToken": signed["refreshToken"], "apiKeyToken": api.public_key}
    rotated = api.http.post("/api/auth/refresh", json=body).json()
    secrets |= {rotated["token"], rotated["refreshToken"]}
    assert api.http.post("/api/auth/refresh", json=body).status_code == 401  # reuse
    token = api.token(address, PASSWORD)
    secrets.add(token)
    setup = api.http.post("/api/auth/mfa/totp", headers=bearer(token)).json()["data"]
    secrets.add(setup["secret"])
    code = code_at(setup["secret"])
    secrets.add(code)
    confirmed = api.http.post(
        "/api/auth/mfa/totp/confirm", json={"code": code}, headers=bearer(token)
    )
    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["data"]["codes"]
    secrets |= set(codes)
    mfa_token = api.sign_in(address, PASSWORD).json()["mfaToken"]
    secrets.add(mfa_token)
    done = api.http.post(
        "/api/auth/sign-in/mfa",
        json={"mfaToken": mfa_token, "code": codes[0], "apiKeyToken": api.public_key},
    ).json()
    secrets |= {done["token"], done["refreshToken"]}
    renewed = api.http.post(
        "/api/auth/mfa/recovery-codes", json={"code": codes[1]}, headers=bearer(done["token"])
    )
    assert renewed.status_code == 200, renewed.text
    secrets |= set(renewed.json()["data"]["codes"])
    changed = api.http.post(
        "/api/auth/password",
        json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        headers=bearer(done["token"]),
    )
    assert changed.status_code in (200, 204), changed.text
    created = json.loads(
        cli.ok("api-keys", "create", "--name", "Clave ñ", "--preset", "public", "--json").stdout
    )
    secrets.add(created["token"])
    secrets.add(api.admin_token())

    everything = rows(api)
    assert len(everything) >= 10
    actions = {str(value) for row in everything for value in row}
    assert {"auth.refresh_reuse", "mfa.enabled", "api_key.created"} <= actions
    for row in everything:
        for value in row:
            text = (
                value
                if isinstance(value, str)
                else json.dumps(value, ensure_ascii=False, default=str)
            )
            for secret in secrets:
                assert secret not in text, (secret, row)
