"""POST /api/analysis/technical with `patternBars`: each timeframe lists the patterns of its last bars, found
on the bars it analysed, and its chart draws them; without it the answer and the chart are as before."""

from __future__ import annotations

import io
from typing import Any

import httpx
import numpy as np
from matplotlib.image import imread

from app.analysis.technical import warm_up_bars
from app.patterns.scan import recent
from app.quant.indicators import library
from tests.conftest import assert_error
from tests.patterns.conftest import HOUR, Market, iso

PNG = b"\x89PNG\r\n\x1a\n"


def _body(market: Market, **more: Any) -> dict[str, Any]:
    end = iso(int(market.ts[1100]))  # a double top completed 27 bars before
    return {
        "symbol": "BTC-USD",
        "indicators": ["RSI", "SMA"],
        "timeframes": ["1h", "4h"],
        "period": "30d",
        "to": end,
    } | more


async def test_pattern_bars_lists_and_draws_the_latest_patterns(
    client: httpx.AsyncClient, market: Market
) -> None:
    headers = market.admin.headers
    plain = await client.post("/api/analysis/technical", json=_body(market), headers=headers)
    assert plain.status_code == 200, plain.text
    assert all(tf["patterns"] is None for tf in plain.json()["data"]["timeframes"].values())

    response = await client.post(
        "/api/analysis/technical", json=_body(market, patternBars=60), headers=headers
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    # The bars the analysis read: the 30 days before `to` and the indicators' warm-up before them.
    end = int(market.ts[1100])
    warm_up = warm_up_bars([library.get("RSI"), library.get("SMA")])
    ts, o, h, lo, c = market.window(end - 30 * 86400 - warm_up * HOUR, end)
    want = [
        {"name": f.name, "title": f.title, "direction": f.direction, "time": iso(f.ts)}
        for f in recent(ts, o, h, lo, c, 60)
    ]
    hourly = data["timeframes"]["1h"]
    assert hourly["patterns"] == want
    assert len(want) > 10 and all(p["time"] >= iso(ts[-60]) for p in want)
    assert any(p["name"] == "double_top" for p in want), "the chart pattern completed in the last 60 bars"
    assert isinstance(data["timeframes"]["4h"]["patterns"], list)
    # Everything else is the answer without patterns.
    before = plain.json()["data"]["timeframes"]["1h"]
    assert {k: v for k, v in hourly.items() if k not in ("patterns", "chartUrl")} == {
        k: v for k, v in before.items() if k not in ("patterns", "chartUrl")
    }

    drawn = await client.get(hourly["chartUrl"])
    bare = await client.get(before["chartUrl"])
    assert drawn.status_code == bare.status_code == 200
    assert drawn.content.startswith(PNG) and bare.content.startswith(PNG)
    with_marks, without = (imread(io.BytesIO(r.content), format="png") for r in (drawn, bare))
    assert with_marks.shape == without.shape and not np.array_equal(with_marks, without)

    body = assert_error(
        await client.post("/api/analysis/technical", json=_body(market, patternBars=101), headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert body["field"] == "patternBars"
