"""The `cryptomon` command as a user runs it: migrate, create-user, serve with the demo account."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.config import Settings
from tests.conftest import settings_env

CRYPTOMON = str(Path(sys.executable).parent / "cryptomon")


def _run(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CRYPTOMON, *args], env=settings_env(settings), capture_output=True, text=True, timeout=120
    )


def test_migrate_and_create_user(settings: Settings) -> None:
    assert _run(settings, "migrate").returncode == 0
    created = _run(
        settings, "create-user", "--email", "Ops@Example.com", "--password", "long-password", "--admin"
    )
    assert created.returncode == 0, created.stderr
    assert "(admin)" in created.stdout
    again = _run(settings, "create-user", "--email", "ops@example.com", "--password", "long-password")
    assert again.returncode == 1 and "exists" in again.stderr
    weak = _run(settings, "create-user", "--email", "x@example.com", "--password", "short")
    assert weak.returncode != 0
    promoted = _run(settings, "set-role", "--email", "OPS@example.com", "--role", "moderator")
    assert promoted.returncode == 0 and "now moderator" in promoted.stdout, promoted.stderr
    assert _run(settings, "set-role", "--email", "nobody@example.com", "--role", "moderator").returncode == 1
    assert _run(settings, "set-role", "--email", "ops@example.com", "--role", "king").returncode != 0
    reset = _run(settings, "reset-2fa", "--email", "ops@example.com")
    assert reset.returncode == 0 and "is off" in reset.stdout, reset.stderr
    assert _run(settings, "reset-2fa", "--email", "nobody@example.com").returncode == 1


def _serve_once(settings: Settings, port: int) -> tuple[str, str]:
    env = settings_env(settings) | {"CRYPTOMON_DATABASE_URL": "", "CRYPTOMON_SECRET_KEY": ""}
    env = {k: v for k, v in env.items() if v}
    process = subprocess.Popen(
        [CRYPTOMON, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        demo = next(line for line in lines if line.startswith("demo account:"))
        email, password = demo.split()[2], demo.split()[4]
        for _ in range(100):
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/api/auth/login", json={"email": email, "password": password}
                )
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert response.status_code == 200, response.text
        assert response.json()["data"]["user"]["role"] == "admin"
        return email, password
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_prints_a_demo_account_that_is_kept_across_restarts(
    embedded_settings: Settings, tmp_path: Path
) -> None:
    settings = embedded_settings.model_copy(update={"data_dir": tmp_path / "fresh"})
    first = _serve_once(settings, 18931)
    second = _serve_once(settings, 18931)
    assert first == second
    stored = json.loads((tmp_path / "fresh" / "demo_credentials.json").read_text())
    assert stored == {"email": first[0], "password": first[1]}
    assert (tmp_path / "fresh" / "cryptomon.db").exists()


def test_backfill_command(embedded_settings: Settings) -> None:
    args = (
        "backfill",
        "--symbol",
        "ETH-USD",
        "--interval",
        "1d",
        "--from",
        "2026-06-01",
        "--to",
        "2026-07-01",
        "--source",
        "replay",
    )
    first = _run(embedded_settings, *args)
    assert first.returncode == 0, first.stderr
    assert "ETH-USD 1d: 30 candles stored from replay" in first.stdout
    assert "0 candles stored" in _run(embedded_settings, *args).stdout
    bad = _run(
        embedded_settings, "backfill", "--symbol", "NOPE-USD", "--interval", "1d", "--from", "2026-06-01"
    )
    assert bad.returncode == 1 and "Symbol NOPE-USD not found" in bad.stderr


def test_backtest_from_the_command_line(settings: Settings) -> None:
    assert _run(settings, "migrate").returncode == 0
    stored = _run(
        settings,
        "backfill",
        "--symbol",
        "BTC-USD",
        "--interval",
        "1h",
        "--from",
        "2025-01-01",
        "--to",
        "2025-07-01",
        "--source",
        "replay",
    )
    assert stored.returncode == 0, stored.stderr
    window = ["--symbol", "BTC-USD", "--interval", "1h", "--from", "2025-02-01", "--to", "2025-07-01"]
    one = _run(settings, "backtest", "--strategy", "RSI Mean Reversion", *window, "--param", "rsiPeriod=10")
    assert one.returncode == 0, one.stderr
    assert "totalReturn" in one.stdout and "sharpeRatio" in one.stdout and "3,600 bars" in one.stdout
    swept = _run(
        settings,
        "backtest",
        "--strategy",
        "SMA Crossover",
        *window,
        "--sweep",
        "fastPeriod=5:20:5",
        "--sweep",
        "slowPeriod=30:60:10",
        "--metric",
        "totalReturn",
    )
    assert swept.returncode == 0, swept.stderr
    assert "best by totalReturn" in swept.stdout and "fastPeriod=" in swept.stdout
    bad = _run(settings, "backtest", "--strategy", "Moon Shot", *window)
    assert bad.returncode == 1 and "strategyName" in bad.stderr
