"""POST /api/analysis/technical: indicators x timeframes over a period, latest values and signals."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.analysis import signals
from app.analysis.schemas import PatternMark, Reading, Summary, TechnicalOut, TimeframeOut
from app.config import Settings
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.core.marketdata import RawCandles, to_series
from app.core.periods import parse_period
from app.core.security import same_signature
from app.market import service as market_service
from app.patterns import service as patterns_service
from app.quant.indicators import library
from app.quant.indicators.spec import IndicatorError, IndicatorSpec, Series

# Bars read before the period so EMA-type indicators have converged: ten lookbacks leave less than 1e-5 of
# the seed value in an EMA of that length, within these bounds.
WARM_UP_LOOKBACKS, MIN_WARM_UP, MAX_WARM_UP = 10, 100, 500
OVERLAY_GROUPS = ("overlap",)
CHART_TTL = 24 * 3600


def _reading(spec: IndicatorSpec, series: Series) -> Reading:
    outputs = library.compute(spec.name, series)
    rule = signals.RULES.get(spec.name)
    if rule is not None:
        return rule(outputs, series.close)
    return signals.generic(outputs, series.close, overlay=spec.group in OVERLAY_GROUPS)


def warm_up_bars(specs: list[IndicatorSpec]) -> int:
    """How many bars before the period these indicators need to have converged at its start."""
    longest = max((spec.lookback(spec.bind()) for spec in specs), default=0)
    return min(max(WARM_UP_LOOKBACKS * longest, MIN_WARM_UP), MAX_WARM_UP)


def pattern_marks(series: Series, last_n: int) -> list[PatternMark]:
    """The candlestick and chart patterns of the series' last `last_n` bars (the earlier bars are their
    history), as the analysis lists them."""
    found = patterns_service.recent(series.ts, series.open, series.high, series.low, series.close, last_n)
    return [
        PatternMark(name=f.name, title=f.title, direction=f.direction, time=datetime.fromtimestamp(f.ts, UTC))
        for f in found
    ]


def _timeframe(
    timeframe: str,
    names: list[str],
    specs: list[IndicatorSpec],
    raw: RawCandles,
    symbol: str,
    pattern_bars: int,
) -> tuple[TimeframeOut, Series]:
    series = to_series(raw)
    if not len(series):
        raise AppError(
            ErrorCode.NOT_FOUND,
            f"No {timeframe} candles for {symbol} in that period",
            field="symbol",
        )
    readings = {name: _reading(spec, series) for name, spec in zip(names, specs, strict=True)}
    result = TimeframeOut(
        timeframe=timeframe,
        candle_time=datetime.fromtimestamp(int(series.ts[-1]), UTC),
        close=float(series.close[-1]),
        indicators=readings,
        summary=Summary.model_validate(signals.summary(readings)),
        chart_url="",  # signed once the window is known
        patterns=pattern_marks(series, pattern_bars) if pattern_bars else None,
    )
    return result, series


def chart_token(settings: Settings, payload: dict[str, Any]) -> str:
    """A URL-safe, signed description of a chart, so an <img> can load it without a token."""
    body = base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")
    mac = hmac.new(settings.resolved_secret_key.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{mac}"


def read_chart_token(settings: Settings, token: str) -> dict[str, Any]:
    body, _, mac = token.partition(".")
    expected = hmac.new(settings.resolved_secret_key.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]
    if not same_signature(mac, expected):
        raise AppError(ErrorCode.NOT_FOUND, "No such chart")
    payload: dict[str, Any] = orjson.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if payload.get("exp", 0) < utcnow().timestamp():
        raise AppError(ErrorCode.NOT_FOUND, "This chart link has expired; run the analysis again")
    return payload


async def analyse(
    session: AsyncSession,
    settings: Settings,
    symbol: str,
    indicators: list[str],
    timeframes: list[str],
    period: str,
    to: datetime | None,
    pattern_bars: int = 0,
) -> TechnicalOut:
    """The seed's response for the coarsest timeframe, and every timeframe under `timeframes`; with
    `pattern_bars`, each timeframe's patterns of its last bars too, drawn on its chart."""
    span = parse_period(period)
    specs = []
    for name in indicators:
        try:
            specs.append(library.get(name))
        except IndicatorError as exc:
            raise AppError(ErrorCode.VALIDATION_ERROR, str(exc), field="indicators") from exc
    end = int((to or utcnow()).timestamp())
    warm_up = warm_up_bars(specs)
    windows = {}
    for timeframe in timeframes:
        step = market_service.parse_interval(timeframe)
        windows[timeframe] = (end - span - warm_up * step, end)
    asset, candles = await market_service.load_candle_windows(session, symbol, windows)
    results = {}
    for timeframe in timeframes:
        result, series = _timeframe(
            timeframe, indicators, specs, candles[timeframe], asset.symbol, pattern_bars
        )
        described: dict[str, Any] = {
            "s": asset.symbol,
            "tf": timeframe,
            "ind": indicators,
            "from": int(series.ts[-1]) - span,
            "to": int(series.ts[-1]) + 1,
        }
        if pattern_bars:
            # The bars the patterns were found on start at "ps", so the chart finds the same ones.
            described |= {"pb": pattern_bars, "ps": int(series.ts[0])}
        token = chart_token(settings, described | {"exp": int(utcnow().timestamp()) + CHART_TTL})
        result.chart_url = f"/api/charts/{token}.png"
        results[timeframe] = result
    primary = results[max(timeframes, key=market_service.parse_interval)]
    return TechnicalOut(
        symbol=asset.symbol,
        timeframe=primary.timeframe,
        indicators=primary.indicators,
        summary=primary.summary,
        chart_url=primary.chart_url,
        period=period,
        timeframes=results,
        timestamp=utcnow(),
    )
