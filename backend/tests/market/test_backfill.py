"""Backfill: idempotent, resumable, from the replay and from Binance's recorded klines."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.config import Settings
from app.core.bootstrap import build_runtime
from app.core.errors import AppError, ErrorCode
from app.core.runtime import Runtime
from app.market.backfill import backfill
from app.market.models import PriceCandle

KLINES = (
    Path(__file__).resolve().parents[1] / "fixtures" / "api" / "binance" / "api_v3_klines_BTCUSDT_1h.json"
)


async def _count(runtime: Runtime, source: str, interval: str = "1h") -> int:
    async with runtime.db.session() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(PriceCandle)
                .where(PriceCandle.source == source, PriceCandle.interval == interval)
            )
            or 0
        )


async def test_replay_backfill_is_idempotent(settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime:
        start = datetime(2026, 10, 1, tzinfo=UTC)
        end = datetime(2026, 11, 1, tzinfo=UTC)
        first = await backfill(runtime, "btc-usd", "1h", start, end, "replay")
        assert first.stored == 31 * 24 == await _count(runtime, "replay")
        again = await backfill(runtime, "BTC-USD", "1h", start, end, "replay")
        assert again.stored == 0 and await _count(runtime, "replay") == 31 * 24


async def test_interrupted_backfill_resumes(
    embedded_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.market import backfill as module

    monkeypatch.setattr(module, "WINDOW", 100)
    async with build_runtime(embedded_settings, role="cli") as runtime:
        start, end = datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC)
        calls = 0
        real = module.repository.upsert_candles

        async def failing_third(session, rows):  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 1
            if calls == 3:
                raise ConnectionError("database went away")
            return await real(session, rows)

        monkeypatch.setattr(module.repository, "upsert_candles", failing_third)
        with pytest.raises(ConnectionError):
            await backfill(runtime, "BTC-USD", "1h", start, end, "replay")
        assert await _count(runtime, "replay") == 200
        monkeypatch.setattr(module.repository, "upsert_candles", real)
        resumed = await backfill(runtime, "BTC-USD", "1h", start, end, "replay")
        assert resumed.resumed_from == datetime(2026, 9, 9, 8, tzinfo=UTC)  # after the 200th hour
        assert await _count(runtime, "replay") == 30 * 24


def _binance_klines(request: httpx.Request) -> httpx.Response:
    """Binance's /api/v3/klines over the recorded 1,000 hours, honouring startTime, endTime and limit."""
    rows = json.loads(KLINES.read_text())
    params = request.url.params
    start, end = int(params["startTime"]), int(params.get("endTime", 2**62))
    page = [r for r in rows if start <= r[0] <= end][: int(params["limit"])]
    return httpx.Response(200, json=page)


async def test_binance_backfill_pages_through_klines(settings: Settings) -> None:
    rows = json.loads(KLINES.read_text())
    first, last = rows[0][0] // 1000, rows[-1][0] // 1000
    async with build_runtime(settings, role="cli") as runtime:
        seen: list[tuple[int, int]] = []
        result = await backfill(
            runtime,
            "BTC-USD",
            "1h",
            datetime.fromtimestamp(first, UTC),
            datetime.fromtimestamp(last, UTC),
            "binance",
            progress=lambda done, total: seen.append((done, total)),
            options={"transport": httpx.MockTransport(_binance_klines)},
        )
        assert result.stored == len(rows) - 1 == await _count(runtime, "binance")
        assert seen[-1][0] == seen[-1][1]
        async with runtime.db.session() as session:
            candle = (
                await session.scalars(select(PriceCandle).order_by(PriceCandle.timestamp).limit(1))
            ).one()
        assert str(candle.open) == rows[0][1].rstrip("0") and candle.timestamp.timestamp() == first


async def test_coingecko_only_serves_4h(embedded_settings: Settings) -> None:
    async with build_runtime(embedded_settings, role="cli") as runtime:
        with pytest.raises(AppError) as raised:
            await backfill(runtime, "BTC-USD", "1h", datetime(2026, 11, 1, tzinfo=UTC), None, "coingecko")
        assert raised.value.code == ErrorCode.INVALID_INTERVAL
        with pytest.raises(AppError) as raised:
            await backfill(runtime, "NOPE-USD", "4h", datetime(2026, 11, 1, tzinfo=UTC), None, "coingecko")
        assert raised.value.code == ErrorCode.INVALID_SYMBOL
