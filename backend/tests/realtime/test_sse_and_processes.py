"""GET /api/stream (Server-Sent Events), and fan-out across two API processes behind Redis."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import orjson
from websockets.asyncio.client import connect

from app.config import Settings
from app.core.bootstrap import build_runtime
from app.realtime import events
from app.realtime.frames import ALERT_TRIGGERED
from tests.conftest import assert_error, drop_bus_subscriptions, register, settings_env
from tests.realtime.conftest import Live, frame, live_server, send


async def _sse_events(response: httpx.Response) -> AsyncIterator[dict[str, str]]:
    event: dict[str, str] = {}
    async for line in response.aiter_lines():
        if not line:
            if event:
                yield event
            event = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(": ")
            event[key] = value


async def test_server_sent_events_stream_and_resume(live: Live) -> None:
    account = await live.account()
    headers = {"Authorization": f"Bearer {account.tokens['accessToken']}"}
    async with live.http.stream("GET", "/api/stream?symbols=BTC-USD", headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = _sse_events(response)
        assert (await anext(stream)) == {"retry": "3000"}
        await asyncio.sleep(0.05)
        await live.publish_price("BTC-USD", 123.5)
        price = await asyncio.wait_for(anext(stream), 5)
        assert price["event"] == "PRICE_UPDATE" and "id" not in price
        assert orjson.loads(price["data"])["price"] == 123.5
        async with live.runtime.db.session() as session:
            first = await events.emit(session, live.runtime.bus, account.id, ALERT_TRIGGERED, {"alertId": 1})
        alert = await asyncio.wait_for(anext(stream), 5)
        assert alert["event"] == "ALERT_TRIGGERED" and alert["id"] == str(first)
    async with live.runtime.db.session() as session:
        second = await events.emit(session, live.runtime.bus, account.id, ALERT_TRIGGERED, {"alertId": 2})
    # EventSource reconnects with the last id it saw; the token may come as a query parameter.
    token = account.tokens["accessToken"]
    async with live.http.stream(
        "GET", f"/api/stream?token={token}", headers={"Last-Event-ID": str(first)}
    ) as response:
        stream = _sse_events(response)
        await anext(stream)
        missed = await asyncio.wait_for(anext(stream), 5)
        assert missed["id"] == str(second) and orjson.loads(missed["data"])["alertId"] == 2


async def test_a_stream_open_while_redis_restarts_gets_only_what_it_missed(
    cluster_settings: Settings,
) -> None:
    """An event stored before the stream opened is not sent again by the catch-up after the bus is lost."""
    async with live_server(cluster_settings) as live:
        account = await live.account()
        async with live.runtime.db.session() as session:
            await events.emit(session, live.runtime.bus, account.id, ALERT_TRIGGERED, {"alertId": 1})
        headers = {"Authorization": f"Bearer {account.tokens['accessToken']}"}
        async with live.http.stream("GET", "/api/stream", headers=headers) as response:
            stream = _sse_events(response)
            await anext(stream)
            await asyncio.sleep(0.1)  # the stream has read where it starts
            assert await drop_bus_subscriptions(cluster_settings.namespace) >= 1
            async with live.runtime.db.session() as session:
                missed = await events.emit(
                    session, live.runtime.bus, account.id, ALERT_TRIGGERED, {"alertId": 2}
                )
            got = await asyncio.wait_for(anext(stream), 10)
            assert got["id"] == str(missed)


async def test_server_sent_events_refusals(live: Live) -> None:
    account = await live.account()
    assert_error(await live.http.get("/api/stream"), 401, "UNAUTHORIZED")
    assert_error(await live.http.get("/api/stream?token=nope"), 401, "INVALID_TOKEN")
    token = account.tokens["accessToken"]
    response = await live.http.get(f"/api/stream?token={token}&symbols=BTC-USD,NOPE-USD")
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert "NOPE-USD" in body["message"] and body["field"] == "symbols"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _api_process(settings: Settings, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = settings_env(settings) | {"CRYPTOMON_MARKET_SOURCES": "[]", "CRYPTOMON_LOG_LEVEL": "WARNING"}
    command = [str(Path(sys.executable).with_name("cryptomon")), "serve", "--no-migrate", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=os.getcwd())
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


async def _until_up(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(1200):  # a start takes 30 s and more on 2 cores busy with the web app's checks
            assert process.poll() is None, log.read_text()
            with contextlib.suppress(httpx.TransportError):
                if (await http.get(f"http://127.0.0.1:{port}/health/live")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise AssertionError(f"API on port {port} never came up:\n{log.read_text()}")


async def test_two_api_processes_share_prices_and_user_events_through_redis(
    cluster_settings: Settings, tmp_path: Path
) -> None:
    ports = [_free_port(), _free_port()]
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with (
        _api_process(cluster_settings, ports[0], logs[0]) as a,
        _api_process(cluster_settings, ports[1], logs[1]) as b,
    ):
        await _until_up(ports[0], a, logs[0])
        await _until_up(ports[1], b, logs[1])
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[0]}") as http:
            account = await register(http)
        token = account.tokens["accessToken"]
        urls = [f"ws://127.0.0.1:{port}/ws/alerts/{account.id}?token={token}" for port in ports]
        async with connect(urls[0]) as on_a, connect(urls[1]) as on_b:
            for ws in (on_a, on_b):
                assert (await frame(ws))["type"] == "CONNECTED"
                await send(ws, {"action": "subscribe", "symbols": ["BTC-USD"]})
                assert (await frame(ws))["type"] == "SUBSCRIBED"
            async with build_runtime(cluster_settings, role="cli") as runtime:
                # A price from the ingest process, and a user event from a third process (an alert worker).
                await runtime.bus.publish(
                    "prices:BTC-USD", {"symbol": "BTC-USD", "price": 777.0, "ts": 1.5e9}
                )
                async with runtime.db.session() as session:
                    event_id = await events.emit(
                        session, runtime.bus, account.id, ALERT_TRIGGERED, {"alertId": 7}
                    )
            for ws in (on_a, on_b):
                update, alert = await frame(ws), await frame(ws)
                assert update["type"] == "PRICE_UPDATE" and update["price"] == 777.0
                assert alert["type"] == "ALERT_TRIGGERED" and alert["eventId"] == str(event_id)
