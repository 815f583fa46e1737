"""The PNG behind a chart URL: the signed spec's candles and indicators, rendered once per data version."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Any

import numpy as np
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.analysis import technical
from app.core.marketdata import to_series
from app.core.runtime import Runtime
from app.market import service as market_service
from app.patterns import service as patterns_service
from app.quant.indicators import library
from app.quant.indicators.spec import Series

PNG_TTL = 3600
BAND_OVERLAYS = ("BBANDS", "KELTNER", "DONCHIAN")


async def chart_png(session: AsyncSession, runtime: Runtime, token: str) -> bytes:
    """The chart a URL from the analysis describes; from the cache when the candles have not changed."""
    spec = technical.read_chart_token(runtime.settings, token)
    version = await market_service.history_version(runtime.cache, spec["s"])
    described = {k: v for k, v in spec.items() if k != "exp"}
    digest = hashlib.sha256(orjson.dumps([described, version], option=orjson.OPT_SORT_KEYS))
    key = f"chart:{digest.hexdigest()}"
    cached = await runtime.cache.get(key)
    if isinstance(cached, str):
        return base64.b64decode(cached)
    png = await _render(session, spec)
    await runtime.cache.set(key, base64.b64encode(png).decode(), ttl=PNG_TTL)
    return png


def _since(series: Series, start: int) -> Series:
    keep = series.ts >= start
    columns = (series.open, series.high, series.low, series.close, series.volume)
    return Series(series.ts[keep], *(np.asarray(c)[keep] for c in columns))


async def _render(session: AsyncSession, spec: dict[str, Any]) -> bytes:
    from app.analysis.charts import Marker, Shape, render_chart  # matplotlib: loaded by the first chart

    specs = [library.get(name) for name in spec["ind"]]
    warm_up = technical.warm_up_bars(specs) * market_service.parse_interval(spec["tf"])
    start, end = spec["from"] - warm_up, spec["to"]
    bars = spec.get("pb", 0)
    read_from = min(start, spec["ps"]) if bars else start
    _, raw = await market_service.load_candles(session, spec["s"], spec["tf"], read_from, end)
    loaded = to_series(raw)
    series = _since(loaded, start)  # the indicators' bars, as without patterns
    markers: list[Marker] = []
    shapes: list[Shape] = []
    if bars:
        scanned = _since(loaded, spec["ps"])  # the patterns' bars, as in the analysis
        ohlc = (scanned.open, scanned.high, scanned.low, scanned.close)
        for f in patterns_service.recent(scanned.ts, *ohlc, bars):
            if f.is_candle:
                markers.append(Marker(f.ts, f.direction, f.title))
            else:
                points = tuple((p.ts, p.price) for p in f.points)
                lines = tuple((ln.ts1, ln.price1, ln.ts2, ln.price2) for ln in f.lines)
                shapes.append(Shape(f.direction, f.title, points, lines))
    keep = series.ts >= spec["from"]
    overlays: dict[str, Any] = {}
    panels: dict[str, dict[str, Any]] = {}
    for name, indicator in zip(spec["ind"], specs, strict=True):
        outputs = {k: v[keep] for k, v in library.compute(indicator.name, series).items()}
        if indicator.group in technical.OVERLAY_GROUPS or indicator.name in BAND_OVERLAYS:
            overlays.update({f"{name} {k}" if len(outputs) > 1 else name: v for k, v in outputs.items()})
        else:
            panels[name] = outputs
    columns = [
        np.asarray(c)[keep] for c in (series.open, series.high, series.low, series.close, series.volume)
    ]
    return await asyncio.to_thread(
        render_chart,
        f"{spec['s']} {spec['tf']}",
        series.ts[keep],
        *columns,
        overlays=overlays,
        panels=panels,
        markers=markers,
        shapes=shapes,
    )
