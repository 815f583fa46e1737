"""POST /api/analysis/technical: the seed's request, values equal TA-Lib per timeframe, signals, chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import numpy as np
import pytest
import talib

from app.analysis import chart_service
from app.config import Settings
from app.core.bootstrap import build_runtime
from app.market import service as market_service
from tests.conftest import Account, assert_error, make_admin, register

START = datetime(2026, 1, 1, tzinfo=UTC)
HOURS = 120 * 24


@pytest.fixture
async def loaded(settings: Settings, client: httpx.AsyncClient) -> tuple[Account, np.ndarray]:
    admin = await register(client)
    await make_admin(settings, admin.id)
    rng = np.random.default_rng(11)
    closes = 2500 * np.exp(np.cumsum(rng.normal(0, 0.006, HOURS)))
    candles = [
        {
            "timestamp": (START + timedelta(hours=i)).isoformat().replace("+00:00", "Z"),
            "open": float(closes[i - 1] if i else c),
            "high": float(max(c, closes[i - 1] if i else c) * 1.002),
            "low": float(min(c, closes[i - 1] if i else c) * 0.998),
            "close": float(c),
            "volume": 10.0,
        }
        for i, c in enumerate(closes)
    ]
    pushed = await client.post(
        "/api/data/candles",
        headers=admin.headers,
        json={"symbol": "ETH-USD", "interval": "1h", "candles": candles},
    )
    assert pushed.json()["data"]["accepted"] == HOURS
    return admin, closes


def _request(**overrides: object) -> dict[str, object]:
    end = (START + timedelta(hours=HOURS)).isoformat().replace("+00:00", "Z")
    return {
        "symbol": "ETH-USD",
        "indicators": ["RSI", "MACD", "BOLLINGER_BANDS"],
        "timeframes": ["1h", "4h", "1d"],
        "period": "90d",
        "to": end,
        **overrides,
    }


async def test_seed_request_matches_talib_on_every_timeframe(
    client: httpx.AsyncClient, loaded: tuple[Account, np.ndarray]
) -> None:
    admin, closes = loaded
    response = await client.post("/api/analysis/technical", json=_request(), headers=admin.headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["symbol"] == "ETH-USD" and data["timeframe"] == "1d"
    assert set(data["indicators"]) == {"RSI", "MACD", "BOLLINGER_BANDS"}
    assert data["chartUrl"].startswith("/api/charts/") and data["chartUrl"].endswith(".png")
    for timeframe, hours in (("1h", 1), ("4h", 4), ("1d", 24)):
        resampled = closes.reshape(-1, hours)[:, -1]  # the close of each bar is its last hour's close
        reading = data["timeframes"][timeframe]["indicators"]
        assert reading["RSI"]["value"] == pytest.approx(talib.RSI(resampled, 14)[-1], rel=1e-9)
        macd, signal, histogram = talib.MACD(resampled, 12, 26, 9)
        assert reading["MACD"]["value"] == pytest.approx(macd[-1], rel=1e-9)
        assert reading["MACD"]["histogram"] == pytest.approx(histogram[-1], rel=1e-9)
        assert reading["MACD"]["signal"] == pytest.approx(signal[-1], rel=1e-9)
        assert reading["MACD"]["trend"] == ("BULLISH" if histogram[-1] > 0 else "BEARISH")
        upper, middle, lower = talib.BBANDS(resampled, 20, 2, 2)
        assert reading["BOLLINGER_BANDS"]["upper"] == pytest.approx(upper[-1], rel=1e-9)
        assert reading["BOLLINGER_BANDS"]["middle"] == pytest.approx(middle[-1], rel=1e-9)
        assert reading["BOLLINGER_BANDS"]["lower"] == pytest.approx(lower[-1], rel=1e-9)
        assert reading["BOLLINGER_BANDS"]["position"] in {
            "ABOVE_UPPER",
            "NEAR_UPPER",
            "MIDDLE",
            "NEAR_LOWER",
            "BELOW_LOWER",
        }
        rsi = reading["RSI"]["value"]
        assert reading["RSI"]["signal"] == (
            "OVERBOUGHT" if rsi > 70 else "OVERSOLD" if rsi < 30 else "NEUTRAL"
        )
        assert data["timeframes"][timeframe]["summary"]["signal"] in {"BULLISH", "BEARISH", "NEUTRAL"}


async def test_bad_requests(client: httpx.AsyncClient, loaded: tuple[Account, np.ndarray]) -> None:
    admin, _ = loaded
    post = client.post
    body = assert_error(
        await post("/api/analysis/technical", json=_request(indicators=["NOPE"]), headers=admin.headers),
        422,
        "VALIDATION_ERROR",
    )
    assert body["field"] == "indicators"
    assert_error(
        await post("/api/analysis/technical", json=_request(timeframes=["2h"]), headers=admin.headers),
        400,
        "INVALID_INTERVAL",
    )
    body = assert_error(
        await post("/api/analysis/technical", json=_request(period="forever"), headers=admin.headers),
        422,
        "VALIDATION_ERROR",
    )
    assert body["field"] == "period"
    assert_error(
        await post("/api/analysis/technical", json=_request(symbol="BTC-INVALID"), headers=admin.headers),
        400,
        "INVALID_SYMBOL",
    )
    assert_error(
        await post("/api/analysis/technical", json=_request(symbol="SOL-USD"), headers=admin.headers),
        404,
        "NOT_FOUND",
    )


async def test_chart_is_a_png_behind_a_signed_url(
    client: httpx.AsyncClient, loaded: tuple[Account, np.ndarray]
) -> None:
    admin, _ = loaded
    data = (
        await client.post("/api/analysis/technical", json=_request(timeframes=["4h"]), headers=admin.headers)
    ).json()["data"]
    chart = await client.get(data["chartUrl"])  # no Authorization: an <img> cannot send one
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png"
    assert chart.content.startswith(b"\x89PNG\r\n\x1a\n")
    forged = data["chartUrl"].replace(".png", "0.png")
    assert_error(await client.get(forged), 404, "NOT_FOUND")


async def test_chart_is_drawn_once_per_data_version(
    client: httpx.AsyncClient, loaded: tuple[Account, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, _ = loaded
    drawn: list[dict[str, object]] = []
    render = chart_service._render

    async def counting(session: object, spec: dict[str, object]) -> bytes:
        drawn.append(spec)
        return await render(session, spec)  # type: ignore[arg-type]

    monkeypatch.setattr(chart_service, "_render", counting)
    url = (
        await client.post("/api/analysis/technical", json=_request(timeframes=["1d"]), headers=admin.headers)
    ).json()["data"]["chartUrl"]
    first, second = await client.get(url), await client.get(url)
    assert first.content == second.content and len(drawn) == 1
    # A correction to a candle of the period changes the data: the chart is drawn again.
    candle = {
        "timestamp": "2026-03-01T00:00:00Z",
        "open": 1,
        "high": 2,
        "low": 0.5,
        "close": 1.5,
        "volume": 1,
    }
    pushed = await client.post(
        "/api/data/candles",
        headers=admin.headers,
        json={"symbol": "ETH-USD", "interval": "1h", "candles": [candle]},
    )
    assert pushed.status_code == 200, pushed.text
    third = await client.get(url)
    assert third.status_code == 200 and len(drawn) == 2 and third.content != first.content


async def test_timeframes_not_stored_are_resampled_from_one_read(
    settings: Settings, loaded: tuple[Account, np.ndarray]
) -> None:
    end = int((START + timedelta(hours=HOURS)).timestamp())
    windows = {"1h": (end - 10 * 86400, end), "4h": (end - 40 * 86400, end), "1d": (end - 100 * 86400, end)}
    async with build_runtime(settings, role="cli") as runtime, runtime.db.session() as session:
        _, together = await market_service.load_candle_windows(session, "ETH-USD", windows)
        for interval, (start, stop) in windows.items():
            _, alone = await market_service.load_candles(session, "ETH-USD", interval, start, stop)
            assert together[interval] == alone
            assert len(alone.ts) == (stop - start) // market_service.parse_interval(interval)
