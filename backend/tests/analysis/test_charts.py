"""render_chart: a decodable PNG of the requested size, with overlays, panels, NaNs, 1 and 2,000 bars."""

from __future__ import annotations

import io
from typing import Any

import matplotlib
import numpy as np
import pytest
from matplotlib.image import imread

from app.analysis.charts import Marker, Shape, render_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
START = 1_767_225_600  # 2026-01-01T00:00:00Z


def candles(n: int, seed: int = 7) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    close = 50_000 * np.exp(np.cumsum(rng.normal(0, 0.005, n)))
    open_ = np.concatenate([[close[0]], close[:-1]])
    spread = np.abs(rng.normal(0, 0.002, n)) * close
    return {
        "ts": START + 3600 * np.arange(n, dtype=np.int64),
        "open": open_,
        "high": np.maximum(open_, close) + spread,
        "low": np.minimum(open_, close) - spread,
        "close": close,
        "volume": rng.uniform(10, 1_000, n),
    }


def sma(values: np.ndarray, period: int) -> np.ndarray:
    out = np.full(len(values), np.nan)
    if len(values) >= period:
        out[period - 1 :] = np.convolve(values, np.ones(period) / period, mode="valid")
    return out


def indicators(bars: dict[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    close = bars["close"]
    middle = sma(close, 20)
    overlays = {"SMA(20)": middle, "BB upper": middle * 1.02, "BB lower": middle * 0.98}
    macd = sma(close, 12) - sma(close, 26)
    signal = sma(np.nan_to_num(macd), 9)
    rsi = 50 + 20 * np.sin(np.arange(len(close)) / 7)
    panels = {
        "RSI": {"RSI(14)": rsi},
        "MACD": {"macd": macd, "signal": signal, "histogram": macd - signal},
    }
    return overlays, panels


def decode(png: bytes) -> np.ndarray:
    assert png.startswith(PNG_SIGNATURE)
    image: np.ndarray = imread(io.BytesIO(png), format="png")
    return image


def assert_size(png: bytes, width: int, height: int) -> np.ndarray:
    image = decode(png)
    assert abs(image.shape[1] - width) <= 1
    assert abs(image.shape[0] - height) <= 1
    return image


def test_default_size_png() -> None:
    image = assert_size(render_chart("BTC-USD 1h", **candles(100)), 1200, 800)
    assert image.std() > 0  # not blank


@pytest.mark.parametrize(("width", "height"), [(800, 600), (1001, 777)])
def test_overlays_and_panels(width: int, height: int) -> None:
    bars = candles(300)
    overlays, panels = indicators(bars)
    png = render_chart(
        "ETH-USD 1h", **bars, overlays=overlays, panels=panels, width_px=width, height_px=height
    )
    assert_size(png, width, height)


def test_nans_are_skipped() -> None:
    bars = candles(120)
    overlays, panels = indicators(bars)  # leading NaNs, like TA-Lib's warm-up
    for key in ("open", "high", "low", "close", "volume"):
        bars[key][[5, 50]] = np.nan
    panels["RSI"]["RSI(14)"][60:70] = np.nan
    panels["MACD"]["histogram"][:] = np.nan  # an all-NaN series
    png = render_chart("with gaps", **bars, overlays=overlays, panels=panels)
    assert_size(png, 1200, 800)


def test_one_bar() -> None:
    bars = candles(1)
    overlays, panels = indicators(bars)  # all NaN at one bar
    assert_size(render_chart("one", **bars, overlays=overlays, panels=panels), 1200, 800)


def test_two_thousand_bars() -> None:
    bars = candles(2_000)
    overlays, panels = indicators(bars)
    png = render_chart("BTC-USD 1h", **bars, overlays=overlays, panels=panels, width_px=1600, height_px=900)
    assert_size(png, 1600, 900)


def test_patterns_are_drawn_beside_their_bars() -> None:
    bars = candles(120)
    ts, close = bars["ts"], bars["close"]
    markers = [
        Marker(int(ts[10]), "bullish", "Hammer"),
        Marker(int(ts[10]), "bullish", "Engulfing"),  # stacked under the first
        Marker(int(ts[40]), "bearish", "Shooting Star"),
        Marker(int(ts[60]), "neutral", "Doji"),
        Marker(int(ts[0]) - 3600, "bullish", "not drawn"),  # before the first bar: left out
    ]
    points = tuple((int(ts[i]), float(close[i])) for i in (70, 80, 90, 110))
    neckline = float(close[80])
    shapes = [Shape("bearish", "Double top", points, ((int(ts[70]), neckline, int(ts[110]), neckline),))]
    plain = decode(render_chart("BTC-USD 1h", **bars))
    drawn = assert_size(render_chart("BTC-USD 1h", **bars, markers=markers, shapes=shapes), 1200, 800)
    assert not np.array_equal(plain, drawn)


def test_global_matplotlib_state_untouched_and_ignored() -> None:
    before = dict(matplotlib.rcParams)
    # A caller's global savefig settings (a tight bbox would change the size) do not apply.
    with matplotlib.rc_context({"savefig.bbox": "tight", "savefig.dpi": 300}):
        png = render_chart("rc", **candles(50), width_px=640, height_px=480)
    assert_size(png, 640, 480)
    assert dict(matplotlib.rcParams) == before


def test_invalid_input() -> None:
    bars = candles(10)
    with pytest.raises(ValueError, match="overlay"):
        render_chart("x", **bars, overlays={"overlay": np.zeros(9)})
    with pytest.raises(ValueError, match="no bars"):
        render_chart("x", **{key: values[:0] for key, values in bars.items()})
