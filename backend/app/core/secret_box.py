"""Secrets at rest: Fernet tokens marked `enc:v1:`; of several keys the first seals and every one opens."""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from app.config import Settings

PREFIX = "enc:v1:"
GENERATE = "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"


class UnreadableSecret(ValueError):
    """A sealed value that none of the configured keys opens."""


class SecretBox:
    """Seals text with the first of `keys` (comma-separated Fernet keys) and opens it with any of them."""

    def __init__(self, keys: str) -> None:
        parts = [key.strip() for key in keys.split(",") if key.strip()]
        try:
            fernets = [Fernet(key) for key in parts]
        except ValueError as exc:
            raise ValueError(
                f"CRYPTOMON_SECRETS_KEY: each key must be a Fernet key (generate one with: {GENERATE})"
            ) from exc
        if not fernets:
            raise ValueError(f"CRYPTOMON_SECRETS_KEY holds no key (generate one with: {GENERATE})")
        self._first = fernets[0]
        self._any = MultiFernet(fernets)

    @staticmethod
    def is_sealed(value: object) -> bool:
        return isinstance(value, str) and value.startswith(PREFIX)

    def seal(self, text: str) -> str:
        return PREFIX + self._first.encrypt(text.encode()).decode()

    def open(self, value: str) -> str:
        """The text of a sealed value; a value without the prefix is legacy plain text, returned as it is."""
        if not self.is_sealed(value):
            return value
        try:
            return self._any.decrypt(self._token(value)).decode()
        except InvalidToken as exc:
            raise UnreadableSecret(
                "A stored secret does not open with CRYPTOMON_SECRETS_KEY: set the key it was sealed with "
                "(after a rotation the old keys follow the new one, comma-separated)"
            ) from exc

    def reseal(self, value: str) -> str:
        """`value` sealed with the first key: plain text is sealed, a value of an older key is sealed again,
        one of the first key is returned as it is; UnreadableSecret when no key opens it."""
        if not self.is_sealed(value):
            return self.seal(value)
        try:
            self._first.decrypt(self._token(value))
        except InvalidToken:
            return self.seal(self.open(value))
        return value

    @staticmethod
    def _token(value: str) -> bytes:
        return value.removeprefix(PREFIX).encode()


@lru_cache(maxsize=8)
def _box_of(keys: str) -> SecretBox:
    return SecretBox(keys)


def secret_box(settings: Settings) -> SecretBox:
    """The box of the configured key(s); RuntimeError (from the settings) when a deployment needs one set."""
    return _box_of(settings.resolved_secrets_key)
