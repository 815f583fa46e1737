"""The seed's historical query of COINGECKO when its candles are not stored: fetched from CoinGecko (a local
server answering as its OHLC endpoint does, from recorded BTC-USD hours) and stored while the request waits,
or an empty page whose note says why, without asking again at every request."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import numpy as np
import pytest
import uvicorn
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.core.clock import isoformat_z
from app.market import recordings
from tests.conftest import register

FOUR_HOURS = 4 * 3600


def _four_hour_rows(now: datetime, days: int) -> list[list[float]]:
    """CoinGecko's `/coins/{id}/ohlc` rows for the last `days` days: [close time ms, open, high, low, close],
    4h candles rolled up from recorded BTC-USD hours and moved in time so that the last one closes now."""
    hours = recordings.load("BTC-USD", "1h")
    count = days * 6
    o, h, lo, c = (
        np.asarray(x, dtype=np.float64)[-count * 4 :]
        for x in (hours.open, hours.high, hours.low, hours.close)
    )
    last_close = int(now.timestamp()) // FOUR_HOURS * FOUR_HOURS
    rows = []
    for i in range(count):
        part = slice(i * 4, i * 4 + 4)
        close_at = last_close - (count - 1 - i) * FOUR_HOURS
        rows.append(
            [
                close_at * 1000,
                float(o[part][0]),
                float(h[part].max()),
                float(lo[part].min()),
                float(c[part][-1]),
            ]
        )
    return rows


@dataclass
class Gecko:
    status: int = 200
    asked: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v3"

    async def ohlc(self, request: Request) -> JSONResponse:
        self.asked.append(str(request.url))
        if self.status != 200:
            return JSONResponse({"error": "unavailable"}, status_code=self.status)
        days = int(request.query_params["days"])
        return JSONResponse(_four_hour_rows(datetime.now(UTC), days))


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def gecko_server() -> AsyncIterator[Gecko]:
    gecko = Gecko()
    app = Starlette(routes=[Route("/api/v3/coins/bitcoin/ohlc", gecko.ohlc)])
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_config=None))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn's flag, no event to wait on
        await asyncio.sleep(0.01)
    gecko.port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield gecko
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)


def _query(days: int) -> str:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = isoformat_z(today - timedelta(days=days)), isoformat_z(today)
    return f"/api/data/historical?symbol=BTC-USD&interval=1d&source=COINGECKO&from={start}&to={end}"


def _served(app: FastAPI, gecko: Gecko, seconds: float) -> None:
    settings = app.state.runtime.settings
    settings.coingecko_api_url, settings.history_fetch_seconds = gecko.url, seconds


@pytest.fixture
async def gecko(app: FastAPI) -> AsyncIterator[Gecko]:
    """The app's CoinGecko, waited for up to 20 s."""
    async with gecko_server() as server:
        _served(app, server, 20)
        yield server


async def test_the_seeds_query_is_answered_with_candles_fetched_from_coingecko(
    app: FastAPI, client: httpx.AsyncClient, gecko: Gecko
) -> None:
    account = await register(client)
    page: dict[str, Any] = (await client.get(_query(10), headers=account.headers)).json()["data"]
    assert page["source"] == "COINGECKO" and page["dataPoints"] == 10 == len(page["data"]), page["note"]
    rows = _four_hour_rows(datetime.now(UTC), 30)
    day = page["data"][-1]  # yesterday, from its six 4h candles
    opens = int(datetime.fromisoformat(day["timestamp"].replace("Z", "+00:00")).timestamp())
    parts = [r for r in rows if opens < r[0] // 1000 <= opens + 86400]
    assert len(parts) == 6
    assert (day["open"], day["high"], day["low"], day["close"]) == (
        parts[0][1],
        max(r[2] for r in parts),
        min(r[3] for r in parts),
        parts[-1][4],
    )
    asked = len(gecko.asked)
    again = (await client.get(_query(10), headers=account.headers)).json()["data"]
    assert again["data"] == page["data"] and len(gecko.asked) == asked  # stored: not asked again


async def test_when_coingecko_fails_the_page_says_so_and_it_is_not_asked_at_every_request(
    app: FastAPI, client: httpx.AsyncClient, gecko: Gecko
) -> None:
    account = await register(client)
    gecko.status = 404  # not retried: the answer comes at once
    page = (await client.get(_query(5), headers=account.headers)).json()["data"]
    assert page["dataPoints"] == 0 and page["data"] == []
    assert "CoinGecko could not be reached just now" in page["note"] and "asked again after" in page["note"]
    asked = len(gecko.asked)
    assert asked >= 1
    again = (await client.get(_query(5), headers=account.headers)).json()["data"]
    assert again["note"] == page["note"] and len(gecko.asked) == asked


async def test_nothing_is_fetched_when_it_is_turned_off_or_out_of_coingeckos_window(
    app: FastAPI, client: httpx.AsyncClient, gecko: Gecko
) -> None:
    account = await register(client)
    _served(app, gecko, 0)
    off = (await client.get(_query(5), headers=account.headers)).json()["data"]
    _served(app, gecko, 20)
    old = "/api/data/historical?symbol=BTC-USD&interval=1d&source=COINGECKO"
    old += "&from=2024-01-01T00:00:00Z&to=2024-02-01T00:00:00Z"
    past = (await client.get(old, headers=account.headers)).json()["data"]
    hourly = (
        await client.get(_query(5).replace("interval=1d", "interval=1h"), headers=account.headers)
    ).json()
    assert off["dataPoints"] == past["dataPoints"] == hourly["data"]["dataPoints"] == 0
    assert gecko.asked == []
    assert "could not be reached" not in off["note"] + past["note"]
