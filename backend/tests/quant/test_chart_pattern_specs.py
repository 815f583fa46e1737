"""Chart patterns as catalog indicators: the values are chart.detect's completions on real candles, a value
never changes when later bars arrive, and they work in formulas with their parameters."""

from __future__ import annotations

import numpy as np
import pytest

from app.market import recordings
from app.quant.formula import FormulaError, parse
from app.quant.indicators import chart_patterns, library
from app.quant.indicators.spec import PRICE_INPUTS, Array, IndicatorError, Series
from app.quant.patterns import chart

NAMES = [kind.upper() for kind in chart.KINDS]


def real_series(symbol: str = "BTC-USD", bars: int = 6000) -> Series:
    candles = recordings.load(symbol, "1h")
    return Series(*(np.asarray(getattr(candles, column)[-bars:]) for column in ("ts", *PRICE_INPUTS)))


def head(series: Series, bars: int) -> Series:
    return Series(*(getattr(series, column)[:bars] for column in ("ts", *PRICE_INPUTS)))


@pytest.fixture(scope="module", params=["BTC-USD", "ETH-USD"])
def series(request: pytest.FixtureRequest) -> Series:
    return real_series(request.param)


def expected(kind: str, series: Series, threshold: float, tolerance: float) -> Array:
    """The signal built from detect()'s own list: the first detection on a bar gives its sign."""
    out = np.zeros(len(series))
    scan = chart.detect(
        series.ts, series.open, series.high, series.low, series.close, None, threshold, tolerance
    )
    for d in scan.detections:
        if d.kind == kind and out[d.end.index] == 0:
            out[d.end.index] = 1.0 if d.direction == "bullish" else -1.0
    out[: chart_patterns.LOOKBACK] = np.nan
    return out


@pytest.mark.parametrize("params", [{}, {"threshold": 2.0, "tolerance": 1.0}])
@pytest.mark.parametrize("name", NAMES)
def test_values_are_the_completions_detect_finds(series: Series, name: str, params: dict[str, float]) -> None:
    values = library.compute(name, series, params)["value"]
    bound = library.get(name).bind(params)
    want = expected(name.lower(), series, bound["threshold"] / 100, bound["tolerance"] / 100)
    np.testing.assert_array_equal(values, want)
    direction = chart_patterns.DIRECTIONS[name.lower()]
    signs = set(np.unique(values[~np.isnan(values)]).tolist()) - {0.0}
    assert signs <= {"bullish": {1.0}, "bearish": {-1.0}, "both": {1.0, -1.0}}[direction]


def test_every_kind_completes_on_real_candles() -> None:
    # On the whole BTC-USD recording (28,000 hours), else the comparisons above might prove little.
    whole = real_series("BTC-USD", 100_000)
    counts = {name: int(np.nansum(np.abs(library.compute(name, whole)["value"]))) for name in NAMES}
    assert min(counts.values()) > 0, counts


def test_no_look_ahead_a_value_never_changes_when_later_bars_arrive() -> None:
    series = real_series("BTC-USD", 1500)
    full = {name: library.compute(name, series)["value"] for name in NAMES}
    ends = {int(i) for values in full.values() for i in np.flatnonzero(np.nan_to_num(values))}
    assert len(ends) >= 10
    # Every bar a pattern completes on, the bar before it, and bars in between.
    cuts = sorted({*(e + 1 for e in ends), *ends, *range(1, len(series), 37)})
    for bars in cuts:
        for name in NAMES:
            np.testing.assert_array_equal(
                library.compute(name, head(series, bars))["value"],
                full[name][:bars],
                err_msg=f"{name} {bars}",
            )


def test_catalog_entries() -> None:
    for name in NAMES:
        entry = library.describe(library.get(name.lower()))
        assert entry["group"] == "chart pattern" and entry["outputs"] == ["value"]
        assert entry["inputs"] == ["high", "low", "close"] and entry["lookback"] == 59
        params = {p["name"]: (p["default"], p["min"], p["max"]) for p in entry["params"]}
        assert params == {"threshold": (3.0, 0.5, 50.0), "tolerance": (1.5, 0.1, 20.0)}
    assert len(library.CATALOG) == 131


def test_formulas_use_them_with_parameters(series: Series) -> None:
    bottoms = library.compute("DOUBLE_BOTTOM", series)["value"]
    formula = parse("double_bottom() > 0")
    assert formula.text == "DOUBLE_BOTTOM() > 0" and formula.lookback == 59
    np.testing.assert_array_equal(formula.evaluate(series), np.where(np.isnan(bottoms), np.nan, bottoms > 0))
    tight = library.compute("DOUBLE_TOP", series, {"threshold": 2, "tolerance": 1})["value"]
    for text in ("DOUBLE_TOP(2, 1)", "DOUBLE_TOP(threshold=2, tolerance=1)"):
        np.testing.assert_array_equal(parse(text).evaluate(series), tight)
    with pytest.raises(FormulaError, match=r"threshold must be between 0\.5 and 50"):
        parse("BULL_FLAG(threshold=60)")
    with pytest.raises(IndicatorError) as caught:
        library.get("BEAR_FLAG").bind({"tolerance": 0})
    assert caught.value.field == "tolerance"


@pytest.mark.parametrize("bars", [0, 1, 29, 59, 60])
def test_short_series(bars: int) -> None:
    values = library.compute("HEAD_AND_SHOULDERS", head(real_series("BTC-USD", 100), bars))["value"]
    assert values.shape == (bars,)
    assert np.isnan(values[:59]).all() and (values[59:] == 0).all()
