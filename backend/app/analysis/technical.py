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
from app.config import Settings
from app.core.clock import isoformat_z, utcnow
from app.core.errors import AppError, ErrorCode
from app.indicators import library
from app.indicators.spec import IndicatorError, IndicatorSpec, Series
from app.market import service as market_service
from app.market.repository import RawCandles

PERIOD = re.compile(r"^(\d{1,4})([hdwy])$")
PERIOD_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
MAX_PERIOD_DAYS = 5 * 365
WARM_UP = 500  # bars before the period so EMA-type indicators have converged
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


def _series(raw: RawCandles) -> Series:
    return Series(
        np.asarray(raw.ts, dtype=np.int64),
        *(np.asarray(c, dtype=np.float64) for c in (raw.open, raw.high, raw.low, raw.close, raw.volume)),
    )


def _reading(spec: IndicatorSpec, series: Series) -> dict[str, Any]:
    outputs = library.compute(spec.name, series)
    rule = signals.RULES.get(spec.name)
    if rule is not None:
        return rule(outputs, series.close)
    return signals.generic(outputs, series.close, overlay=spec.group in OVERLAY_GROUPS)


async def _timeframe(
    session: AsyncSession,
    symbol: str,
    timeframe: str,
    names: list[str],
    specs: list[IndicatorSpec],
    span: int,
    end: int,
) -> tuple[dict[str, Any], Series]:
    step = market_service.parse_interval(timeframe)
    asset, raw = await market_service.load_candles(
        session, symbol, timeframe, end - span - WARM_UP * step, end
    )
    series = _series(raw)
    if not len(series):
        raise AppError(
            ErrorCode.NOT_FOUND,
            f"No {timeframe} candles for {asset.symbol} in that period",
            status=404,
            field="symbol",
        )
    readings = {name: _reading(spec, series) for name, spec in zip(names, specs, strict=True)}
    result = {
        "timeframe": timeframe,
        "candleTime": isoformat_z(datetime.fromtimestamp(int(series.ts[-1]), UTC)),
        "close": float(series.close[-1]),
        "indicators": readings,
        "summary": signals.summary(readings),
    }
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
) -> dict[str, Any]:
    """The seed's response for the coarsest timeframe, and every timeframe under `timeframes`."""
    span = parse_period(period)
    specs = []
    for name in indicators:
        try:
            specs.append(library.get(name))
        except IndicatorError as exc:
            raise AppError(ErrorCode.VALIDATION_ERROR, str(exc), field="indicators", status=400) from exc
    for timeframe in timeframes:
        market_service.parse_interval(timeframe)
    asset = await market_service.resolve(session, symbol)
    end = int((to or utcnow()).timestamp())
    results = {}
    for timeframe in timeframes:
        result, series = await _timeframe(session, asset.symbol, timeframe, indicators, specs, span, end)
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
        result["chartUrl"] = f"/api/charts/{token}.png"
        results[timeframe] = result
    primary = results[max(timeframes, key=market_service.parse_interval)]
    return {
        "symbol": asset.symbol,
        "timeframe": primary["timeframe"],
        "indicators": primary["indicators"],
        "summary": primary["summary"],
        "chartUrl": primary["chartUrl"],
        "period": period,
        "timeframes": results,
        "timestamp": isoformat_z(utcnow()),
    }
