"""Alert backtest: when a rule would have fired over stored history, and how the price moved afterwards.

Bar rules run exactly as the engine runs them at each bar close (`conditions.Spec` on the same operand and
candles). Price rules, which the engine evaluates on every tick, are replayed on 1-minute closes: a crossing
inside a minute that the close does not show is not seen, so live rules can fire a little more often. A
confirmed price rule reads, at each minute, its indicator's latest bar closed by then, as a live tick does.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy.ext.asyncio import AsyncSession

from app.alerts import service
from app.alerts.conditions import Spec, direction_up, pick
from app.alerts.operands import BarRule, Confirmed, invalid
from app.alerts.schemas import AlertBacktestOut, BacktestIn, BacktestTrigger, HorizonSummary
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.core.marketdata import INTERVALS, to_series
from app.market import service as market_service
from app.users.service import User

HORIZONS = {"1h": 3600, "24h": 86400, "7d": 7 * 86400}
DEFAULT_DAYS = 30
MAX_BARS = 200_000  # evaluated bars per run (1m: ~139 days)
MAX_LISTED = 1000  # triggers listed (all are counted)


async def run(session: AsyncSession, user: User, body: BacktestIn) -> AlertBacktestOut:
    if body.condition in service.SERIES_CONDITIONS:
        raise invalid(f"{body.condition} is judged on a research series, not on price history", "condition")
    asset = await market_service.resolve(session, body.symbol)
    threshold, metadata = body.threshold, body.metadata
    built = await service.check_rule(session, user.id, body.condition, threshold, metadata, body.frequency)
    confirmed = built if isinstance(built, Confirmed) else None
    bar = built if isinstance(built, BarRule) else None
    if bar is None:  # a price rule: its ticks are replayed as 1-minute closes
        assert threshold is not None
        bar = BarRule(Spec(body.condition, threshold), None, "1m")
    step = bar.step
    end = int((body.to or utcnow()).timestamp())
    end -= end % step
    start = int(body.from_.timestamp()) if body.from_ else end - DEFAULT_DAYS * 86400
    if start >= end:
        raise AppError(ErrorCode.INVALID_RANGE, "from must be before to", field="from")
    if (end - start) // step > MAX_BARS:
        raise AppError(
            ErrorCode.RANGE_TOO_LARGE, f"more than {MAX_BARS:,} {bar.timeframe} bars; narrow it", field="from"
        )
    horizon_end = min(end + max(HORIZONS.values()), int(utcnow().timestamp()))
    _, loaded = await market_service.load_candle_windows(
        session, asset.symbol, {bar.timeframe: (start - bar.warm_up * step, max(end, horizon_end))}
    )
    candles = loaded[bar.timeframe]
    series = to_series(candles)
    ends = series.ts + step
    values = bar.values(series)
    first = int(np.searchsorted(ends, start, side="right"))
    stop = int(np.searchsorted(ends, end, side="right"))
    gate = None
    if confirmed is not None:
        gate = await _confirmations(session, asset.symbol, confirmed, ends[:stop], start)
    signals = bar.spec.signals(values[:stop], series.volume[:stop], first, gate)
    hits = (np.flatnonzero(signals[first:]) + first).tolist()
    times = [datetime.fromtimestamp(int(ends[i]), UTC) for i in hits]
    timeframe = confirmed.timeframe if confirmed is not None else str(metadata.get("timeframe", "1m"))
    bar_seconds = INTERVALS.get(timeframe, 60)
    fired = set(pick(times, body.frequency, float(body.cooldown_seconds), None, bar_seconds))
    later = await _forward_prices(session, asset.symbol, step, ends, series.close, start, horizon_end)
    triggers = []
    for i, at in zip(hits, times, strict=True):
        if at not in fired:
            continue
        value, price = float(values[i]), float(series.close[i])
        previous = float(values[i - 1]) if i > 0 and not np.isnan(values[i - 1]) else None
        when = at.timestamp()
        returns = {label: _return(later, when + seconds, price) for label, seconds in HORIZONS.items()}
        direction = "UP" if direction_up(bar.spec, value, previous) else "DOWN"
        triggers.append(
            BacktestTrigger(timestamp=at, price=price, value=value, direction=direction, returns=returns)
        )
    return AlertBacktestOut(
        symbol=asset.symbol,
        condition=body.condition,
        operand=bar.operand if bar.formula is not None else "PRICE",
        timeframe=bar.timeframe,
        evaluated_on="BAR_CLOSES" if bar.formula is not None or bar.timeframe != "1m" else "MINUTE_CLOSES",
        from_=datetime.fromtimestamp(start, UTC),
        to=datetime.fromtimestamp(end, UTC),
        bars=max(0, stop - first),
        count=len(triggers),
        triggers=triggers[:MAX_LISTED],
        summary=_summary(triggers),
    )


async def _confirmations(
    session: AsyncSession, symbol: str, confirmed: Confirmed, minutes: np.ndarray, start: int
) -> npt.NDArray[np.bool_]:
    """Per minute close, whether the indicator's latest bar closed by then confirms (as on a live tick)."""
    step = confirmed.step
    stop = int(minutes[-1]) if len(minutes) else start
    begin = start - start % step - confirmed.warm_up * step
    windows = {confirmed.timeframe: (begin, stop)}
    _, loaded = await market_service.load_candle_windows(session, symbol, windows)
    series = to_series(loaded[confirmed.timeframe])
    closes = series.ts + step
    readings = confirmed.values(series)
    if not len(closes):
        return np.zeros(len(minutes), dtype=np.bool_)
    latest = np.searchsorted(closes, minutes, side="right") - 1
    at = np.maximum(latest, 0)
    # Only the bar that closed last before the minute counts: a gap in the history is no reading.
    fresh = (latest >= 0) & (closes[at] > minutes - step)
    return confirmed.confirmation.mask(np.where(fresh, readings[at], np.nan))


async def _forward_prices(
    session: AsyncSession, symbol: str, step: int, ends: np.ndarray, closes: np.ndarray, start: int, stop: int
) -> tuple[np.ndarray, np.ndarray]:
    """(close times, closes) to read later prices from: the rule's own bars when they are an hour or finer,
    else hourly bars (a 1h return cannot be read off daily bars)."""
    if step <= 3600:
        return ends, closes
    _, hourly = await market_service.load_candles(session, symbol, "1h", start, stop)
    return np.asarray(hourly.ts, dtype=np.int64) + 3600, np.asarray(hourly.close, dtype=np.float64)


def _return(later: tuple[np.ndarray, np.ndarray], when: float, price: float) -> float | None:
    """The change from `price` to the last close at or before `when`; None when history stops before it."""
    ends, closes = later
    if not len(ends) or when > ends[-1]:
        return None
    at = int(np.searchsorted(ends, when, side="right")) - 1
    return round(float(closes[at]) / price - 1.0, 6) if at >= 0 else None


def _summary(triggers: list[BacktestTrigger]) -> dict[str, HorizonSummary]:
    """Per horizon: triggers judged, mean and median return, and the share that kept the alert's direction."""
    out = {}
    for label in HORIZONS:
        judged = [(r, t.direction) for t in triggers if (r := t.returns[label]) is not None]
        moves = np.array([r for r, _ in judged])
        kept = sum((r > 0) if d == "UP" else (r < 0) for r, d in judged)
        out[label] = HorizonSummary(
            judged=len(judged),
            mean_return=round(float(moves.mean()), 6) if judged else None,
            median_return=round(float(np.median(moves)), 6) if judged else None,
            in_direction=round(kept / len(judged), 4) if judged else None,
        )
    return out
