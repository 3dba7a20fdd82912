"""Secrets at rest: key-encryption keys (KEKs) that seal the signing keys kept in the database.

A sealed value reads `kek1.<kek id>.<base64url(nonce | AES-256-GCM ciphertext)>`; the associated
data binds it to its row (the key's kid), so a sealed key copied onto another row does not open.
"""

from __future__ import annotations

from pathlib import Path

from cinepass import base64url
from cinepass.config import Settings
from cinepass.sealing import Sealer, Unsealable, key_id, load_or_create_key, read_key

KEK_FILE = Path("var/key-encryption.key")
_PREFIX = "kek1"

REWRAP_HINT = (
    "set CINEPASS_KEY_ENCRYPTION_KEY to the key-encryption key the signing keys were sealed"
    " with (a new key first, then the old one: `new,old`), then run `cinepass keys rewrap`"
)


class KeyDecryptionError(Exception):
    """A sealed key that no configured key-encryption key opens."""

    def __init__(self, message: str, hint: str = REWRAP_HINT):
        self.message = message
        self.hint = hint
        super().__init__(f"{message}; {hint}")


# The public name of a KEK, as sealed values and errors give it.
kek_id = key_id


class KeyEncryption:
    """Seals with the first key-encryption key; opens with any of them (rotation)."""

    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError("key encryption needs at least one key")
        try:
            self._sealer = Sealer([read_key(k) for k in keys])
        except ValueError:
            raise KeyDecryptionError(
                "CINEPASS_KEY_ENCRYPTION_KEY holds a value that is not a 32-byte base64url key",
                'generate one with `python -c "import secrets,base64;print(base64.'
                "urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip('='))\"`",
            ) from None
        self.current = self._sealer.current

    @classmethod
    def from_settings(cls, settings: Settings, *, create: bool = True) -> KeyEncryption:
        """The configured KEKs; without any, the one in var/ (made on first start unless
        `create` is false: an operator's command must not seal with a key no server has).

        When both exist, the file's key still opens (after the configured ones), so that
        moving from the file to the setting is: set it, then `cinepass keys rewrap`.
        """
        configured = [k.get_secret_value() for k in settings.signing_keys.encryption_keys]
        if not configured:
            if not create and not KEK_FILE.exists():
                raise KeyDecryptionError(
                    f"no key-encryption key: CINEPASS_KEY_ENCRYPTION_KEY is unset and there is"
                    f" no {KEK_FILE}",
                    "set CINEPASS_KEY_ENCRYPTION_KEY as the API server has it, or run the"
                    " command in the API server's directory",
                )
            return cls([load_or_create_key(KEK_FILE)])
        if KEK_FILE.exists():
            configured.append(KEK_FILE.read_text().strip())
        return cls(configured)

    def seal(self, plain: bytes, label: str) -> str:
        return f"{_PREFIX}.{self.current}.{base64url.encode(self._sealer.seal(plain, label))}"

    @staticmethod
    def sealed_by(value: str) -> str | None:
        """The id of the KEK that sealed `value`, or None if it is not a sealed value."""
        parts = value.split(".")
        return parts[1] if len(parts) == 3 and parts[0] == _PREFIX else None

    def open(self, value: str, label: str) -> bytes:
        which = self.sealed_by(value)
        if which is None:
            raise KeyDecryptionError(f"signing key {label} is not a sealed value")
        if not self._sealer.knows(which):
            raise KeyDecryptionError(
                f"signing key {label} was sealed with key-encryption key {which},"
                " which is not configured"
            )
        try:
            return self._sealer.open(base64url.decode(value.split(".")[2]), label, which=which)
        except (ValueError, Unsealable) as exc:
            raise KeyDecryptionError(
                f"signing key {label} does not open with key-encryption key {which}"
                " (tampered or damaged)"
            ) from exc
