"""Redis or the database dropping away: subscriptions come back by themselves, requests get a 503 to retry."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
import redis.exceptions
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.core import redis_client
from app.core.bus import Message, RedisBus, barrier
from app.core.bus.listen import listen_forever
from app.core.outage import is_outage
from tests.conftest import REDIS_URL, assert_error, drop_bus_subscriptions, serve


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


async def test_a_barrier_learns_that_its_subscriber_died_before_the_timeout(namespace: str) -> None:
    """The ingest process says `working` while a push waits for its commits; killed, it goes silent, and the
    API process answers 503 after `liveness`, not after the whole wait (the feed sends the ticks again)."""
    bus = RedisBus(REDIS_URL, namespace)
    got = asyncio.Event()

    async def worker_that_dies(message: Message) -> None:
        await barrier.working(bus, message.data)
        got.set()
        await asyncio.sleep(3600)  # killed with the request in hand: no answer, no more `working`

    listener = asyncio.create_task(listen_forever(bus, "push", handle=worker_that_dies, what="test"))
    try:
        await asyncio.sleep(0.2)
        with pytest.raises(barrier.BarrierTimeout, match=r"silent for 0\.5 s"):  # not the 60 s timeout's
            await barrier.request(bus, "push", {"n": 1}, timeout=60, liveness=0.5)
        assert got.is_set()
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await bus.close()


async def test_working_messages_are_not_answers(namespace: str) -> None:
    bus = RedisBus(REDIS_URL, namespace)

    async def slow_worker(message: Message) -> None:
        for _ in range(3):
            await barrier.working(bus, message.data)
            await asyncio.sleep(0.1)
        await barrier.answer(bus, message.data, {"done": True})

    listener = asyncio.create_task(listen_forever(bus, "push", handle=slow_worker, what="test"))
    try:
        await asyncio.sleep(0.2)
        answers = await barrier.request(bus, "push", {"n": 1}, timeout=30, liveness=5)
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await bus.close()
    assert answers == [{"done": True}]


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0.05)


async def test_a_subscription_comes_back_after_redis_drops_it_and_catches_up(namespace: str) -> None:
    """Redis restarting looks to a subscriber like its connection being killed: the listener subscribes again
    and hears what is published after. Published while it was down, a message reaches nobody: `catch_up`
    runs once subscribed again, before anything newer is handled, with the time the subscription was lost."""
    bus = RedisBus(REDIS_URL, namespace)
    seen: list[object] = []
    ready = asyncio.Event()

    async def handle(message: Message) -> None:
        seen.append(message.data["n"])

    async def catch_up(lost_at: float) -> None:
        seen.append(("caught up", lost_at))

    listener = asyncio.create_task(
        listen_forever(bus, "soak", handle=handle, ready=ready, what="test", catch_up=catch_up)
    )
    try:
        await asyncio.wait_for(ready.wait(), 10)
        await bus.publish("soak", {"n": 1})
        ready.clear()
        dropped = time.time()
        assert await drop_bus_subscriptions(namespace) >= 1
        assert await bus.publish("soak", {"n": 2}) == 0  # nobody hears it
        await asyncio.wait_for(ready.wait(), 10)  # subscribed again
        await _until(lambda: len(seen) >= 2)
        await bus.publish("soak", {"n": 3})
        await _until(lambda: 3 in seen)
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await bus.close()
    assert seen[0] == 1 and seen[-1] == 3 and 2 not in seen
    label, lost_at = seen[1]  # type: ignore[misc]
    assert label == "caught up" and dropped - 1 < lost_at < time.time()


async def test_commands_on_connections_redis_dropped_are_sent_again(namespace: str) -> None:
    """After a Redis restart every pooled connection is dead; redis-py retries only what it is told to, so
    without `redis_client.connect` the first command on each failed (events published then were lost)."""
    name = f"{namespace}:dropped"
    client = redis_client.connect(REDIS_URL, name)
    admin = redis_client.connect(REDIS_URL)
    try:
        await asyncio.gather(*(client.publish("nobody", "1") for _ in range(5)))  # five pooled connections
        for listed in await admin.client_list():
            if listed.get("name") == name:
                await admin.client_kill_filter(_id=listed["id"])
        assert await asyncio.gather(*(client.publish("nobody", "2") for _ in range(5))) == [0] * 5
    finally:
        await client.aclose()
        await admin.aclose()
