"""The strategy registry: built-in strategies by name (case- and separator-insensitive), one file each."""

from __future__ import annotations

import re

from app.backtesting.strategies import bollinger, ma_crossover, macd_crossover, rsi_mean_reversion
from app.backtesting.strategies.base import Param, Signals, Strategy, StrategyError

BUILT_IN: tuple[Strategy, ...] = (
    rsi_mean_reversion.STRATEGY,
    macd_crossover.STRATEGY,
    ma_crossover.SMA_CROSSOVER,
    ma_crossover.EMA_CROSSOVER,
    bollinger.MEAN_REVERSION,
    bollinger.BREAKOUT,
)
RULES = "Rules"  # entry and exit written as formulas (app.backtesting.rules)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_BY_KEY = {_key(s.name): s for s in BUILT_IN}


def find(name: str) -> Strategy | None:
    """The built-in strategy called `name` ("RSI Mean Reversion", "rsi-mean-reversion"...), else None."""
    return _BY_KEY.get(_key(name))


def is_rules(name: str) -> bool:
    return _key(name) in (_key(RULES), "rule", "rulestrategy", "custom")


__all__ = ["BUILT_IN", "RULES", "Param", "Signals", "Strategy", "StrategyError", "find", "is_rules"]
