"""GET /api/patterns (catalogue) and /api/patterns/{symbol}: what the stored bars show, equal to the
pure detectors on the same bars, filtered by `kinds`, with no look-ahead; its errors; every user sees it."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np

from app.patterns.scan import CHART_KINDS
from app.quant.indicators import candles
from app.quant.patterns import chart
from tests.conftest import assert_error, register
from tests.patterns.conftest import HOUR, Market, iso

WARM_UP = 300  # app.patterns.service.WARM_UP_BARS, written out: the contract says 300 bars


def _tp(ts: int, price: float) -> dict[str, Any]:
    return {"time": iso(ts), "price": price}


def expected(market: Market, start: int, end: int, kinds: set[str] | None = None) -> dict[str, Any]:
    """The answer computed here: TA-Lib and chart.detect on the bars of [start - 300 bars, end)."""
    ts, o, h, lo, c = market.window(start - WARM_UP * HOUR, end)
    offset = int((ts < start).sum())
    names = [n for n in candles.CATALOG if kinds is None or n in kinds]
    found_candles = []
    for hit in candles.found(o, h, lo, c, last_n=len(ts) - offset, names=names) if names else []:
        pattern = candles.CATALOG[hit.name]
        direction = (
            "neutral" if pattern.direction == "neutral" else "bullish" if hit.signal > 0 else "bearish"
        )
        found_candles.append(
            {
                "pattern": hit.name,
                "title": pattern.title,
                "direction": direction,
                "signal": hit.signal,
                "time": iso(ts[hit.bar]),
                "price": float(c[hit.bar]),
            }
        )
    chart_kinds = [k for k in chart.KINDS if kinds is None or k in kinds]
    scan = chart.detect(ts, o, h, lo, c, kinds=chart_kinds)
    detections = [
        {
            "kind": d.kind,
            "title": CHART_KINDS[d.kind][0],
            "direction": d.direction,
            "start": iso(d.start.ts),
            "end": iso(d.end.ts),
            "breakoutLevel": d.breakout_level,
            "target": d.target,
            "confidence": d.confidence,
            "points": [{"time": iso(p.ts), "price": p.price, "label": p.label} for p in d.points],
            "lines": [
                {"label": ln.label, "from": _tp(ln.ts1, ln.price1), "to": _tp(ln.ts2, ln.price2)}
                for ln in d.lines
            ],
        }
        for d in scan.detections
        if d.end.index >= offset
    ]
    levels = [
        {
            "price": lv.price,
            "kind": lv.kind,
            "touches": len(lv.touches),
            "strength": lv.strength,
            "firstTouch": iso(lv.first.ts),
            "lastTouch": iso(lv.last.ts),
        }
        for lv in scan.levels
    ]
    lines = [
        {
            "kind": t.kind,
            "touches": len(t.touches),
            "from": _tp(t.line.ts1, t.line.price1),
            "to": _tp(t.line.ts2, t.line.price2),
            "channel": None
            if t.channel is None
            else {"from": _tp(t.channel.ts1, t.channel.price1), "to": _tp(t.channel.ts2, t.channel.price2)},
        }
        for t in scan.trend_lines
    ]
    return {
        "bars": len(ts) - offset,
        "candles": found_candles,
        "chart": detections,
        "levels": levels if kinds is None or "levels" in kinds else [],
        "trendLines": lines if kinds is None or "trendlines" in kinds else [],
        "note": scan.note,
    }


async def test_the_catalogue_lists_every_candlestick_pattern_and_chart_kind(
    client: httpx.AsyncClient, market: Market
) -> None:
    response = await client.get("/api/patterns", headers=market.admin.headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert len(data["candles"]) == 61
    assert data["candles"][0] == {
        "name": "CDL2CROWS",
        "title": "Two Crows",
        "direction": "bearish",
        "candles": 3,
        "description": candles.CATALOG["CDL2CROWS"].description,
    }
    assert [p["name"] for p in data["candles"]] == list(candles.CATALOG)
    assert {p["name"]: p["direction"] for p in data["candles"]}["CDLENGULFING"] == "both"
    assert data["chart"] == [
        {"kind": "double_top", "title": "Double top", "direction": "bearish"},
        {"kind": "double_bottom", "title": "Double bottom", "direction": "bullish"},
        {"kind": "head_and_shoulders", "title": "Head and shoulders", "direction": "bearish"},
        {"kind": "inverse_head_and_shoulders", "title": "Inverse head and shoulders", "direction": "bullish"},
        {"kind": "ascending_triangle", "title": "Ascending triangle", "direction": "bullish"},
        {"kind": "descending_triangle", "title": "Descending triangle", "direction": "bearish"},
        {"kind": "symmetrical_triangle", "title": "Symmetrical triangle", "direction": "both"},
        {"kind": "bull_flag", "title": "Bull flag", "direction": "bullish"},
        {"kind": "bear_flag", "title": "Bear flag", "direction": "bearish"},
    ]
    assert_error(await client.get("/api/patterns"), 401, "UNAUTHORIZED")


async def test_the_latest_500_bars_equal_the_detectors_on_the_same_bars(
    client: httpx.AsyncClient, market: Market
) -> None:
    response = await client.get("/api/patterns/btc-usd", headers=market.admin.headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    end = int(market.ts[-1]) + HOUR
    start = end - 500 * HOUR
    assert {k: data[k] for k in ("symbol", "interval", "from", "to", "bars", "source", "asOf")} == {
        "symbol": "BTC-USD",
        "interval": "1h",
        "from": iso(start),
        "to": iso(end),
        "bars": 500,
        "source": "PUSH",
        "asOf": iso(end),
    }
    want = expected(market, start, end)
    assert {k: data[k] for k in want} == want
    # Real bars show all of it: chart patterns (some started before the range), levels and lines.
    assert len(data["candles"]) > 100 and {"bullish", "bearish", "neutral"} <= {
        c["direction"] for c in data["candles"]
    }
    assert [d["kind"] for d in data["chart"]] == [
        "ascending_triangle",
        "double_top",
        "double_bottom",
        "double_top",
    ]
    assert data["levels"] and data["trendLines"] and data["note"] is None
    # Public market data: another user (not an admin) is given the same.
    other = await register(client)
    again = await client.get("/api/patterns/BTC-USD", headers=other.headers)
    assert again.json()["data"] == data


async def test_a_range_reads_nothing_after_to_and_finds_what_started_before_from(
    client: httpx.AsyncClient, market: Market
) -> None:
    start, end = int(market.ts[700]), int(market.ts[1000])
    response = await client.get(
        "/api/patterns/BTC-USD",
        params={"interval": "1h", "from": iso(start), "to": iso(end)},
        headers=market.admin.headers,
    )
    data = response.json()["data"]
    assert (data["from"], data["to"], data["bars"], data["asOf"]) == (iso(start), iso(end), 300, iso(end))
    want = expected(market, start, end)  # computed without the 300 bars after `to`
    assert {k: data[k] for k in want} == want
    assert data["chart"] and all(start <= _epoch(d["end"]) < end for d in data["chart"])
    assert any(_epoch(d["start"]) < start for d in data["chart"]), "the warm-up finds patterns begun earlier"
    assert all(start <= _epoch(c["time"]) < end for c in data["candles"])


def _epoch(text: str) -> int:
    return int(np.datetime64(text.rstrip("Z"), "s").astype(np.int64))


async def test_kinds_choose_what_is_looked_for(client: httpx.AsyncClient, market: Market) -> None:
    end = int(market.ts[-1]) + HOUR
    start = end - 500 * HOUR

    async def get(kinds: str) -> dict[str, Any]:
        response = await client.get(
            "/api/patterns/BTC-USD", params={"kinds": kinds}, headers=market.admin.headers
        )
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    data = await get("cdlDoji, Double_Top,CDLENGULFING")
    want = expected(market, start, end, {"CDLDOJI", "CDLENGULFING", "double_top"})
    assert {k: data[k] for k in want} == want
    assert {c["pattern"] for c in data["candles"]} == {"CDLDOJI", "CDLENGULFING"}
    assert [d["kind"] for d in data["chart"]] == ["double_top", "double_top"]
    assert data["levels"] == data["trendLines"] == []

    data = await get("levels,trendlines")
    assert data["candles"] == data["chart"] == [] and data["levels"] and data["trendLines"]
    data = await get("candles")
    assert len({c["pattern"] for c in data["candles"]}) > 10 and data["chart"] == data["levels"] == []
    data = await get("chart")
    assert data["candles"] == [] and len(data["chart"]) == 4 and data["levels"] == data["trendLines"] == []


async def test_bad_requests_name_the_field(client: httpx.AsyncClient, market: Market) -> None:
    headers = market.admin.headers
    get = client.get
    body = assert_error(
        await get("/api/patterns/BTC-USD", params={"kinds": "chart,hammer"}, headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert body["field"] == "kinds" and "hammer" in body["message"]
    body = assert_error(await get("/api/patterns/BTC-NOPE", headers=headers), 400, "INVALID_SYMBOL")
    assert body["field"] == "symbol"
    body = assert_error(
        await get("/api/patterns/BTC-USD", params={"interval": "2h"}, headers=headers),
        400,
        "INVALID_INTERVAL",
    )
    assert body["field"] == "interval"
    later, earlier = iso(int(market.ts[100])), iso(int(market.ts[50]))
    body = assert_error(
        await get("/api/patterns/BTC-USD", params={"from": later, "to": earlier}, headers=headers),
        400,
        "INVALID_RANGE",
    )
    assert body["field"] == "from"
    body = assert_error(
        await get(
            "/api/patterns/BTC-USD",
            params={"from": "2020-01-01T00:00:00Z", "to": "2023-01-01T00:00:00Z"},
            headers=headers,
        ),
        400,
        "RANGE_TOO_LARGE",
    )
    assert body["field"] == "from" and "20,000" in body["message"]
    assert_error(await get("/api/patterns/BTC-USD"), 401, "UNAUTHORIZED")


async def test_too_few_bars_is_an_answer_saying_why(client: httpx.AsyncClient, market: Market) -> None:
    start, end = int(market.ts[-12]), int(market.ts[-1]) + HOUR
    response = await client.get(
        "/api/patterns/BTC-USD", params={"from": iso(start), "to": iso(end)}, headers=market.admin.headers
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["bars"] == 12
    assert data["note"] == "12 bars in the range: chart patterns need at least 30"
    assert data["chart"] == data["levels"] == data["trendLines"] == []
    assert data["candles"] == expected(market, start, end)["candles"]  # candlestick patterns need few bars

    response = await client.get(
        "/api/patterns/ETH-USD", params={"to": iso(end)}, headers=market.admin.headers
    )
    data = response.json()["data"]
    assert (data["bars"], data["source"], data["asOf"]) == (0, "NONE", None)
    assert data["note"] == "No 1h candles of ETH-USD in the range"
    assert data["candles"] == data["chart"] == []
