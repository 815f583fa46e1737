"""The page the database renders (one source) equals the one Python builds (merge path), value for value."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from app.config import Settings
from app.core.bootstrap import build_runtime
from app.market import repository, service
from app.market.repository import CandleRow


async def test_database_rendered_page_equals_python_page(settings: Settings) -> None:
    rng = np.random.default_rng(5)
    start = 1_767_225_600
    closes = 90_000 * np.exp(np.cumsum(rng.normal(0, 0.01, 300)))
    rows = [
        CandleRow(
            "BTC-USD",
            "1h",
            "binance",
            start + i * 3600,
            float(c) * 0.999,
            float(c) * 1.01,
            float(c) * 0.98,
            float(c),
            float(rng.uniform(0, 1e6)),
        )
        for i, c in enumerate(closes)
    ]
    async with build_runtime(settings, role="cli") as runtime:
        async with runtime.db.session() as session:
            await repository.upsert_candles(session, rows)
        frm, to = datetime.fromtimestamp(start + 1800, UTC), datetime.fromtimestamp(start + 250 * 3600, UTC)
        query = service.HistoryQuery("BTC-USD", "1h", frm, to, None, 100)
        async with runtime.db.session() as session:
            fast = json.loads((await service.historical_json(session, runtime.cache, query)).text)
            slow = await service.historical(session, query)
            follow = json.loads(
                (
                    await service.historical_json(
                        session, runtime.cache, replace(query, cursor=fast["nextCursor"])
                    )
                ).text
            )
    assert fast.keys() == slow.keys()
    assert {k: v for k, v in fast.items() if k != "data"} == {k: v for k, v in slow.items() if k != "data"}
    assert fast["dataPoints"] == 100 and fast["data"][0]["timestamp"] == "2026-01-01T01:00:00Z"
    for a, b in zip(fast["data"], slow["data"], strict=True):
        assert a["timestamp"] == b["timestamp"]
        for key in ("open", "high", "low", "close", "volume"):
            assert a[key] == b[key] or abs(a[key] / b[key] - 1) < 1e-14
    assert follow["data"][0]["timestamp"] == "2026-01-05T05:00:00Z"
