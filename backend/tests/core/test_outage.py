"""Redis or the database dropping away: subscriptions come back by themselves, requests get a 503 to retry."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
import redis.exceptions
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.core.bus import Message, RedisBus
from app.core.bus.listen import listen_forever
from app.core.outage import is_outage
from tests.conftest import REDIS_URL, assert_error, serve


async def test_a_subscription_comes_back_after_redis_drops_it(namespace: str) -> None:
    """Redis restarting looks to a subscriber like its connection being killed: the listener subscribes again
    and hears what is published after."""
    bus = RedisBus(REDIS_URL, namespace)
    heard: list[int] = []
    ready = asyncio.Event()

    async def handle(message: Message) -> None:
        heard.append(message.data["n"])

    listener = asyncio.create_task(listen_forever(bus, "soak", handle=handle, ready=ready, what="test"))
    try:
        await asyncio.wait_for(ready.wait(), 10)
        await bus.publish("soak", {"n": 1})
        admin = aioredis.Redis.from_url(REDIS_URL)
        ready.clear()
        killed = await admin.client_kill_filter(_type="pubsub", skipme=True)
        await admin.aclose()
        assert killed >= 1
        await asyncio.wait_for(ready.wait(), 10)  # subscribed again
        await bus.publish("soak", {"n": 2})
        for _ in range(100):
            if 2 in heard:
                break
            await asyncio.sleep(0.05)
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await bus.close()
    assert heard[0] == 1 and 2 in heard


def test_outages_are_told_from_bugs() -> None:
    assert is_outage(redis.exceptions.ConnectionError("Connection closed by server."))
    assert is_outage(ConnectionRefusedError(111, "refused"))
    wrapped = OperationalError("SELECT 1", {}, ConnectionResetError())
    try:
        raise wrapped from ConnectionResetError()
    except OperationalError as exc:
        assert is_outage(exc)
    assert not is_outage(OperationalError("SELECT 1", {}, Exception("no such table: alerts")))
    assert not is_outage(ValueError("a bug"))


async def test_a_request_while_redis_is_down_gets_503_not_500(cluster_settings: Settings) -> None:
    broken = cluster_settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    async with serve(broken) as client:
        response = await client.post(
            "/api/auth/register", json={"email": "a@example.com", "password": "x" * 12}
        )
    body = assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert "retry" in body["message"]
