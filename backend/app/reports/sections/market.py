"""Market and technical sections: prices over the period from stored candles, indicators and their signals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from app.analysis import service as analysis_service
from app.config import Settings
from app.core.errors import AppError
from app.core.marketdata import RawCandles, to_series
from app.market import service as market_service
from app.quant.indicators import library
from app.reports.document import Chart, Column, Figure, Origin, Section, Series, Table
from app.reports.sections.common import at, finite

WARM_UP_BARS = 40  # Bollinger 20 and RSI 14 have converged well within this many bars before the period
TECHNICAL_INDICATORS = ["RSI", "MACD", "BOLLINGER_BANDS", "SMA", "EMA", "ADX", "STOCH"]


@dataclass(frozen=True)
class Window:
    interval: str  # the candles charted: 1h for a day, 4h for a week, 1d beyond
    start: int  # epoch seconds, inclusive
    end: int  # epoch seconds, exclusive
    period: str  # "1d", "7d", "30d", "90d": the technical analysis's period


@dataclass(frozen=True)
class Prices:
    symbol: str
    candles: RawCandles  # the period only
    origin: Origin | None
    chart: Chart | None


def _chart(symbol: str, raw: RawCandles, first: int, origin: Origin | None) -> Chart:
    """Close, Bollinger bands (20, 2) and SMA 20 in the main pane; RSI 14 below."""
    series = to_series(raw)
    bands = library.compute("BOLLINGER_BANDS", series)
    sma = library.compute("SMA", series, {"period": 20})["value"]
    rsi = library.compute("RSI", series)["value"]

    def cut(values: np.ndarray) -> list[float | None]:
        return [finite(float(v)) for v in values[first:]]

    return Chart(
        title=f"{symbol}: close with Bollinger bands (20, 2) and SMA 20; RSI 14",
        kind="time",
        x=[at(t) for t in raw.ts[first:]],
        series=[
            Series("Close", cut(series.close)),
            Series("SMA 20", cut(sma)),
            Series("Bollinger upper", cut(bands["upper"])),
            Series("Bollinger lower", cut(bands["lower"])),
            Series("RSI 14", cut(rsi), pane=1),
        ],
        y_kind="money",
        origin=origin,
    )


async def prices(session: AsyncSession, symbol: str, window: Window) -> Prices:
    step = market_service.parse_interval(window.interval)
    asset, raw = await market_service.load_candles(
        session, symbol, window.interval, window.start - WARM_UP_BARS * step, window.end
    )
    period = market_service.slice_candles(raw, window.start, window.end)
    first = len(raw.ts) - len(period.ts)
    if not period.ts:
        return Prices(asset.symbol, period, None, None)
    sources = sorted(set(period.source))
    origin = Origin(f"{', '.join(sources)} {window.interval} candles", at(period.ts[-1] + step))
    return Prices(asset.symbol, period, origin, _chart(asset.symbol, raw, first, origin))


def _change(candles: RawCandles) -> float | None:
    first, last = candles.open[0], candles.close[-1]
    return finite((last - first) / first) if first else None


def market_section(found: list[Prices], window: Window) -> Section:
    rows, missing = [], []
    for p in found:
        c = p.candles
        if not c.ts:
            missing.append(p.symbol)
            continue
        assert p.origin is not None
        rows.append(
            [
                p.symbol,
                c.close[-1],
                _change(c),
                max(c.high),
                min(c.low),
                sum(c.volume),
                p.origin.source,
                p.origin.as_of,
            ]
        )
    table = Table(
        f"Prices over the period ({window.interval} candles)",
        [
            Column("Symbol"),
            Column("Last close", "money"),
            Column("Change", "percent"),
            Column("High", "money"),
            Column("Low", "money"),
            Column("Volume (base units)", "number"),
            Column("Source"),
            Column("As of", "datetime"),
        ],
        rows,
    )
    paragraphs = [f"From {at(window.start):%Y-%m-%d %H:%M} to {at(window.end):%Y-%m-%d %H:%M} UTC."]
    if missing:
        paragraphs.append(f"No stored candles in the period for {', '.join(missing)}.")
    return Section("market", "Market", paragraphs, tables=[table], charts=[p.chart for p in found if p.chart])


async def technical_section(
    session: AsyncSession, settings: Settings, symbols: list[str], window: Window
) -> Section:
    figures, tables, paragraphs = [], [], []
    for symbol in symbols:
        try:
            result = await analysis_service.technical_analysis(
                session, settings, symbol, TECHNICAL_INDICATORS, [window.interval], window.period, None
            )
        except AppError as exc:
            paragraphs.append(f"{symbol}: no technical analysis ({exc.message}).")
            continue
        frame = result.timeframes[window.interval]
        origin = Origin(f"{window.interval} candles, indicators by TA-Lib", frame.candle_time)
        figures.append(
            Figure(
                f"{result.symbol} signal",
                f"{frame.summary.signal} (score {frame.summary.score:+d} of {frame.summary.votes} votes)",
                "text",
                origin,
            )
        )
        rows = []
        for name, reading in frame.indicators.items():
            numbers = {k: v for k, v in reading.items() if isinstance(v, int | float)}
            labels = {k: v for k, v in reading.items() if isinstance(v, str)}
            shown = ", ".join(f"{k} {v:,.4g}" for k, v in numbers.items() if k != "value")
            rows.append(
                [
                    name,
                    numbers.get("value"),
                    shown or None,
                    labels.get("signal") or ", ".join(labels.values()) or None,
                ]
            )
        tables.append(
            Table(
                f"{result.symbol}: indicators on the last {window.interval} candle",
                [Column("Indicator"), Column("Value", "number"), Column("Other outputs"), Column("Reading")],
                rows,
                origin,
            )
        )
    return Section("technical", "Technical analysis", paragraphs, figures, tables)
