"""The default deployment's market: every offered symbol gets prices, from a labelled source."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from app.config import Settings
from app.core.bootstrap import build_runtime
from app.core.clock import FrozenClock, set_clock
from app.market import recordings
from app.market.runner import MarketRunner
from app.market.sources.peg import pegged_symbols
from app.market.sources.simulator import simulated_symbols
from app.market.symbols import BUILTIN_ASSETS

START = datetime(2026, 5, 10, 16, 0, 20, tzinfo=UTC)  # 20 s into a minute: ticks since its start are due
STABLECOINS = {"USDT", "USDC"}


def defaults(settings: Settings) -> Settings:
    """The test deployment with the product's default market sources (the suite turns them off)."""
    return settings.model_copy(update={"market_sources": Settings.model_fields["market_sources"].get_default(
        call_default_factory=True
    )})  # fmt: skip


def test_the_default_sources_cover_every_builtin_symbol_once(settings: Settings) -> None:
    config = defaults(settings)
    assert config.market_sources == ["replay", "simulator", "peg"]
    replayed = set(recordings.symbols())
    simulated = set(simulated_symbols(config, BUILTIN_ASSETS))
    pegged = set(pegged_symbols(BUILTIN_ASSETS))
    assert pegged == STABLECOINS
    assert replayed | simulated | pegged == {a.symbol for a in BUILTIN_ASSETS}
    assert not (replayed & simulated) and not (simulated & pegged)
    # Stablecoins are never a random walk, even when asked for by name.
    asked = config.model_copy(update={"simulator_symbols": ["USDT", "usdc", "AVAX-USD"]})
    assert list(simulated_symbols(asked, BUILTIN_ASSETS)) == ["AVAX-USD"]


async def test_every_offered_symbol_gets_a_labelled_price_at_start(settings: Settings) -> None:
    clock = FrozenClock(START)
    previous = set_clock(clock)
    try:
        async with build_runtime(defaults(settings), role="cli") as runtime:
            runner = MarketRunner(runtime)
            await runner.start()
            try:
                offered = {a.symbol for a in runner.assets}
                for _ in range(400):  # the clock stands still: the ticks of 16:00:00-16:00:20 are due
                    if set(runner.pipeline.latest) >= offered:
                        break
                    await asyncio.sleep(0.01)
                latest = runner.pipeline.latest
                prices = {s: await runtime.cache.get(f"price:{s}") for s in offered}
            finally:
                await runner.stop()
    finally:
        set_clock(previous)
    assert set(latest) == offered
    by_source: dict[str, set[str]] = defaultdict(set)
    for symbol, sources in latest.items():
        assert len(sources) == 1, (symbol, sources)  # one source per symbol: no cross-source fights
        by_source[next(iter(sources))].add(symbol)
    assert by_source["replay"] == set(recordings.symbols())
    assert by_source["peg"] == STABLECOINS
    assert "AVAX-USD" in by_source["simulator"] and "DOT-USD" in by_source["simulator"]
    for coin in STABLECOINS:
        assert latest[coin]["peg"][0] == 1.0
        assert prices[coin] is not None and prices[coin]["price"] == 1.0 and prices[coin]["source"] == "peg"
    assert all(p is not None and p["price"] > 0 for p in prices.values())


@pytest.mark.parametrize("symbol", ["USDT", "USDC"])
async def test_peg_ticks_are_exactly_one_every_second(symbol: str) -> None:
    from app.market.sources.peg import live_block

    block = live_block([symbol], 100.0, 160.0)
    assert len(block) == 60 and set(block.price.tolist()) == {1.0} and set(block.volume.tolist()) == {0.0}
