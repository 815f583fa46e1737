"""Registry of market data sources: one module each, registered under its name."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from app.market.sources.base import Source, SourceFactory, TickSink

SOURCE_MODULES = {
    "replay": "app.market.sources.replay",
    "simulator": "app.market.sources.simulator",
    "peg": "app.market.sources.peg",
    "binance": "app.market.sources.binance",
    "coinbase": "app.market.sources.coinbase",
    "coingecko": "app.market.sources.coingecko",
    "coinmarketcap": "app.market.sources.coinmarketcap",
}

_FACTORIES: dict[str, SourceFactory] = {}


def register(name: str) -> Callable[[SourceFactory], SourceFactory]:
    def add(factory: SourceFactory) -> SourceFactory:
        _FACTORIES[name] = factory
        return factory

    return add


def get_factory(name: str) -> SourceFactory:
    if name not in SOURCE_MODULES:
        raise ValueError(f"unknown market source {name!r}; known: {', '.join(SOURCE_MODULES)}")
    importlib.import_module(SOURCE_MODULES[name])
    return _FACTORIES[name]


__all__ = ["Source", "SourceFactory", "TickSink", "get_factory", "register"]
