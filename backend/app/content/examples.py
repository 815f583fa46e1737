"""A lesson's live panel, "Your numbers": the reader's own data as the product computes it (technical
analysis of their first watchlist symbol, their first portfolio's risk, the Fear & Greed index, on-chain)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.analysis import service as analysis_service
from app.content.learning_schemas import ExampleValue, LessonExample
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.core.runtime import Runtime
from app.market import service as market_service
from app.portfolio import reporting as portfolio_reporting
from app.portfolio import service as portfolio_service
from app.users import service as user_service
from app.users.service import User

log = logging.getLogger(__name__)

DEFAULT_SYMBOL = "BTC-USD"
TIMEFRAME, PERIOD = "1d", "90d"
TECHNICAL = {"rsi": "RSI", "macd": "MACD", "bollinger": "BBANDS"}
CANDLES_SHOWN_DAYS = 7
ONCHAIN_TIMEFRAME = "1d"
PROVIDER_SECONDS = 10.0  # a slow provider leaves the panel with a note, not the lesson waiting
TECHNICAL_SOURCE = "Cryptomon technical analysis (POST /api/analysis/technical) of the stored 1d candles"
TITLES = {
    "candles": "Your latest daily candle",
    "rsi": "RSI(14) on your chart",
    "macd": "MACD(12, 26, 9) on your chart",
    "bollinger": "Bollinger Bands(20, 2) on your chart",
    "portfolio-risk": "Your portfolio's risk",
    "fear-greed": "The Fear & Greed index today",
    "onchain": "Whale transfers in the last 24 hours",
}
NO_CANDLES = (
    "No daily candles for {symbol} yet: add it to your watchlist and let prices arrive, then come back."
)
NO_ONCHAIN = (
    "No whale transfers are reported for {symbol} just now: the on-chain providers do not cover it or "
    "are not reachable. Research, Asset shows what is available."
)
FAILED = "This example could not be computed just now; the lesson reads the same without it."

Builder = Callable[[Runtime, AsyncSession, User, str], Awaitable[LessonExample]]


def _panel(
    kind: str,
    subject: str | None,
    values: list[ExampleValue],
    *,
    source: str | None = None,
    as_of: datetime | None = None,
    snapshot: bool = False,
    note: str | None = None,
) -> LessonExample:
    return LessonExample(
        kind=kind,
        title=TITLES[kind],
        subject=subject,
        values=values,
        source=source,
        as_of=as_of,
        snapshot=snapshot,
        note=note,
    )


def _empty(kind: str, subject: str | None, note: str) -> LessonExample:
    return _panel(kind, subject, [], note=note)


def symbol_of(user: User) -> str:
    """The reader's first watchlist symbol, BTC-USD without one."""
    watchlist = user_service.preferences_of(user).watchlist
    return watchlist[0] if watchlist else DEFAULT_SYMBOL


async def _technical(runtime: Runtime, session: AsyncSession, user: User, kind: str) -> LessonExample:
    symbol = symbol_of(user)
    name = TECHNICAL[kind]
    try:
        out = await analysis_service.technical_analysis(
            session, runtime.settings, symbol, [name], [TIMEFRAME], PERIOD, None
        )
    except AppError as exc:
        if exc.code is ErrorCode.NOT_FOUND:
            return _empty(kind, symbol, NO_CANDLES.format(symbol=symbol))
        raise
    frame = out.timeframes[TIMEFRAME]
    reading = frame.indicators[name]
    values = [
        ExampleValue(label="Close", value=frame.close, hint="The last price of the latest daily candle")
    ]
    if kind == "rsi":
        values += [
            ExampleValue(label="RSI(14)", value=reading["value"]),
            ExampleValue(
                label="Signal", value=reading["signal"], hint="OVERBOUGHT above 70, OVERSOLD below 30"
            ),
        ]
    elif kind == "macd":
        values += [
            ExampleValue(label="MACD line", value=reading["value"], hint="EMA(12) - EMA(26) of the closes"),
            ExampleValue(label="Signal line", value=reading["signal"], hint="EMA(9) of the MACD line"),
            ExampleValue(label="Histogram", value=reading["histogram"], hint="MACD line - signal line"),
            ExampleValue(label="Trend", value=reading["trend"]),
            ExampleValue(
                label="Cross", value=reading["cross"], hint="On the latest candle; empty without one"
            ),
        ]
    else:
        upper, lower = reading["upper"], reading["lower"]
        percent_b = (
            (frame.close - lower) / (upper - lower)
            if isinstance(upper, float) and isinstance(lower, float) and upper != lower
            else None
        )
        values += [
            ExampleValue(label="Upper band", value=upper, hint="SMA(20) + 2 standard deviations"),
            ExampleValue(label="Middle band", value=reading["middle"], hint="SMA(20) of the closes"),
            ExampleValue(label="Lower band", value=lower, hint="SMA(20) - 2 standard deviations"),
            ExampleValue(label="%B", value=percent_b, hint="(close - lower) / (upper - lower)"),
            ExampleValue(label="Position", value=reading["position"]),
        ]
    return _panel(kind, out.symbol, values, source=TECHNICAL_SOURCE, as_of=frame.candle_time)


async def _candles(runtime: Runtime, session: AsyncSession, user: User, kind: str) -> LessonExample:
    symbol = symbol_of(user)
    end = int(utcnow().timestamp())
    start = end - CANDLES_SHOWN_DAYS * 86400
    asset, raw = await market_service.load_candles(session, symbol, TIMEFRAME, start, end)
    if not raw.ts:
        return _empty(kind, asset.symbol, NO_CANDLES.format(symbol=asset.symbol))
    open_, high, low, close = raw.open[-1], raw.high[-1], raw.low[-1], raw.close[-1]
    values = [
        ExampleValue(label="Open", value=open_),
        ExampleValue(label="High", value=high),
        ExampleValue(label="Low", value=low),
        ExampleValue(label="Close", value=close, hint="The latest price while the day is still open"),
        ExampleValue(label="Volume", value=raw.volume[-1], unit=asset.symbol.split("-")[0]),
        ExampleValue(label="Body", value="up (green)" if close >= open_ else "down (red)"),
    ]
    if len(raw.close) > 1:
        change = (close / raw.close[-2] - 1) * 100
        values.append(ExampleValue(label="Change from the previous close", value=change, unit="%"))
    at = datetime.fromtimestamp(raw.ts[-1], UTC)
    return _panel(kind, asset.symbol, values, source="Cryptomon's stored 1d candles", as_of=at)


async def _portfolio_risk(runtime: Runtime, session: AsyncSession, user: User, kind: str) -> LessonExample:
    portfolios = await portfolio_service.list_of(session, runtime.cache, user.id)
    if not portfolios:
        return _empty(kind, None, "Create a portfolio under Portfolios to see your own numbers here.")
    first = portfolios[0]
    days = portfolio_reporting.API_LOOKBACK_DAYS
    analysis = await portfolio_reporting.analysis_of(session, runtime, user, first.portfolio_id, days)
    risk, extended = analysis.risk_metrics, analysis.extended
    figures = [
        ExampleValue(
            label="VaR 95", value=risk.var95, hint="The one-day loss exceeded on 5% of days (negative)"
        ),
        ExampleValue(label="Max drawdown", value=risk.max_drawdown, unit="%"),
        ExampleValue(label="Sharpe ratio", value=risk.sharpe_ratio),
        ExampleValue(label="Sortino ratio", value=extended.sortino_ratio),
        ExampleValue(label="Volatility", value=risk.volatility, hint="Yearly, as a fraction: 0.5 = 50%"),
    ]
    if all(f.value is None for f in figures):
        note = " ".join(analysis.warnings) or "Add positions with a few days of prices to see your numbers."
        return _empty(kind, first.name, note)
    source = f"Cryptomon portfolio analysis (GET /api/portfolios/{first.portfolio_id}/analysis, {days} days)"
    return _panel(kind, first.name, figures, source=source, as_of=analysis.as_of)


async def _fear_greed(runtime: Runtime, session: AsyncSession, user: User, kind: str) -> LessonExample:
    series = await asyncio.wait_for(analysis_service.fear_greed(runtime, 8), PROVIDER_SECONDS)
    if series is None or not series.readings:
        return _empty(kind, None, "The Fear & Greed provider gave nothing just now; try again later.")
    today = series.readings[0]
    values = [
        ExampleValue(label="Index", value=today.value, hint="0 extreme fear .. 100 extreme greed"),
        ExampleValue(label="Classification", value=today.classification),
    ]
    if len(series.readings) > 7:
        values.append(ExampleValue(label="Change over 7 days", value=today.value - series.readings[7].value))
    note = "A recorded snapshot, not today's live reading." if series.snapshot else None
    return _panel(
        kind, None, values, source=series.source, as_of=series.as_of, snapshot=series.snapshot, note=note
    )


async def _onchain(runtime: Runtime, session: AsyncSession, user: User, kind: str) -> LessonExample:
    symbol = symbol_of(user)
    part = await asyncio.wait_for(
        analysis_service.whales_part(runtime, session, symbol, ONCHAIN_TIMEFRAME), PROVIDER_SECONDS
    )
    values = [
        ExampleValue(
            label="Whale transfers", value=part.whale_movements, hint=f"Of ${part.threshold_usd:,.0f} or more"
        ),
        ExampleValue(label="Into exchanges", value=_number(part.exchange_inflow_usd), unit="USD"),
        ExampleValue(label="Out of exchanges", value=_number(part.exchange_outflow_usd), unit="USD"),
    ]
    if all(v.value is None for v in values):
        return _empty(kind, part.symbol, NO_ONCHAIN.format(symbol=part.symbol))
    sources = part.sources.values()
    snapshot = part.mode == "snapshot"
    return _panel(
        kind,
        part.symbol,
        values,
        source=", ".join(sorted({s.source for s in sources})) or None,
        as_of=max((s.as_of for s in sources), default=None),
        snapshot=snapshot,
        note="Recorded snapshots of the providers, not live figures." if snapshot else None,
    )


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


BUILDERS: dict[str, Builder] = {
    "candles": _candles,
    "rsi": _technical,
    "macd": _technical,
    "bollinger": _technical,
    "portfolio-risk": _portfolio_risk,
    "fear-greed": _fear_greed,
    "onchain": _onchain,
}


async def example(runtime: Runtime, session: AsyncSession, user: User, kind: str) -> LessonExample:
    """The panel; a failure (no data, a provider down, a bug) gives a panel with a note, never an error."""
    try:
        return await BUILDERS[kind](runtime, session, user, kind)
    except AppError as exc:
        return _empty(kind, None, exc.message)
    except Exception:
        log.exception("lesson example %s failed for user %s", kind, user.id)
        return _empty(kind, None, FAILED)
