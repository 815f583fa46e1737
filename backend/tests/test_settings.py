"""Settings: every variable documented in .env.example; no production secret default."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_env_example_lists_every_setting() -> None:
    text = ENV_EXAMPLE.read_text()
    missing = [name for name in Settings.model_fields if f"CRYPTOMON_{name.upper()}=" not in text]
    assert missing == []


def test_cluster_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, redis_url="redis://127.0.0.1:6379/0")
    with pytest.raises(RuntimeError, match="CRYPTOMON_SECRET_KEY"):
        _ = settings.resolved_secret_key


def test_embedded_generates_and_keeps_its_secret(tmp_path: Path) -> None:
    first = Settings(_env_file=None, data_dir=tmp_path).resolved_secret_key
    assert len(first) >= 40
    assert Settings(_env_file=None, data_dir=tmp_path).resolved_secret_key == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
