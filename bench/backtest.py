"""Backtest benchmark: the engine against a bare numba loop, vectorbt and backtesting.py on the same data in
this process; the whole POST /api/backtest/strategy (1y of 1h, SQLite and PostgreSQL); a 1,000-combination
sweep.

Data: 1y/1h = the last year of recorded BTC-USD hours; 5y/1m = 2.6M bars bootstrapped from the recorded
BTC-USD minutes' log returns (seeded), since five years of real minutes are not bundled. The strategy is the
seed's RSI Mean Reversion (14, 30, 70), long-only, next-open fills, 0.1% fees. Compile and warm-up calls are
made before timing (as `cryptomon serve` does at start).
Run: backend/.venv/bin/python bench/backtest.py   (BENCH_FULL=1 also times backtesting.py on 5y/1m: ~12 s)
"""

from __future__ import annotations

import os

os.environ.setdefault("TQDM_DISABLE", "1")  # backtesting.py's progress bar

import asyncio
import statistics
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import pandas as pd
from asgi_lifespan import LifespanManager
from numba import njit
from support import embedded, postgres

from app.backtesting import metrics
from app.backtesting.engine import Costs, run, warm
from app.backtesting.optimize import sweep
from app.backtesting.schemas import OptimizeIn
from app.backtesting.strategies import find
from app.config import Settings
from app.core.bootstrap import build_runtime
from app.main import create_app
from app.market import recordings, repository
from app.market.repository import CandleRow
from app.quant.indicators.spec import Series

RUNS = int(os.environ.get("BENCH_RUNS", "40"))
FULL = os.environ.get("BENCH_FULL") == "1"
FEE = 0.001


def year_of_hours() -> Series:
    recorded = recordings.load("BTC-USD", "1h")
    window = slice(-24 * 365, None)
    return Series(
        np.asarray(recorded.ts[window], dtype=np.int64),
        *(
            np.asarray(getattr(recorded, c)[window], dtype=np.float64)
            for c in ("open", "high", "low", "close", "volume")
        ),
    )


def five_years_of_minutes() -> Series:
    minutes = recordings.load("BTC-USD", "1m")
    returns = np.diff(np.log(np.asarray(minutes.close, dtype=np.float64)))
    n = 5 * 365 * 24 * 60
    rng = np.random.default_rng(3)
    close = 30_000 * np.exp(np.cumsum(rng.choice(returns, n)))
    opens = np.concatenate(([close[0]], close[:-1]))
    wiggle = np.abs(rng.choice(returns, n)) * close
    return Series(
        np.arange(n, dtype=np.int64) * 60 + 1_600_000_000,
        opens,
        np.maximum(opens, close) + wiggle,
        np.minimum(opens, close) - wiggle,
        close,
        np.ones(n),
    )


@njit(cache=True)
def bare_loop(
    opens: np.ndarray, closes: np.ndarray, entries: np.ndarray, exits: np.ndarray, fee: float
) -> float:
    """The reference: all-in, long-only, next-open fills, fees; nothing else (no stops, no records)."""
    cash, units, pending = 10_000.0, 0.0, 0
    for i in range(len(closes)):
        if pending == 1:
            units = cash / (opens[i] * (1 + fee))
            cash = 0.0
        elif pending == 2:
            cash = units * opens[i] * (1 - fee)
            units = 0.0
        pending = 0
        if units == 0.0 and entries[i]:
            pending = 1
        elif units > 0.0 and exits[i]:
            pending = 2
    return cash + units * closes[-1]


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """Median milliseconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def engines(label: str, series: Series, repeat: int, with_backtesting_py: bool) -> None:
    strategy = find("RSI Mean Reversion")
    assert strategy is not None
    signals = strategy.compute(series, strategy.bind({}))
    entries, exits = signals.long_entry, signals.long_exit
    o, h, lo, c = series.open, series.high, series.low, series.close
    costs = Costs(fee=FEE)
    ours = best_of(lambda: run(o, h, lo, c, entries, exits, 10_000.0, costs), repeat)
    with_metrics = best_of(
        lambda: metrics.compute(run(o, h, lo, c, entries, exits, 10_000.0, costs), o, c, 10_000.0, 3600),
        repeat,
    )
    bare = best_of(lambda: bare_loop(o, c, entries, exits, FEE), repeat)
    import vectorbt as vbt

    close = pd.Series(c)
    price = pd.Series(o).shift(-1)  # a signal on bar i fills at bar i+1's open, as ours

    def vectorbt_run() -> Any:
        return vbt.Portfolio.from_signals(
            close, entries, exits, price=price, fees=FEE, init_cash=10_000.0, freq="1h"
        )

    vectorbt_run()
    vbt_ms = best_of(vectorbt_run, max(3, repeat // 5))
    line = (
        f"{label:8} engine {ours:8.2f} ms (+ metrics {with_metrics:7.2f})  bare numba loop {bare:7.2f} ms "
        f"(ours {ours / bare:5.2f}x)  vectorbt {vbt_ms:8.1f} ms ({vbt_ms / ours:6.1f}x ours)"
    )
    if with_backtesting_py:
        bt_ms = backtesting_py(series, entries, exits)
        line += f"  backtesting.py {bt_ms:9.1f} ms ({bt_ms / ours:7.0f}x ours)"
    print(line)


def backtesting_py(series: Series, entries: np.ndarray, exits: np.ndarray) -> float:
    from backtesting import Backtest, Strategy

    frame = pd.DataFrame(
        {
            "Open": series.open,
            "High": series.high,
            "Low": series.low,
            "Close": series.close,
            "Volume": series.volume,
        },
        index=pd.to_datetime(series.ts, unit="s"),
    )

    class Rules(Strategy):  # type: ignore[misc]
        def init(self) -> None:
            self.entry = self.I(lambda: entries.astype(float), plot=False)
            self.exit = self.I(lambda: exits.astype(float), plot=False)

        def next(self) -> None:
            if not self.position and self.entry[-1] > 0:
                self.buy()
            elif self.position and self.exit[-1] > 0:
                self.position.close()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        Backtest(frame, Rules, cash=10_000_000, commission=FEE).run()
        return (time.perf_counter() - t0) * 1000


async def api(label: str, settings: Settings, series: Series) -> None:
    rows = [
        CandleRow("BTC-USD", "1h", "binance", int(t), float(o), float(h), float(lo), float(c), float(v))
        for t, o, h, lo, c, v in zip(
            series.ts, series.open, series.high, series.low, series.close, series.volume, strict=True
        )
    ]
    async with build_runtime(settings, role="cli") as runtime, runtime.db.session() as session:
        await repository.upsert_candles(session, rows)
    app = create_app(settings)
    to = datetime.fromtimestamp(int(series.ts[-1]) + 3600, UTC).isoformat().replace("+00:00", "Z")
    body = {
        "strategyName": "RSI Mean Reversion",
        "symbol": "BTC-USD",
        "period": "1y",
        "parameters": {"rsiPeriod": 14, "buyThreshold": 30, "sellThreshold": 70},
        "initialCapital": 10000,
        "to": to,
    }
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):
        reg = await client.post(
            "/api/auth/register", json={"email": "b@example.com", "password": "bench-password"}
        )
        headers = {"Authorization": f"Bearer {reg.json()['data']['tokens']['accessToken']}"}
        times = []
        for _ in range(RUNS + 3):
            t0 = time.perf_counter()
            response = await client.post("/api/backtest/strategy", json=body, headers=headers)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 201, response.text
        times = sorted(times[3:])
        p50, p95 = statistics.median(times), times[int(0.95 * len(times)) - 1]
        verdict = "met" if p95 < 100 else "NOT met"
        print(
            f"POST /api/backtest/strategy 1y/1h {label:10} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
            f"(goal 100: {verdict})"
        )
        if label == "SQLite":
            await sweep_bench(settings, to)


async def sweep_bench(settings: Settings, to: str) -> None:
    body = OptimizeIn.model_validate(
        {
            "strategyName": "RSI Mean Reversion",
            "symbol": "BTC-USD",
            "period": "1y",
            "to": to,
            "ranges": {
                "rsiPeriod": {"min": 5, "max": 50, "step": 5},
                "buyThreshold": {"min": 15, "max": 40, "step": 2.5},
                "sellThreshold": {"min": 60, "max": 85, "step": 2.5},
            },
            "metric": "sharpeRatio",
            "maxCombinations": 2000,
        }
    )

    async def progress(fraction: float, message: str) -> None:
        return None

    async with build_runtime(settings, role="cli") as runtime, runtime.db.session() as session:
        t0 = time.perf_counter()
        result = await sweep(session, 0, body, progress)
        seconds = time.perf_counter() - t0
    n = result.combinations
    verdict = "met" if seconds * 1000 / n < 3 else "NOT met"
    print(
        f"sweep 1y/1h: {n:,} combinations (in- and out-of-sample runs each) in {seconds:.2f} s "
        f"({seconds / n * 1000:.2f} ms each; goal 1,000 under 3 s: {verdict})"
    )


async def main() -> None:
    warm()
    hours, minutes = year_of_hours(), five_years_of_minutes()
    engines("1y/1h", hours, 50, True)
    engines("5y/1m", minutes, 5, FULL)
    async with embedded(demo_account=False) as settings:
        await api("SQLite", settings, hours)
    async with postgres(demo_account=False) as settings:
        if settings is not None:
            await api("PostgreSQL", settings, hours)


if __name__ == "__main__":
    asyncio.run(main())
