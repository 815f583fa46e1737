"""GET /api/patterns/stats: 202 with a job the first time, then 200 with how the pattern did, checked against
a hand computation on the same stored bars; cached until the history changes, at least an hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Any

import httpx
import numpy as np
import pytest
import talib

from app.core.clock import FrozenClock
from app.quant.patterns import chart
from tests.conftest import Account, assert_error, register
from tests.patterns.conftest import HOUR, Market, iso, run_job
from tests.reports.conftest import hold_jobs

STATS = "/api/patterns/stats"


def by_hand(close: np.ndarray, bars: list[int], signs: list[int]) -> list[dict[str, Any]]:
    """Each horizon's count, share followed and median signed move, one occurrence at a time."""
    out = []
    for h in (1, 5, 20):
        moves = []
        for i, sign in zip(bars, signs, strict=True):
            if i + h < len(close):
                move = close[i + h] / close[i] - 1
                moves.append(move if sign == 0 else sign * move)
        followed = sum(1 for m in moves if m > 0) / len(moves) if moves else None
        out.append(
            {
                "bars": h,
                "count": len(moves),
                "followed": followed,
                "medianMove": median(moves) if moves else None,
            }
        )
    return out


def assert_horizons(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    assert [(h["bars"], h["count"], h["followed"]) for h in got] == [
        (h["bars"], h["count"], h["followed"]) for h in want
    ]
    for g, w in zip(got, want, strict=True):
        assert g["medianMove"] == pytest.approx(w["medianMove"], rel=1e-12)


async def record_of(client: httpx.AsyncClient, who: Account, params: dict[str, str]) -> dict[str, Any]:
    """The stats after the job the first GET started (checking the 202), from the second GET's 200."""
    first = await client.get(STATS, params=params, headers=who.headers)
    assert first.status_code == 202, first.text
    pending = first.json()["data"]
    assert pending["status"] == "PENDING" and pending["jobUrl"] == f"/api/jobs/{pending['jobId']}"
    job = await run_job(client, who, pending["jobId"])
    assert job["status"] == "DONE", job
    second = await client.get(STATS, params=params, headers=who.headers)
    assert second.status_code == 200, second.text
    data: dict[str, Any] = second.json()["data"]
    assert job["result"] == data  # the job's result is the record
    return data


async def test_a_candlestick_patterns_record_is_computed_by_a_job_then_served(
    client: httpx.AsyncClient, market: Market
) -> None:
    params = {"symbol": "BTC-USD", "pattern": "cdlengulfing", "interval": "1h"}
    data = await record_of(client, market.admin, params)
    signals = talib.CDLENGULFING(market.open, market.high, market.low, market.close)
    bars = [i for i in range(len(signals)) if signals[i] != 0]
    signs = [1 if signals[i] > 0 else -1 for i in bars]
    assert {k: v for k, v in data.items() if k not in ("horizons", "computedAt")} == {
        "symbol": "BTC-USD",
        "pattern": "CDLENGULFING",
        "title": "Engulfing",
        "direction": "both",
        "interval": "1h",
        "bars": 1200,
        "from": iso(market.ts[0]),
        "to": iso(market.ts[-1] + HOUR),
        "count": len(bars),
    }
    assert len(bars) > 50
    assert_horizons(data["horizons"], by_hand(market.close, bars, signs))
    assert data["horizons"][2]["count"] == len([i for i in bars if i + 20 < 1200])

    # A neutral pattern counts a move up as followed.
    doji = await record_of(client, market.admin, params | {"pattern": "CDLDOJI"})
    signals = talib.CDLDOJI(market.open, market.high, market.low, market.close)
    bars = [i for i in range(len(signals)) if signals[i] != 0]
    assert doji["direction"] == "neutral" and doji["count"] == len(bars)
    assert_horizons(doji["horizons"], by_hand(market.close, bars, [0] * len(bars)))


async def test_a_chart_patterns_record_counts_its_completions(
    client: httpx.AsyncClient, market: Market
) -> None:
    data = await record_of(client, market.admin, {"symbol": "BTC-USD", "pattern": "double_top"})
    found = chart.detect(market.ts, market.open, market.high, market.low, market.close, kinds=["double_top"])
    bars = [d.end.index for d in found.detections]
    assert data["count"] == len(bars) == 3 and data["direction"] == "bearish"
    assert_horizons(data["horizons"], by_hand(market.close, bars, [-1] * len(bars)))


async def test_one_job_per_caller_and_errors(
    client: httpx.AsyncClient, market: Market, monkeypatch: pytest.MonkeyPatch
) -> None:
    hold_jobs(monkeypatch, client)  # jobs stay PENDING: the same one is given again
    params = {"symbol": "BTC-USD", "pattern": "CDLHAMMER"}
    first = await client.get(STATS, params=params, headers=market.admin.headers)
    again = await client.get(STATS, params=params, headers=market.admin.headers)
    assert first.status_code == again.status_code == 202
    assert first.json()["data"]["jobId"] == again.json()["data"]["jobId"]
    other = await register(client)
    theirs = await client.get(STATS, params=params, headers=other.headers)
    assert theirs.status_code == 202 and theirs.json()["data"]["jobId"] != first.json()["data"]["jobId"]

    headers = market.admin.headers
    body = assert_error(
        await client.get(STATS, params={"symbol": "BTC-USD", "pattern": "hammer"}, headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert body["field"] == "pattern" and "hammer" in body["message"]
    body = assert_error(
        await client.get(STATS, params={"symbol": "NOPE-USD", "pattern": "CDLDOJI"}, headers=headers),
        400,
        "INVALID_SYMBOL",
    )
    assert body["field"] == "symbol"
    body = assert_error(
        await client.get(STATS, params={"symbol": "ETH-USD", "pattern": "CDLDOJI"}, headers=headers),
        404,
        "NO_DATA",
    )
    assert_error(
        await client.get(STATS, params=params | {"interval": "3h"}, headers=headers), 400, "INVALID_INTERVAL"
    )
    assert_error(await client.get(STATS, params=params), 401, "UNAUTHORIZED")


async def test_a_record_outlives_new_candles_for_an_hour(
    client: httpx.AsyncClient, market: Market, clock: FrozenClock
) -> None:
    clock.set(datetime.now(UTC) - timedelta(hours=2))  # behind the tokens' issue time, which PyJWT checks
    params = {"symbol": "BTC-USD", "pattern": "CDLENGULFING"}
    data = await record_of(client, market.admin, params)
    last = len(market.ts) - 1
    candle = {
        "timestamp": iso(market.ts[last] + HOUR),
        "open": float(market.close[last]),
        "high": float(market.close[last]) + 10,
        "low": float(market.close[last]) - 10,
        "close": float(market.close[last]) + 5,
        "volume": 1.0,
    }
    body = {"symbol": "BTC-USD", "interval": "1h", "candles": [candle]}
    pushed = await client.post("/api/data/candles", json=body, headers=market.admin.headers)
    assert pushed.status_code == 200, pushed.text
    kept = await client.get(STATS, params=params, headers=market.admin.headers)
    assert kept.status_code == 200 and kept.json()["data"] == data  # within the hour: served as computed
    clock.advance(3660)
    again = await record_of(
        client, market.admin, params
    )  # the history changed: computed again, with the new bar
    assert again["bars"] == 1201 and again["to"] == iso(market.ts[last] + 2 * HOUR)
    assert again["computedAt"] != data["computedAt"]
