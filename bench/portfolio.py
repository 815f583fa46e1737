"""Portfolio benchmark: GET /api/portfolios/{id}/analysis and POST .../transactions at 10,000 and 100,000
transactions, embedded (SQLite, in-process cache and bus) and cluster (PostgreSQL, Redis cache and bus).

Measured through the real app (httpx ASGITransport, LifespanManager with a 60 s timeout), one process:
- the analysis (default lookback, 365 days): p50, p95 and mean of BENCH_RUNS timed calls (default 30) after 3
  warm-up calls; at 100,000 transactions BENCH_RUNS_100K calls (default 5, so p95 is the slowest) after 1,
  as one call takes seconds there and the whole script must stay near 5 minutes. Goals: p95 < 50 ms at 10k,
  < 150 ms at 100k;
- the reference, timed in the same loop (one call of each in turn): a naive full recompute per request,
  straight on a session of the same app (no HTTP, auth or JSON, which favours it): every transaction and every
  daily close read with plain SQLAlchemy Core selects, the transactions replayed with
  `app.quant.portfolio.ledger.replay`, the closes pivoted with pandas, the value series of the current
  holdings over the lookback and its risk (volatility, Sharpe, VaR, CVaR, drawdown, Sortino, Calmar, beta,
  asset volatility, correlation, risk contribution, HHI), the daily history as held and its flows with pandas,
  TWR and MWR (`performance.mwr`) for 1Y and ALL, and the attribution (`attribution.attribute`). Printed: our
  p95 over its p95, and the largest relative difference between its figures and the API's (they agree);
- the analysis again with each symbol's live price in the cache, as when the market pipeline runs (the same
  prices, so the same figures): the stored-closes lookup above is then not needed;
- POST .../transactions (one BUY, which re-derives the holdings by replaying every transaction): p50 and p95
  of BENCH_POST_RUNS calls (default 10, after 3 warm-up calls; 3 at 100k, warm already);
- the analysis split by stage, at both sizes (medians over the timed calls; the module functions are wrapped
  by timers costing microseconds): owned + positions + prices, daily snapshots load, risk alerts load, daily
  closes load, risk,
  history, performance, attribution, the rest of `analyse` (at 100k mostly the symbol set over the loaded rows
  and freeing them), the request around it (auth, session, response model, JSON), and how much of the call
  was garbage collection (gc.callbacks; that time is inside the stages above).

Data (seeded, the same for both databases): daily candles of the first 20 listed coins of
`app.market.symbols.BUILTIN_ASSETS` over the 1,095 days ending yesterday (UTC). The 9 with a bundled recording
(`app.market.recordings`: BTC, ETH, SOL, BNB, XRP, ADA, DOGE, TRX, BCH) take their real recorded daily candles
of the 1,095 days ending on the last day all of them are recorded, re-dated as a block (one shift for all, so
they keep moving together) to end yesterday. The other 11 are bootstrapped: daily log returns drawn (seed 7)
from one recorded coin's, OHLC made around the closes. Transactions go in with Core bulk inserts: uniformly
random coins and times over the 3 years; a BUY of $50-$5,000 at the day's close (+-0.5%) or, when the coin is
held, 40% of the time a SELL of 5-80% of it (all of it 1 time in 20); a 0.1% fee; never more sold than held.
The holdings are then derived once with `holdings.rederive`, the daily snapshots with `snapshots.refresh`.
Targets: 5% each. There is no live feed, so the current prices are the newest stored closes (as without
`market_sources`).

Run: backend/.venv/bin/python bench/portfolio.py     (~4.5 min on 2 cores; BENCH_PG=0 skips PostgreSQL)
Environment: BENCH_RUNS, BENCH_RUNS_100K, BENCH_POST_RUNS, BENCH_REDIS_URL (default redis://127.0.0.1:6379/14),
BENCH_PG_ADMIN_URL (see support.py).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import os
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

import httpx
import numpy as np
import pandas as pd
from asgi_lifespan import LifespanManager
from sqlalchemy import Float, cast, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from support import embedded, postgres

from app.alerts import service as alerts_service
from app.config import Settings
from app.core.clock import utcnow
from app.main import create_app
from app.market import recordings, repository
from app.market.models import PriceCandle
from app.market.repository import CandleRow
from app.market.symbols import BUILTIN_ASSETS
from app.portfolio import analysis, daily_closes, holdings, service, snapshots, valuation
from app.portfolio import repository as portfolio_repository
from app.portfolio.models import PortfolioTransaction
from app.quant.portfolio import attribution, performance
from app.quant.portfolio.ledger import Entry, Kind, replay

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
RUNS_100K = int(os.environ.get("BENCH_RUNS_100K", "5"))
POST_RUNS = int(os.environ.get("BENCH_POST_RUNS", "10"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
WITH_PG = os.environ.get("BENCH_PG", "1") != "0"
WARMUP = 3
SIZES = (10_000, 100_000)
GOALS = {10_000: 50.0, 100_000: 150.0}
DAYS = 3 * 365
DAY = 86400
LOOKBACK = 365
SYMBOLS = [a.symbol for a in BUILTIN_ASSETS if not a.stablecoin][:20]
BENCHMARK = analysis.BENCHMARK
TX = PortfolioTransaction.__table__
CANDLES = PriceCandle.__table__
_CENT, _STEP = Decimal("0.01"), Decimal("1e-8")


# --- data ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Market:
    start: int  # epoch seconds of the first day's midnight (UTC)
    closes: dict[str, np.ndarray]  # DAYS closes per symbol (NaN on a recording's missing day)
    rows: list[CandleRow]


def market(yesterday: date) -> Market:
    start = (
        int(datetime(yesterday.year, yesterday.month, yesterday.day, tzinfo=UTC).timestamp())
        - (DAYS - 1) * DAY
    )
    recorded = [s for s in SYMBOLS if s in recordings.symbols()]
    series = {s: recordings.series(s, "1d") for s in recorded}
    last = min(int(series[s].ts[-1]) for s in recorded)  # the last day every recording has
    shift = start + (DAYS - 1) * DAY - last
    closes: dict[str, np.ndarray] = {}
    rows: list[CandleRow] = []
    for symbol in recorded:
        s = series[symbol]
        ts = np.asarray(s.ts, dtype=np.int64)
        keep = (ts > last - DAYS * DAY) & (ts <= last)
        column = np.full(DAYS, np.nan)
        for t, o, h, lo, c, v in zip(
            (ts[keep] + shift).tolist(),
            *(
                np.asarray(getattr(s, f), dtype=np.float64)[keep].tolist()
                for f in ("open", "high", "low", "close", "volume")
            ),
            strict=True,
        ):
            column[(t - start) // DAY] = c
            rows.append(CandleRow(symbol, "1d", "binance", t, o, h, lo, c, v))
        closes[symbol] = column
    rng = np.random.default_rng(7)
    donors = {s: np.diff(np.log(series[s].close)) for s in recorded}
    for n, symbol in enumerate(s for s in SYMBOLS if s not in recorded):
        returns = donors[recorded[n % len(recorded)]]
        close = rng.uniform(0.2, 60.0) * np.exp(np.cumsum(rng.choice(returns, DAYS)))
        opens = np.concatenate(([close[0]], close[:-1]))
        wiggle = np.abs(rng.choice(returns, DAYS))
        for i, (o, c, w) in enumerate(zip(opens.tolist(), close.tolist(), wiggle.tolist(), strict=True)):
            rows.append(
                CandleRow(
                    symbol,
                    "1d",
                    "binance",
                    start + i * DAY,
                    o,
                    max(o, c) * (1 + w),
                    min(o, c) * (1 - w),
                    c,
                    1e6,
                )
            )
        closes[symbol] = close
    return Market(start, closes, rows)


def _money(x: float) -> Decimal:
    return Decimal(f"{x:.8g}")


def transactions(n: int, data: Market, seed: int) -> list[dict[str, Any]]:
    """n transactions in time order (portfolio_id is added at insert); never sells more than is held."""
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(SYMBOLS), n).tolist()
    seconds = np.sort(rng.integers(0, DAYS * DAY - 1, n)).tolist()
    draw = rng.random(n).tolist()
    everything = rng.random(n).tolist()
    notional = rng.uniform(50, 5000, n).tolist()
    share = rng.uniform(0.05, 0.8, n).tolist()
    noise = rng.normal(0, 0.005, n).tolist()
    filled = {s: pd.Series(c).ffill().bfill().to_numpy() for s, c in data.closes.items()}
    held = dict.fromkeys(SYMBOLS, Decimal(0))
    created = utcnow()
    rows = []
    for k in range(n):
        symbol = SYMBOLS[which[k]]
        price = _money(filled[symbol][seconds[k] // DAY] * (1 + noise[k]))
        quantity = Decimal(0)
        if held[symbol] > 0 and draw[k] < 0.4:
            quantity = (
                held[symbol]
                if everything[k] < 0.05
                else (held[symbol] * Decimal(str(share[k]))).quantize(_STEP, ROUND_DOWN)
            )
        if quantity > 0:
            kind = "SELL"
            held[symbol] -= quantity
        else:
            kind = "BUY"
            quantity = max((Decimal(str(notional[k])) / price).quantize(_STEP, ROUND_DOWN), _STEP)
            held[symbol] += quantity
        rows.append(
            {
                "kind": kind,
                "symbol": symbol,
                "quantity": quantity,
                "price": price,
                "fee": (quantity * price * Decimal("0.001")).quantize(_CENT),
                "executed_at": datetime.fromtimestamp(data.start + seconds[k], UTC),
                "created_at": created,
            }
        )
    return rows


# --- the reference: a naive full recompute ------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def naive(session: AsyncSession, portfolio_id: int, rate: float) -> dict[str, float]:
    """The analysis' figures recomputed from every stored transaction and close, the straightforward way."""
    now = utcnow()
    today = now.date()
    rows = (
        await session.execute(
            select(TX.c.kind, TX.c.symbol, TX.c.quantity, TX.c.price, TX.c.fee, TX.c.executed_at)
            .where(TX.c.portfolio_id == portfolio_id)
            .order_by(TX.c.executed_at, TX.c.id)
        )
    ).all()
    kinds, names, quantities, prices, fees, times = (list(c) for c in zip(*rows, strict=True))
    ledger = replay(map(Entry, map(Kind, kinds), names, quantities, prices, fees, times))
    symbols = sorted(set(names))
    first = min(times[0].date(), today - timedelta(days=LOOKBACK + 1))
    candles = (
        await session.execute(
            select(CANDLES.c.symbol, CANDLES.c.timestamp, cast(CANDLES.c.close, Float)).where(
                CANDLES.c.interval == "1d",
                CANDLES.c.symbol.in_([*symbols, BENCHMARK]),
                CANDLES.c.timestamp >= _midnight(first),
            )
        )
    ).all()
    frame = pd.DataFrame(dict(zip(("symbol", "ts", "close"), zip(*candles, strict=True), strict=True)))
    frame["day"] = pd.to_datetime(frame["ts"], utc=True).dt.floor("D")
    days = pd.date_range(_midnight(first), _midnight(today), freq="D")
    closes = frame.pivot_table(index="day", columns="symbol", values="close", aggfunc="last").reindex(days)
    last_close = frame.sort_values("ts").groupby("symbol")["close"].last()

    # Today's value, and the current holdings' risk over the lookback (the complete days before today).
    held = {s: q for s, q in ledger.held().items() if s in last_close.index}
    total = float(sum(q * Decimal(str(last_close[s])) for s, q in held.items()))
    owned = sorted(held)
    qty = pd.Series({s: float(held[s]) for s in owned})
    window = closes.iloc[-(LOOKBACK + 2) : -1][owned].ffill().bfill()
    values = window @ qty
    r = values.pct_change().dropna()
    vol = r.std() * math.sqrt(365)
    q05 = np.percentile(r, 5)
    downside = math.sqrt(float((r.clip(upper=0) ** 2).mean())) * math.sqrt(365)
    drawdown = float((values / values.cummax() - 1).min())
    cagr = (values.iloc[-1] / values.iloc[0]) ** (365 / (len(values) - 1)) - 1
    asset_returns = window.pct_change().iloc[1:]
    covariance = asset_returns.cov().to_numpy()
    weights = (window.iloc[-1] * qty).to_numpy() / values.iloc[-1]
    marginal = covariance @ weights
    bench = closes.iloc[-(LOOKBACK + 2) : -1][BENCHMARK].pct_change()
    out = {
        "totalValue": total,
        "volatility": vol,
        "sharpe": (r.mean() * 365 - rate) / vol,
        "var95": q05 * total,
        "cvar95": r[r <= q05].mean() * total,
        "maxDrawdown": drawdown * 100,
        "sortino": (r.mean() * 365 - rate) / downside,
        "calmar": cagr / abs(drawdown),
        "beta": values.pct_change().cov(bench) / bench.var(),
        "correlation": values.pct_change().corr(bench),
        "assetVolatilityBTC": asset_returns.std().get(BENCHMARK, math.nan) * math.sqrt(365),
        "riskContribution0": float(weights[0] * marginal[0] / (weights @ marginal)),
        "correlation01": float(asset_returns.corr().iloc[0, 1]),
        "hhi": float((weights**2).sum()),
    }

    # The history as held: quantities and flows per day from the first transaction's day on.
    tx = pd.DataFrame({"kind": kinds, "symbol": names, "day": pd.to_datetime(times, utc=True).floor("D")})
    sign = tx["kind"].map({"BUY": 1.0, "SELL": -1.0})
    amount = pd.Series(quantities, dtype=float)
    tx["signed"] = sign * amount
    tx["flow"] = sign * amount * pd.Series(prices, dtype=float) + pd.Series(fees, dtype=float)
    span = days[days >= tx["day"].iloc[0]]
    held_then = (
        tx.pivot_table(index="day", columns="symbol", values="signed", aggfunc="sum")
        .reindex(span)
        .fillna(0.0)
        .cumsum()
    )
    flows = tx.groupby("day")["flow"].sum().reindex(span, fill_value=0.0)
    filled = closes.loc[span, symbols].ffill().bfill()
    history = (held_then[symbols] * filled).sum(axis=1)
    history.iloc[-1] = total
    capital = history.shift(1, fill_value=0.0) + flows.clip(lower=0)
    ending = history + (-flows).clip(lower=0)
    returns = np.where(capital > 0, ending / capital.where(capital > 0, 1.0) - 1, 0.0)
    out["historyYesterday"] = float(history.iloc[-2])
    inception = span[0].date()
    for key in ("1Y", "ALL"):
        start = performance.period_start(key, today, inception)
        i = (start - inception).days
        out[f"twr{key}"] = float(np.prod(1 + returns[i:]) - 1)
        moved = flows.iloc[i:]
        out[f"mwr{key}"] = performance.mwr(
            _midnight(start),
            float(history.iloc[i - 1]) if i > 0 else 0.0,
            [(d.to_pydatetime(), float(f)) for d, f in moved[moved != 0].items()],
            now,
            total,
        )
    n = min(LOOKBACK, len(span) - 1)
    last = filled.iloc[-n - 1 :].to_numpy()
    value_held = held_then[symbols].iloc[-n - 1 : -1].to_numpy() * last[:-1]
    sums = value_held.sum(axis=1, keepdims=True)
    out["attributionReturn"] = attribution.attribute(
        symbols,
        np.divide(value_held, sums, out=np.zeros_like(value_held), where=sums > 0),
        last[1:] / last[:-1] - 1,
        np.full(len(symbols), 1 / len(symbols)),
    ).portfolio_return
    return out


def api_figures(data: dict[str, Any]) -> dict[str, float]:
    risk, extended, perf = data["riskMetrics"], data["extended"], data["performance"]
    first, second = sorted(extended["assetVolatility"])[:2]
    return {
        "totalValue": float(data["totalValue"]),
        "volatility": risk["volatility"],
        "sharpe": risk["sharpeRatio"],
        "var95": risk["var95"],
        "cvar95": extended["cvar95"],
        "maxDrawdown": risk["maxDrawdown"],
        "sortino": extended["sortinoRatio"],
        "calmar": extended["calmarRatio"],
        "beta": extended["beta"],
        "correlation": extended["correlation"],
        "assetVolatilityBTC": extended["assetVolatility"].get(BENCHMARK, math.nan),
        "riskContribution0": extended["riskContribution"][first],
        "correlation01": extended["correlationMatrix"][first][second],
        "hhi": extended["concentrationHhi"],
        "historyYesterday": data["history"][-2]["value"],
        "twr1Y": perf["twr"]["1Y"],
        "twrALL": perf["twr"]["ALL"],
        "mwr1Y": perf["mwr"]["1Y"],
        "mwrALL": perf["mwr"]["ALL"],
        "attributionReturn": data["attribution"]["portfolioReturn"],
    }


def disagreement(ours: dict[str, float], reference: dict[str, float]) -> str:
    """The largest relative difference between the two sets of figures, and which figure it is."""
    worst, name = 0.0, ""
    for key, value in ours.items():
        other = reference[key]
        gap = abs(value - other) / max(abs(value), abs(other), 1e-12)
        if not gap <= worst:
            worst, name = (math.inf if math.isnan(gap) else gap), key
    return f"{worst:.0e} ({name})" if name else "0"


# --- timing -------------------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def summary(values: list[float]) -> str:
    p50, p95, mean = statistics.median(values), pct(values, 0.95), statistics.fmean(values)
    return f"p50 {p50:7.1f}  p95 {p95:7.1f}  mean {mean:7.1f} ms"


async def timed(call: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = await call()
    return (time.perf_counter() - t0) * 1000, result


PRICES = "owned + positions + prices"
WHOLE = "analyse (whole)"
REST = "rest of analyse"
AROUND = "request around analyse (auth, session, JSON)"
GC = "garbage collection (inside the above)"


class Stages:
    """Wraps module functions (async or not) to add up the milliseconds spent in each, by stage name, and
    counts the garbage collector's pauses."""

    PLAN = (
        (PRICES, service, "owned"),
        (PRICES, portfolio_repository, "positions_of"),
        (PRICES, valuation, "prices"),
        (PRICES, valuation, "value"),
        ("daily snapshots load", snapshots, "days_of"),
        ("risk alerts load", alerts_service, "portfolio_alerts"),
        ("daily closes load", daily_closes, "load"),
        ("risk", analysis, "_risk"),
        ("history", analysis, "_history"),
        ("performance", analysis, "_performance"),
        ("attribution", analysis, "_attribution"),
        (WHOLE, analysis, "analyse"),
    )

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.calls: list[dict[str, float]] = []
        self._gc_started = 0.0

    def _add(self, stage: str, t0: float) -> None:
        self.spent[stage] = self.spent.get(stage, 0.0) + (time.perf_counter() - t0) * 1000

    def _wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        if asyncio.iscoroutinefunction(fn):

            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return await fn(*args, **kwargs)
                finally:
                    self._add(stage, t0)

            return timed_async

        def timed_sync(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self._add(stage, t0)

        return timed_sync

    def _gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self._add(GC, self._gc_started)

    def close_call(self, total: float) -> None:
        """One request is over: its stages, the rest of `analyse` and what the request added around it."""
        spent, self.spent = self.spent, {}
        whole = spent.pop(WHOLE)
        collected = spent.pop(GC, 0.0)
        spent[REST] = whole - sum(spent.values())
        spent[AROUND] = total - whole
        spent["total"] = total
        spent[GC] = collected
        self.calls.append(spent)

    def report(self, label: str, size: int) -> None:
        n = len(self.calls)
        print(f"{label:10} {size:>7,} tx  per-stage breakdown of the analysis (median of {n} calls):")
        total = statistics.median(c["total"] for c in self.calls)
        for stage in self.calls[0]:
            ms = statistics.median(c.get(stage, 0.0) for c in self.calls)
            print(f"{label:10}   {stage:46} {ms:8.1f} ms  {ms / total:6.1%}")

    @contextmanager
    def installed(self) -> Iterator[None]:
        saved = [(module, name, getattr(module, name)) for _, module, name in self.PLAN]
        for stage, module, name in self.PLAN:
            setattr(module, name, self._wrap(stage, getattr(module, name)))
        gc.callbacks.append(self._gc)
        try:
            yield
        finally:
            gc.callbacks.remove(self._gc)
            for module, name, fn in saved:
                setattr(module, name, fn)


# --- the run ------------------------------------------------------------------------------------------------


async def insert_transactions(session: AsyncSession, portfolio_id: int, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 10_000):
        chunk = [r | {"portfolio_id": portfolio_id} for r in rows[start : start + 10_000]]
        await session.execute(insert(TX), chunk)


async def bench(
    label: str, settings: Settings, data: Market, generated: dict[int, list[dict[str, Any]]]
) -> None:
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=60),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=120
        ) as client,
    ):
        runtime = app.state.runtime
        rate = settings.portfolio_risk_free_rate
        reg = await client.post(
            "/api/auth/register", json={"email": "b@example.com", "password": "bench-password"}
        )
        me = reg.json()["data"]
        headers = {"Authorization": f"Bearer {me['tokens']['accessToken']}"}
        t0 = time.perf_counter()
        async with runtime.db.session() as session:
            await repository.upsert_candles(session, data.rows)
        print(f"{label:10} setup: {len(data.rows):,} daily candles in {time.perf_counter() - t0:.1f} s")
        targets = dict.fromkeys(SYMBOLS, "0.05")
        for size in SIZES:
            big = size == SIZES[-1]
            created = await client.post(
                "/api/portfolios",
                json={"userId": me["user"]["id"], "name": f"bench {size}", "targetAllocations": targets},
                headers=headers,
            )
            assert created.status_code == 201, created.text
            pid = created.json()["data"]["portfolioId"]
            t0 = time.perf_counter()
            async with runtime.db.session() as session:
                await insert_transactions(session, pid, generated[size])
            inserted = time.perf_counter() - t0
            t0 = time.perf_counter()
            async with runtime.db.session() as session:
                await holdings.rederive(session, pid)
            derived = time.perf_counter() - t0
            t0 = time.perf_counter()
            async with runtime.db.session() as session:
                days = {snapshots.day_of(row["executed_at"]) for row in generated[size]}
                await snapshots.refresh(session, pid, days)
            print(
                f"{label:10} setup: {size:,} transactions inserted in {inserted:.1f} s, holdings derived in "
                f"{derived:.1f} s, {len(days):,} daily snapshots in {time.perf_counter() - t0:.1f} s"
            )

            async def get(url: str = f"/api/portfolios/{pid}/analysis") -> Any:
                response = await client.get(url, headers=headers)
                assert response.status_code == 200, response.text
                return response.json()["data"]

            async def reference(pid: int = pid) -> dict[str, float]:
                async with runtime.db.session() as session:
                    return await naive(session, pid, rate)

            for _ in range(1 if big else WARMUP):
                body = await get()
                figures = await reference()
            stages = Stages()
            ours, theirs = [], []
            for _ in range(RUNS_100K if big else RUNS):
                with stages.installed():
                    spent, _ = await timed(get)
                stages.close_call(spent)
                ours.append(spent)
                theirs.append((await timed(reference))[0])
            p95 = pct(ours, 0.95)
            verdict = "met" if p95 < GOALS[size] else "NOT met"
            print(
                f"{label:10} {size:>7,} tx  GET analysis      {summary(ours)}  "
                f"(goal p95 < {GOALS[size]:.0f} ms: {verdict}; {len(ours)} calls)"
            )
            print(
                f"{label:10} {size:>7,} tx  naive recompute   {summary(theirs)}  "
                f"(ours p95 / naive p95 = {p95 / pct(theirs, 0.95):.2f}x; "
                f"figures differ by at most {disagreement(api_figures(body), figures)})"
            )
            stages.report(label, size)
            # As when the market pipeline runs: each symbol's live price in the cache (here its newest close,
            # so the figures are the same), not read from the stored candles.
            keys = [f"price:{s}" for s in SYMBOLS]
            for key, symbol in zip(keys, SYMBOLS, strict=True):
                column = data.closes[symbol]
                live = {"price": float(column[~np.isnan(column)][-1]), "ts": time.time(), "source": "bench"}
                await runtime.cache.set(key, live)
            for _ in range(1 if big else WARMUP):
                await get()
            cached = [(await timed(get))[0] for _ in range(RUNS_100K if big else RUNS)]
            for key in keys:
                await runtime.cache.delete(key)
            verdict = "met" if pct(cached, 0.95) < GOALS[size] else "NOT met"
            print(
                f"{label:10} {size:>7,} tx  GET analysis, live prices cached  {summary(cached)}  "
                f"(goal p95 < {GOALS[size]:.0f} ms: {verdict}; {len(cached)} calls)"
            )
            posts = []
            for i in range(min(POST_RUNS, 3) if big else WARMUP + POST_RUNS):
                buy = {
                    "kind": "BUY",
                    "symbol": SYMBOLS[i % len(SYMBOLS)],
                    "quantity": "0.01",
                    "price": "100",
                    "fee": "0.1",
                    "executedAt": utcnow().isoformat().replace("+00:00", "Z"),
                }
                t0 = time.perf_counter()
                response = await client.post(f"/api/portfolios/{pid}/transactions", json=buy, headers=headers)
                spent = (time.perf_counter() - t0) * 1000
                assert response.status_code == 201, response.text
                if big or i >= WARMUP:
                    posts.append(spent)
            print(f"{label:10} {size:>7,} tx  POST transaction  {summary(posts)}  ({len(posts)} calls)")


async def redis_problem(url: str) -> str | None:
    from redis.asyncio import Redis

    redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await redis.ping()
    except Exception as exc:
        return f"Redis at {url} does not answer: {type(exc).__name__}: {exc}"
    finally:
        await redis.aclose()
    return None


async def forget(url: str, namespace: str) -> None:
    """Remove the bench's keys from Redis."""
    from redis.asyncio import Redis

    redis = Redis.from_url(url)
    try:
        keys = [k async for k in redis.scan_iter(match=f"{namespace}:*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


async def main() -> None:
    logging.disable(logging.INFO)
    started = time.perf_counter()
    yesterday = utcnow().date() - timedelta(days=1)
    data = market(yesterday)
    generated = {size: transactions(size, data, seed=size) for size in SIZES}
    recorded = sum(s in recordings.symbols() for s in SYMBOLS)
    print(
        f"data: {len(SYMBOLS)} coins x {DAYS:,} daily closes to {yesterday} ({recorded} recorded, "
        f"{len(SYMBOLS) - recorded} bootstrapped); generated in {time.perf_counter() - started:.1f} s"
    )
    async with embedded(demo_account=False) as settings:
        await bench("SQLite", settings, data, generated)
    if WITH_PG:
        problem = await redis_problem(REDIS_URL)
        if problem:
            print(f"cluster skipped: {problem}")
        else:
            namespace = f"portfoliobench{os.getpid()}"
            try:
                async with postgres(demo_account=False, redis_url=REDIS_URL, namespace=namespace) as settings:
                    if settings is not None:
                        await bench("PostgreSQL", settings, data, generated)
            finally:
                await forget(REDIS_URL, namespace)
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    asyncio.run(main())
