"""The replay on a fresh install: anchored once, history stored up to now, restarts add nothing."""

from __future__ import annotations

import asyncio
import itertools

from sqlalchemy import func, select

from app.config import Settings
from app.core.bootstrap import build_runtime
from app.core.clock import utcnow
from app.core.marketdata import align
from app.market.models import MarketState, PriceCandle
from app.market.replay_clock import history
from app.market.runner import MarketRunner


async def _run_once(settings: Settings) -> tuple[MarketRunner, dict]:
    async with build_runtime(settings, role="cli") as runtime:
        runner = MarketRunner(runtime, ["replay"])
        await runner.start()
        try:
            progress = runner.seeding["replay"]
            for _ in range(600):
                if "finishedAt" in progress or "error" in progress:
                    break
                await asyncio.sleep(0.05)
            assert "finishedAt" in progress, progress
            status = runner.status()
        finally:
            await runner.stop()
        async with runtime.db.session() as session:
            counts = dict(
                (
                    await session.execute(
                        select(PriceCandle.interval, func.count())
                        .where(PriceCandle.symbol == "BTC-USD")
                        .group_by(PriceCandle.interval)
                    )
                ).all()
            )
            stamps = list(
                await session.scalars(
                    select(PriceCandle.timestamp)
                    .where(PriceCandle.symbol == "BTC-USD", PriceCandle.interval == "1m")
                    .order_by(PriceCandle.timestamp)
                )
            )
            anchor = (await session.get(MarketState, "replay_anchor")).value["anchor"]  # type: ignore[union-attr]
            eth_minutes = await session.scalar(
                select(func.count()).where(PriceCandle.symbol == "ETH-USD", PriceCandle.interval == "1m")
            )
    return runner, {
        "counts": counts,
        "stamps": stamps,
        "anchor": anchor,
        "status": status,
        "eth_minutes": eth_minutes,
    }


async def test_fresh_install_replays_the_recent_past_and_restarts_cleanly(settings: Settings) -> None:
    # candle_flush_seconds is short so live bars are stored while history is still being written:
    # the history of the later symbols must not stop at those live bars.
    settings = settings.model_copy(
        update={"replay_symbols": ["BTC-USD", "ETH-USD", "SOL-USD"], "candle_flush_seconds": 0.05}
    )
    _, first = await _run_once(settings)
    assert first["eth_minutes"] > 28 * 1440
    now = utcnow().timestamp()
    stamps = [t.timestamp() for t in first["stamps"]]
    # the last 30 days of 1m bars, no gaps, no duplicates, up to the minute the replay started
    assert stamps[-1] >= align(now, "1m") - 120
    assert stamps[0] <= now - 28 * 86400
    assert all(b - a == 60 for a, b in itertools.pairwise(stamps))
    assert {"1m", "5m", "15m", "1h", "4h", "1d"} <= set(first["counts"])
    detail = first["status"]["details"]["replay"]["symbols"]["BTC-USD"]
    assert detail["summary"].startswith("replay of 2026-03-")

    _, second = await _run_once(settings)
    assert second["anchor"] == first["anchor"]
    for interval, count in first["counts"].items():
        # a restart adds at most the few bars that passed meanwhile, never a second copy
        assert count <= second["counts"][interval] <= count + 3


async def test_first_live_hour_bar_is_whole(embedded_settings: Settings) -> None:
    """The bar open at start-up is primed with the ticks before start-up, so it matches the recording."""
    settings = embedded_settings.model_copy(update={"replay_symbols": ["BTC-USD"]})
    async with build_runtime(settings, role="cli") as runtime:
        runner = MarketRunner(runtime, ["replay"])
        await runner.start()
        try:
            anchor = runner.sources["replay"].anchor  # type: ignore[attr-defined]
            now = utcnow().timestamp()
            hour = align(now, "1h")
            live = runner.pipeline.candles.current("BTC-USD", "replay", "1h")
            recorded = history("BTC-USD", "1m", hour, align(now, "1m"), anchor)
        finally:
            await runner.stop()
    if not recorded:  # started in the first minute of the hour: nothing to prime
        return
    assert live is not None and live.ts == hour
    assert live.open == recorded[0].open
    assert live.high >= max(c.high for c in recorded) and live.low <= min(c.low for c in recorded)
