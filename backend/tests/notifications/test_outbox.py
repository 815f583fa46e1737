"""The outbox and its dispatcher on both deployments: delivered, retried with backoff, rate limited, failed
for good, taken over after a crash, bursts grouped, and one slow channel never holding up another."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.config import Settings
from app.core.clock import FrozenClock
from app.main import create_app
from app.notifications import dispatcher as dispatch_module
from app.notifications import outbox
from app.notifications.channels.base import Message
from app.notifications.dispatcher import Dispatcher
from app.notifications.models import Notification
from tests.conftest import Account, assert_error, lifespan, register
from tests.notifications.conftest import DISCORD_PATH, Mailbox, Providers, Reply, serve_providers

MESSAGE = Message(title="BTC-USD above 50,000", body="BTC-USD crossed 50,000.", fields={"Price": "50,250"})


@dataclass
class World:
    app: FastAPI
    http: httpx.AsyncClient
    providers: Providers
    mailbox: Mailbox
    account: Account

    @property
    def dispatcher(self) -> Dispatcher:
        dispatcher: Dispatcher = self.app.state.notifier.dispatcher
        return dispatcher

    async def enqueue(self, *channels: str, message: Message = MESSAGE) -> list[int]:
        runtime = self.app.state.runtime
        async with runtime.db.session() as session:
            rows = await outbox.enqueue(session, runtime.bus, self.account.id, list(channels), message)
            return [row.id for row in rows]

    async def rows(self) -> list[Notification]:
        async with self.app.state.runtime.db.session() as session:
            return list(await session.scalars(select(Notification).order_by(Notification.id)))

    async def settle(
        self, ids: list[int], statuses: set[str], timeout: float = 10.0
    ) -> dict[int, Notification]:
        """Dispatch until every row in `ids` has one of `statuses`."""
        async with asyncio.timeout(timeout):
            while True:
                await self.dispatcher.dispatch_due()
                rows = {row.id: row for row in await self.rows() if row.id in ids}
                if all(row.status in statuses for row in rows.values()):
                    return rows
                await asyncio.sleep(0.02)


@pytest.fixture
async def world(settings: Settings, mailbox: tuple[Mailbox, int]) -> AsyncIterator[World]:
    handler, port = mailbox
    handler.loop = asyncio.get_running_loop()
    settings.smtp_host, settings.smtp_port, settings.smtp_starttls = "127.0.0.1", port, False
    settings.allow_private_targets = True  # the providers here are a local server
    async with serve_providers() as providers:
        app = create_app(settings)
        async with (
            lifespan(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
        ):
            # The tests drive dispatch passes themselves (the background loop would race them for rows).
            await app.state.notifier.dispatcher.stop()
            account = await register(http)
            channels = {"email": "ali@example.com", "discordWebhook": providers.url(DISCORD_PATH)}
            patched = await http.patch(
                "/api/users/me", json={"preferences": {"channels": channels}}, headers=account.headers
            )
            assert patched.status_code == 200, patched.text
            yield World(app, http, providers, handler, account)


async def test_a_test_notification_is_delivered_and_listed(world: World) -> None:
    await world.dispatcher.start()  # the process's own loop: woken by the commit, not polled by the test
    response = await world.http.post(
        "/api/notifications/test", json={"channel": "email"}, headers=world.account.headers
    )
    assert response.status_code == 202, response.text
    queued = response.json()["data"]
    assert queued["channel"] == "EMAIL"
    async with asyncio.timeout(10):
        await world.mailbox.arrived.wait()
    [mail] = world.mailbox.messages
    assert mail["Subject"] == "Test notification from Cryptomon" and mail["To"] == "ali@example.com"
    async with asyncio.timeout(10):  # the row is marked once the SMTP server's answer is read
        listed = await _listed_when_delivered(world)
    assert listed["total"] == 1
    [row] = listed["notifications"]
    assert row["status"] == "DELIVERED" and row["attempts"] == 1 and row["latencyMs"] >= 0
    assert "accepted" in row["lastResponse"]


async def _listed_when_delivered(world: World) -> dict[str, Any]:
    while True:
        response = await world.http.get("/api/notifications", headers=world.account.headers)
        listed: dict[str, Any] = response.json()["data"]
        if listed["notifications"][0]["status"] == "DELIVERED":
            return listed
        await asyncio.sleep(0.02)


async def test_channels_that_cannot_be_used_are_refused(world: World) -> None:
    headers = world.account.headers
    refusals = (("PIGEON", "Unknown channel"), ("SMS", "SMS needs"), ("TELEGRAM", "TELEGRAM needs"))
    for channel, needle in refusals:
        response = await world.http.post(
            "/api/notifications/test", json={"channel": channel}, headers=headers
        )
        body = assert_error(response, 422, "VALIDATION_ERROR")
        assert body["field"] == "channel" and needle in body["message"]
    assert (await world.http.get("/api/notifications", headers=headers)).json()["data"]["total"] == 0


async def test_failures_are_retried_with_backoff_then_delivered(world: World, clock: FrozenClock) -> None:
    world.providers.script("discord", Reply(503, b"upstream down"))
    [row_id] = await world.enqueue("DISCORD")
    await world.dispatcher.dispatch_due()
    [row] = await world.rows()
    assert row.status == "PENDING" and row.attempts == 1 and row.last_error and "503" in row.last_error
    assert row.next_attempt_at is not None and row.next_attempt_at > clock.now()  # backing off
    clock.advance(dispatch_module.BACKOFF_BASE + 1)
    rows = await world.settle([row_id], {"DELIVERED"})
    assert rows[row_id].attempts == 2 and rows[row_id].provider_id


async def test_provider_retry_after_is_honoured(world: World, clock: FrozenClock) -> None:
    world.providers.script(
        "discord", Reply.json(429, {"message": "rate limited", "retry_after": 42.0, "global": False})
    )
    await world.enqueue("DISCORD")
    await world.dispatcher.dispatch_due()
    [row] = await world.rows()
    assert row.status == "PENDING" and row.next_attempt_at is not None
    assert row.next_attempt_at >= clock.now() + timedelta(seconds=42)


async def test_final_failures_and_exhausted_retries_are_failed_with_the_answer(
    world: World, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.providers.script("discord", Reply.json(404, {"message": "Unknown Webhook", "code": 10015}))
    [gone] = await world.enqueue("DISCORD")
    rows = await world.settle([gone], {"FAILED"})
    assert rows[gone].attempts == 1 and "Unknown Webhook" in (rows[gone].last_error or "")
    monkeypatch.setattr(dispatch_module, "MAX_ATTEMPTS", 3)
    world.providers.script("discord", *[Reply(502)] * 3)
    [flaky] = await world.enqueue("DISCORD")
    for _ in range(3):
        await world.dispatcher.dispatch_due()
        clock.advance(dispatch_module.BACKOFF_CAP + 1)
    rows = await world.settle([flaky], {"FAILED"})
    assert rows[flaky].attempts == 3 and "502" in (rows[flaky].last_error or "")


async def test_a_dispatcher_that_died_mid_send_is_taken_over(world: World, clock: FrozenClock) -> None:
    [row_id] = await world.enqueue("EMAIL")
    dead = Dispatcher(world.app.state.runtime, world.dispatcher.channels)
    claimed = await dead._claim()  # claimed, then the process died before sending
    assert [row.id for row in claimed] == [row_id]
    assert await world.dispatcher.dispatch_due() == 0  # its lease still holds
    clock.advance(dispatch_module.LEASE.total_seconds() + 1)
    rows = await world.settle([row_id], {"DELIVERED"})
    assert rows[row_id].attempts == 1 and len(world.mailbox.messages) == 1


async def test_a_burst_to_one_channel_is_grouped(world: World, clock: FrozenClock) -> None:
    [first] = await world.enqueue("EMAIL")
    await world.settle([first], {"DELIVERED"})
    burst = [
        (await world.enqueue("EMAIL", message=Message(title=f"Alert {i}", body=f"Alert {i} fired.")))[0]
        for i in range(3)
    ]
    await world.dispatcher.dispatch_due()
    assert {row.status for row in await world.rows() if row.id in burst} == {"PENDING"}  # held: window open
    clock.advance(dispatch_module.STORM_WINDOW + 1)
    await world.settle(burst, {"DELIVERED"})
    assert len(world.mailbox.messages) == 2
    grouped = world.mailbox.messages[1]
    assert grouped["Subject"] == "Alert 2 (+2 more)"


async def test_a_slow_channel_never_holds_up_another(world: World) -> None:
    world.providers.script("discord", Reply(200, b"{}", delay=5.0))
    ids = await world.enqueue("DISCORD", "EMAIL")
    pass_ = asyncio.create_task(world.dispatcher.dispatch_due())
    async with asyncio.timeout(4.0):  # the email is out while Discord still has not answered
        await world.mailbox.arrived.wait()
    assert not pass_.done()
    world.providers.released.set()
    await pass_
    await world.settle(ids, {"DELIVERED"})
