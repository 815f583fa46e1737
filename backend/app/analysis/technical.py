"""POST /api/analysis/technical: indicators x timeframes over a period, latest values and signals."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.analysis import signals
from app.analysis.schemas import Reading, Summary, TechnicalOut, TimeframeOut
from app.config import Settings
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.indicators import library
from app.indicators.spec import IndicatorError, IndicatorSpec, Series
from app.market import service as market_service
from app.market.repository import RawCandles

PERIOD = re.compile(r"^(\d{1,4})([hdwy])$")
PERIOD_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
MAX_PERIOD_DAYS = 5 * 365
# Bars read before the period so EMA-type indicators have converged: ten lookbacks leave less than 1e-5 of
# the seed value in an EMA of that length, within these bounds.
WARM_UP_LOOKBACKS, MIN_WARM_UP, MAX_WARM_UP = 10, 100, 500
OVERLAY_GROUPS = ("overlap",)
CHART_TTL = 24 * 3600


def parse_period(period: str) -> int:
    """`90d` -> seconds; hours, days, weeks or years, up to five years."""
    match = PERIOD.match(period.strip().lower())
    if not match:
        raise AppError(
            ErrorCode.VALIDATION_ERROR, "period looks like 90d, 12h, 4w or 1y", field="period", status=400
        )
    seconds = int(match.group(1)) * PERIOD_SECONDS[match.group(2)]
    if not 0 < seconds <= MAX_PERIOD_DAYS * 86400:
        raise AppError(ErrorCode.RANGE_TOO_LARGE, "period must be between 1h and 5y", field="period")
    return seconds


def to_series(raw: RawCandles) -> Series:
    return Series(
        np.asarray(raw.ts, dtype=np.int64),
        *(np.asarray(c, dtype=np.float64) for c in (raw.open, raw.high, raw.low, raw.close, raw.volume)),
    )


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


def _timeframe(
    timeframe: str, names: list[str], specs: list[IndicatorSpec], raw: RawCandles, symbol: str
) -> tuple[TimeframeOut, Series]:
    series = to_series(raw)
    if not len(series):
        raise AppError(
            ErrorCode.NOT_FOUND,
            f"No {timeframe} candles for {symbol} in that period",
            status=404,
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
    if not hmac.compare_digest(mac, expected):
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
) -> TechnicalOut:
    """The seed's response for the coarsest timeframe, and every timeframe under `timeframes`."""
    span = parse_period(period)
    specs = []
    for name in indicators:
        try:
            specs.append(library.get(name))
        except IndicatorError as exc:
            raise AppError(ErrorCode.VALIDATION_ERROR, str(exc), field="indicators", status=400) from exc
    end = int((to or utcnow()).timestamp())
    warm_up = warm_up_bars(specs)
    windows = {}
    for timeframe in timeframes:
        step = market_service.parse_interval(timeframe)
        windows[timeframe] = (end - span - warm_up * step, end)
    asset, candles = await market_service.load_candle_windows(session, symbol, windows)
    results = {}
    for timeframe in timeframes:
        result, series = _timeframe(timeframe, indicators, specs, candles[timeframe], asset.symbol)
        token = chart_token(
            settings,
            {
                "s": asset.symbol,
                "tf": timeframe,
                "ind": indicators,
                "from": int(series.ts[-1]) - span,
                "to": int(series.ts[-1]) + 1,
                "exp": int(utcnow().timestamp()) + CHART_TTL,
            },
        )
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
