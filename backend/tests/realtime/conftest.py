"""A real uvicorn server (the gateway's protocol classes) in the test's loop, and WebSocket helpers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest
import uvicorn
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect

from app.config import Settings
from app.core.runtime import Runtime
from app.main import create_app
from app.realtime.server import uvicorn_config
from tests.conftest import Account, register


@dataclass
class Live:
    app: FastAPI
    http: httpx.AsyncClient
    port: int

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.app.state.runtime
        return runtime

    def ws_url(self, user_id: int | str, **query: Any) -> str:
        params = "&".join(f"{k}={v}" for k, v in query.items() if v is not None)
        return f"ws://127.0.0.1:{self.port}/ws/alerts/{user_id}" + (f"?{params}" if params else "")

    async def account(self) -> Account:
        return await register(self.http)

    async def publish_price(
        self, symbol: str, price: float, ts: float = 1_780_000_000.0, **extra: Any
    ) -> None:
        data = {"type": "TICKS", "symbol": symbol, "price": price, "ts": ts, **extra}
        await self.runtime.bus.publish(f"prices:{symbol}", data)


@contextlib.asynccontextmanager
async def live_server(settings: Settings, plain: bool = False) -> AsyncIterator[Live]:
    """`cryptomon serve`'s server, or (`plain`) stock uvicorn, as any ASGI server would run the app."""
    app = create_app(settings)
    if plain:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, ws="websockets-sansio", log_config=None)
    else:
        config = uvicorn_config(app, settings, "127.0.0.1", 0, lifespan="on")
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            yield Live(app, http, port)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[Live]:
    async with live_server(settings) as server:
        yield server


async def frame(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(await asyncio.wait_for(ws.recv(), timeout))
    return data


async def frame_of(ws: ClientConnection, type_: str, timeout: float = 5.0) -> dict[str, Any]:
    """The next frame of `type_`, skipping others."""
    while True:
        data = await frame(ws, timeout)
        if data["type"] == type_:
            return data


async def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(orjson.dumps(message).decode())


async def connected(live: Live, account: Account, **query: Any) -> ClientConnection:
    ws = await connect(live.ws_url(account.id, token=account.tokens["accessToken"], **query))
    hello = await frame(ws)
    assert hello["type"] == "CONNECTED" and hello["userId"] == account.id
    return ws
