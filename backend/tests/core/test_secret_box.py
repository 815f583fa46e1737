"""SecretBox: sealed values open, legacy plain text passes, a wrong key is refused, keys rotate."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from app.config import Settings
from app.core.secret_box import PREFIX, SecretBox, UnreadableSecret, secret_box


def new_key() -> str:
    return Fernet.generate_key().decode()


def test_a_sealed_value_opens_to_its_text() -> None:
    box = SecretBox(new_key())
    sealed = box.seal("https://discord.com/api/webhooks/1/token")
    assert sealed.startswith("enc:v1:") and "discord" not in sealed
    assert SecretBox.is_sealed(sealed) and not SecretBox.is_sealed("https://discord.com")
    assert box.open(sealed) == "https://discord.com/api/webhooks/1/token"
    assert box.seal("same") != box.seal("same")  # a fresh IV each time: equal secrets do not look equal


def test_legacy_plain_text_is_returned_unchanged() -> None:
    assert SecretBox(new_key()).open("+14155550100") == "+14155550100"


def test_a_value_no_key_opens_is_refused_clearly() -> None:
    sealed = SecretBox(new_key()).seal("secret")
    other = SecretBox(new_key())
    with pytest.raises(UnreadableSecret, match="CRYPTOMON_SECRETS_KEY"):
        other.open(sealed)
    with pytest.raises(UnreadableSecret):
        other.open(PREFIX + "not-a-token")
    with pytest.raises(UnreadableSecret):
        other.reseal(sealed)


def test_rotation_opens_old_values_and_seals_with_the_new_key() -> None:
    old, new = new_key(), new_key()
    sealed_before = SecretBox(old).seal("secret")
    rotated = SecretBox(f"{new}, {old}")
    assert rotated.open(sealed_before) == "secret"

    fresh = rotated.seal("secret")
    assert SecretBox(new).open(fresh) == "secret"
    with pytest.raises(UnreadableSecret):
        SecretBox(old).open(fresh)

    resealed = rotated.reseal(sealed_before)
    assert resealed != sealed_before and SecretBox(new).open(resealed) == "secret"
    assert rotated.reseal(resealed) == resealed  # already under the first key: left as it is
    assert SecretBox(new).open(rotated.reseal("plain")) == "plain"


@pytest.mark.parametrize("keys", ["not-a-fernet-key", " , ", ""])
def test_a_setting_without_a_usable_key_is_refused(keys: str) -> None:
    with pytest.raises(ValueError, match="CRYPTOMON_SECRETS_KEY"):
        SecretBox(keys)


def test_embedded_generates_and_keeps_its_key(tmp_path: Path) -> None:
    first = Settings(_env_file=None, data_dir=tmp_path).resolved_secrets_key  # type: ignore[call-arg]
    Fernet(first)
    again = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert again.resolved_secrets_key == first
    assert oct((tmp_path / "secrets_key").stat().st_mode)[-3:] == "600"
    assert secret_box(again).open(SecretBox(first).seal("kept")) == "kept"


def test_cluster_refuses_to_run_without_a_key(tmp_path: Path) -> None:
    cluster = {"_env_file": None, "data_dir": tmp_path, "redis_url": "redis://127.0.0.1:6379/0"}
    with pytest.raises(RuntimeError, match="CRYPTOMON_SECRETS_KEY"):
        secret_box(Settings(**cluster))
    assert not (tmp_path / "secrets_key").exists()
    key = new_key()
    assert secret_box(Settings(**cluster, secrets_key=key)).open(SecretBox(key).seal("x")) == "x"
