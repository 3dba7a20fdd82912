"""SECURITY.md items 19-20: keys rotate without a restart; old tokens verify until retired."""

from __future__ import annotations

from typing import Any

from cinepass.auth.signing_keys import KeyRing
from cinepass.config import Settings
from cinepass.db.engine import create_engine, create_sessionmaker
from cinepass.key_encryption import KeyEncryption
from tests.auth.forge import split
from tests.support import Api, bearer, eventually, run


def with_ring(settings: Settings, work: Any) -> Any:
    async def go() -> Any:
        engine = create_engine(settings)
        try:
            ring = KeyRing(
                create_sessionmaker(engine),
                settings.signing_keys.algorithm,
                KeyEncryption.from_settings(settings),
            )
            await ring.start()
            return await work(ring)
        finally:
            await engine.dispose()

    return run(go())


def kid_of(token: str) -> str:
    return str(split(token)[0]["kid"])


def status(api: Api, token: str) -> int:
    return api.http.get("/api/movies", headers=bearer(token)).status_code


def published(api: Api) -> set[str]:
    return {k["kid"] for k in api.http.get("/.well-known/jwks.json").json()["keys"]}


def test_rotation_and_retirement_without_a_restart(api: Api, settings: Settings) -> None:
    old_token = api.admin_token()
    old_kid = kid_of(old_token)
    new_kid = with_ring(settings, lambda ring: ring.rotate())
    assert new_kid != old_kid
    # The running server picks the new key up by itself and signs with it from then on.
    new_token = eventually(lambda: (t := api.admin_token()) and kid_of(t) == new_kid and t)
    assert eventually(lambda: {old_kid, new_kid} <= published(api))
    assert status(api, old_token) == 200, "tokens of the previous key keep verifying"
    assert status(api, new_token) == 200

    with_ring(settings, lambda ring: ring.retire(old_kid))
    assert eventually(lambda: status(api, old_token) == 401)
    assert old_kid not in published(api)
    assert status(api, new_token) == 200


def test_the_last_signing_key_cannot_be_retired(api: Api, settings: Settings) -> None:
    from cinepass.errors import BadRequest

    async def retire_all(ring: KeyRing) -> str:
        kids = [k["kid"] for k in ring.jwks()["keys"]]
        for kid in kids[:-1]:
            await ring.retire(kid)
        try:
            await ring.retire(kids[-1])
        except BadRequest as refused:
            return refused.message
        return "retired"

    assert "last signing key" in with_ring(settings, retire_all)
    assert status(api, api.admin_token()) == 200
