"""EMAIL out of the box, on both deployments: the account's own address unless preferences override it, a
local Maildir when the server has no SMTP host (listed by GET /api/notifications/mailbox, owner only), SMTP
when it has one, and errors for channels not set up that name what is missing and where to set it."""

from __future__ import annotations

import asyncio
import contextlib
import mailbox
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from app.notifications.channels.email import LOCAL_MAILBOX
from tests.conftest import Account, assert_error, ingest_process, lifespan, make_admin, register
from tests.notifications.conftest import Mailbox

# The seed's POST /api/alerts body, as it is written there (userId: the caller's own).
SEED_ALERT: dict[str, Any] = {
    "symbol": "BTC-USD",
    "condition": "PRICE_ABOVE",
    "threshold": 50000,
    "channels": ["EMAIL", "DISCORD"],
    "metadata": {"indicator": "RSI", "value": 70},
}


@contextlib.asynccontextmanager
async def started(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(settings)
    async with (
        lifespan(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http,
    ):
        yield app, http


async def push(http: httpx.AsyncClient, admin: Account, symbol: str, *prices: float) -> None:
    for price in prices:
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        tick = {"symbol": symbol, "price": price, "volume": 1.0, "timestamp": now}
        pushed = await http.post("/api/data/ticks", json={"ticks": [tick]}, headers=admin.headers)
        assert pushed.json()["data"]["accepted"] == 1, pushed.text


async def delivered_email(
    http: httpx.AsyncClient, account: Account, meanwhile: Callable[[], Awaitable[None]] | None = None
) -> dict[str, Any]:
    """The account's first EMAIL notification, once it is DELIVERED (it must not fail); `meanwhile` is
    done until then (pushing ticks again, for a consumer that may not have subscribed yet)."""
    async with asyncio.timeout(20):
        while True:
            if meanwhile is not None:
                await meanwhile()
            response = await http.get(
                "/api/notifications", params={"channel": "EMAIL"}, headers=account.headers
            )
            rows = response.json()["data"]["notifications"]
            if rows:
                assert rows[-1]["status"] != "FAILED", rows[-1]
                if rows[-1]["status"] == "DELIVERED":
                    found: dict[str, Any] = rows[-1]
                    return found
            await asyncio.sleep(0.05)


def maildir_of(settings: Settings, account: Account) -> list[Any]:
    """The messages in the account's Maildir, read as any mail client would (Python's mailbox)."""
    directory = settings.data_dir / "mail" / f"user-{account.id}"
    assert {p.name for p in directory.iterdir()} >= {"cur", "new", "tmp"}
    box = mailbox.Maildir(directory, create=False)
    return [BytesParser(policy=policy.default).parsebytes(box.get_bytes(key)) for key in box.iterkeys()]


async def test_a_new_user_can_send_the_seeds_alert_by_email(client: httpx.AsyncClient) -> None:
    account = await register(client)
    by_email = {**SEED_ALERT, "userId": account.id, "channels": ["EMAIL"]}
    created = await client.post("/api/alerts", json=by_email, headers=account.headers)
    assert created.status_code == 201, created.text
    assert created.json()["data"]["channels"] == ["EMAIL"]
    # The seed's exact channels: DISCORD really is not set up, and the error says what to set, not EMAIL.
    refused = await client.post(
        "/api/alerts", json={**SEED_ALERT, "userId": account.id}, headers=account.headers
    )
    body = assert_error(refused, 422, "VALIDATION_ERROR")
    assert body["field"] == "channels"
    assert body["message"] == (
        "DISCORD needs a webhook URL: set preferences.channels.discordWebhook "
        "(Settings → Notification channels → Discord webhook)"
    )
    webhook = {"discordWebhook": "https://discord.com/api/webhooks/1/token"}
    patched = await client.patch(
        "/api/users/me", json={"preferences": {"channels": webhook}}, headers=account.headers
    )
    assert patched.status_code == 200, patched.text
    seed = await client.post(
        "/api/alerts", json={**SEED_ALERT, "userId": account.id}, headers=account.headers
    )
    assert seed.status_code == 201, seed.text


async def test_errors_name_what_is_missing_and_where(client: httpx.AsyncClient) -> None:
    """The default server has no Twilio and no Telegram bot: the user's part and the server's are named."""
    account = await register(client)
    expected = {
        "SMS": [
            "preferences.channels.phone",
            "CRYPTOMON_TWILIO_ACCOUNT_SID, CRYPTOMON_TWILIO_AUTH_TOKEN and CRYPTOMON_TWILIO_FROM_NUMBER",
        ],
        "TELEGRAM": ["preferences.channels.telegramChatId", "CRYPTOMON_TELEGRAM_BOT_TOKEN"],
        "WEBHOOK": ["preferences.channels.webhookUrl", "preferences.channels.webhookSecret"],
    }
    for channel, names in expected.items():
        body = {**SEED_ALERT, "userId": account.id, "channels": [channel], "metadata": {}}
        refused = await client.post("/api/alerts", json=body, headers=account.headers)
        message = assert_error(refused, 422, "VALIDATION_ERROR")["message"]
        assert message.startswith(f"{channel} needs ") and all(name in message for name in names), message
        tested = await client.post(
            "/api/notifications/test", json={"channel": channel}, headers=account.headers
        )
        assert assert_error(tested, 422, "VALIDATION_ERROR")["message"] == message
    # Once the phone is set, only the server's part is left: the phone is not asked for again.
    await client.patch(
        "/api/users/me",
        json={"preferences": {"channels": {"phone": "+14155550100"}}},
        headers=account.headers,
    )
    body = {**SEED_ALERT, "userId": account.id, "channels": ["SMS"], "metadata": {}}
    message = assert_error(
        await client.post("/api/alerts", json=body, headers=account.headers), 422, "VALIDATION_ERROR"
    )["message"]
    assert "CRYPTOMON_TWILIO_AUTH_TOKEN" in message and "preferences.channels.phone" not in message
    status = (await client.get("/api/notifications/channels", headers=account.headers)).json()["data"]
    ready = {row["channel"]: row["ready"] for row in status["channels"]}
    assert ready == {
        "EMAIL": True,
        "SMS": False,
        "DISCORD": False,
        "TELEGRAM": False,
        "WEBHOOK": False,
        "IN_APP": True,
    }
    assert next(row for row in status["channels"] if row["channel"] == "SMS")["missing"] == message


async def test_a_triggered_alert_lands_in_the_local_mailbox(settings: Settings) -> None:
    async with started(settings) as (_app, client):
        admin = await register(client)
        await make_admin(settings, admin.id)
        trader, other = await register(client), await register(client)
        body = {
            "userId": trader.id,
            "symbol": "BTC-USD",
            "condition": "PRICE_ABOVE",
            "threshold": 50000,
            "channels": ["EMAIL"],
        }
        created = await client.post("/api/alerts", json=body, headers=trader.headers)
        assert created.status_code == 201, created.text
        async with ingest_process(settings):
            row = await delivered_email(
                client, trader, lambda: push(client, admin, "BTC-USD", 49_900.0, 50_100.0)
            )
        assert row["alertId"] == created.json()["data"]["id"]
        assert row["lastResponse"] == LOCAL_MAILBOX == "local mailbox — no SMTP server configured"
        [mail] = maildir_of(settings, trader)
        assert mail["To"] == trader.user["email"] and "BTC-USD" in mail["Subject"]
        assert mail["From"] == settings.smtp_from and mail["Date"] and mail["Message-ID"]
        text = mail.get_body(preferencelist=("plain",)).get_content()
        assert "50,100" in text or "50100" in text

        history = (await client.get(f"/api/alerts/{trader.id}/history", headers=trader.headers)).json()[
            "data"
        ]
        channels = {d["channel"]: d for d in history["triggers"][0]["channels"]}
        assert channels.keys() == {"EMAIL", "IN_APP"}  # the inbox always gets it too
        delivery = channels["EMAIL"]
        assert delivery["status"] == "DELIVERED"
        assert delivery["detail"] == LOCAL_MAILBOX

        listed = (await client.get("/api/notifications/mailbox", headers=trader.headers)).json()["data"]
        assert listed["total"] == 1 and listed["offset"] == 0 and listed["limit"] == 50
        [shown] = listed["messages"]
        assert shown["subject"] == mail["Subject"] and shown["to"] == trader.user["email"]
        assert shown["from"] == settings.smtp_from and shown["text"] == text
        assert shown["date"].endswith("Z")
        # Owner only: the route has no user in it, and another user's mailbox is their own, empty one.
        theirs = (await client.get("/api/notifications/mailbox", headers=other.headers)).json()["data"]
        assert theirs == {"messages": [], "total": 0, "offset": 0, "limit": 50}
        assert_error(await client.get("/api/notifications/mailbox"), 401, "UNAUTHORIZED")


async def test_preferences_override_the_account_address(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    account = await register(client)
    status = (await client.get("/api/notifications/channels", headers=account.headers)).json()["data"]
    assert status["email"] == {
        "address": account.user["email"],
        "addressSource": "ACCOUNT",
        "smtpConfigured": False,
        "transport": "LOCAL_MAILBOX",
    }
    desk = {"email": "desk@example.com"}
    await client.patch("/api/users/me", json={"preferences": {"channels": desk}}, headers=account.headers)
    status = (await client.get("/api/notifications/channels", headers=account.headers)).json()["data"]
    assert (status["email"]["address"], status["email"]["addressSource"]) == (
        "desk@example.com",
        "PREFERENCES",
    )
    queued = await client.post("/api/notifications/test", json={"channel": "EMAIL"}, headers=account.headers)
    assert queued.status_code == 202, queued.text
    await delivered_email(client, account)
    [mail] = maildir_of(settings, account)
    assert mail["To"] == "desk@example.com" and mail["Subject"] == "Test notification from Cryptomon"


async def test_with_smtp_the_account_address_gets_it_by_smtp(
    settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    handler, port = mailbox
    handler.loop = asyncio.get_running_loop()
    settings.smtp_host, settings.smtp_port, settings.smtp_starttls = "127.0.0.1", port, False
    async with started(settings) as (_, client):
        account = await register(client)
        created = await client.post(
            "/api/alerts",
            json={**SEED_ALERT, "userId": account.id, "channels": ["EMAIL"]},
            headers=account.headers,
        )
        assert created.status_code == 201, created.text
        status = (await client.get("/api/notifications/channels", headers=account.headers)).json()["data"]
        assert status["email"]["smtpConfigured"] is True and status["email"]["transport"] == "SMTP"
        await client.post("/api/notifications/test", json={"channel": "EMAIL"}, headers=account.headers)
        row = await delivered_email(client, account)
        [mail] = handler.messages
        assert mail["To"] == account.user["email"] and mail["Subject"] == "Test notification from Cryptomon"
        assert "accepted" in row["lastResponse"]
        assert not (settings.data_dir / "mail").exists()  # nothing kept locally
        listed = (await client.get("/api/notifications/mailbox", headers=account.headers)).json()["data"]
        assert listed["total"] == 0


@pytest.mark.parametrize("limit", [0, 501])
async def test_mailbox_paging_is_validated(client: httpx.AsyncClient, limit: int) -> None:
    account = await register(client)
    refused = await client.get("/api/notifications/mailbox", params={"limit": limit}, headers=account.headers)
    assert assert_error(refused, 422, "VALIDATION_ERROR")["field"] == "limit"
