"""The daily digest: the seed's shape from real stored candles, stored once a day, ownership and dates, the
job at the user's hour and its delivery by email (HTML and plain text) and IN_APP."""

from __future__ import annotations

import mailbox
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from app.config import Settings
from app.content import daily
from app.content.models import Digest, DigestMarket
from app.core.clock import utcnow
from app.market import recordings
from app.notifications.mailbox import path_of
from app.notifications.models import Notification
from app.realtime.models import UserEvent
from tests.conftest import Account, assert_error, make_admin, register
from tests.reports.conftest import app_of, push_recent_candles

SYMBOLS = ("BTC-USD", "ETH-USD")


@pytest.fixture
async def market(settings: Settings, client: httpx.AsyncClient) -> Account:
    admin = await register(client)
    await make_admin(settings, admin.id)
    await push_recent_candles(client, admin, SYMBOLS)
    return admin


def _expected_change(symbol: str) -> float:
    """The change push_recent_candles stored: the last recorded hour (closing now) against 24 hours before."""
    recorded = recordings.load(symbol, "1h")
    last = len(recorded.ts) - 1
    return float(recorded.close[last]) / float(recorded.close[last - 24]) - 1


async def _late_hour(client: httpx.AsyncClient, account: Account) -> None:
    """Digest hour 23 UTC: the digest of today is as of now (its hour has not come yet, or is this hour)."""
    body = {"preferences": {"digest": {"hour": 23}}}
    response = await client.patch("/api/users/me", json=body, headers=account.headers)
    assert response.status_code == 200, response.text


async def test_the_seed_shape_from_the_real_moves(client: httpx.AsyncClient, market: Account) -> None:
    reader = await register(client)
    await _late_hour(client, reader)
    response = await client.get(f"/api/content/daily-digest/{reader.id}", headers=reader.headers)
    assert response.status_code == 200, response.text
    digest = response.json()["data"]
    assert digest["userId"] == reader.id
    assert digest["date"] == utcnow().date().isoformat()
    overview = digest["marketOverview"]
    assert overview["sentiment"] in {"BULLISH", "BEARISH", "NEUTRAL"}
    movers = {m["symbol"]: m for m in overview["topMovers"]}
    assert set(movers) == set(SYMBOLS)  # the only assets with candles
    for symbol in SYMBOLS:
        assert movers[symbol]["change24h"] == pytest.approx(_expected_change(symbol), abs=1e-6)
        assert movers[symbol]["mine"]  # both are on the default watchlist
    mean = sum(_expected_change(s) for s in SYMBOLS) / 2
    assert overview["breadth"]["marketChange"] == pytest.approx(mean, abs=1e-6)
    assert f"{mean * 100:+.1f}%" in overview["summary"] or f"{mean * 100:+.2f}%" in overview["summary"]
    assert any(s.startswith("Prices: stored hourly candles") for s in overview["sources"])
    fear_greed = overview["fearGreed"]
    assert fear_greed["source"] == "alternative.me" and fear_greed["snapshot"] is True
    assert str(fear_greed["value"]) in overview["summary"]
    for item in digest["educationalContent"]:
        assert {"id", "title", "type", "difficulty", "url"} <= item.keys()
    for item in digest["personalizedNews"]:
        assert {"title", "source", "relevanceScore", "url"} <= item.keys()
        assert 0 <= item["relevanceScore"] <= 1


async def test_built_once_and_stored(client: httpx.AsyncClient, market: Account) -> None:
    reader = await register(client)
    url = f"/api/content/daily-digest/{reader.id}"
    first = (await client.get(url, headers=reader.headers)).json()["data"]
    again = (await client.get(url, headers=reader.headers)).json()["data"]
    assert again == first
    async with app_of(client).state.runtime.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Digest)) == 1
        assert await session.scalar(select(func.count()).select_from(DigestMarket)) == 1


async def test_another_users_digest_is_forbidden_and_the_future_refused(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    owner, other = await register(client), await register(client)
    url = f"/api/content/daily-digest/{owner.id}"
    assert_error(await client.get(url, headers=other.headers), 403, "FORBIDDEN")
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    error = assert_error(
        await client.get(url, params={"date": tomorrow}, headers=owner.headers), 422, "VALIDATION_ERROR"
    )
    assert error["field"] == "date"
    error = assert_error(
        await client.get(url, params={"date": "yesterday"}, headers=owner.headers), 422, "VALIDATION_ERROR"
    )
    assert error["field"] == "date"
    async with app_of(client).state.runtime.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Digest)) == 0
    await make_admin(settings, other.id)
    assert (await client.get(url, headers=other.headers)).status_code == 200  # admins may read it


async def test_without_market_data_the_summary_says_so(client: httpx.AsyncClient) -> None:
    reader = await register(client)
    digest = (await client.get(f"/api/content/daily-digest/{reader.id}", headers=reader.headers)).json()[
        "data"
    ]
    overview = digest["marketOverview"]
    assert overview["topMovers"] == [] and overview["breadth"]["advancers"] == 0
    # Fear & Greed (the bundled snapshot) is still there, named with its date.
    assert "Fear & Greed reading at hand, of 2025-04-22" in overview["summary"]


async def test_the_job_builds_at_the_users_hour_and_sends_to_those_who_opted_in(
    client: httpx.AsyncClient, market: Account, settings: Settings
) -> None:
    opted, quiet = await register(client), await register(client)
    hour = utcnow().hour
    body = {"preferences": {"digest": {"enabled": True, "hour": hour, "channels": ["EMAIL", "IN_APP"]}}}
    assert (await client.patch("/api/users/me", json=body, headers=opted.headers)).status_code == 200
    later = {"preferences": {"digest": {"hour": (hour + 1) % 24}}}
    assert (await client.patch("/api/users/me", json=later, headers=quiet.headers)).status_code == 200
    runtime = app_of(client).state.runtime

    run = await daily.build_due(runtime)
    assert run.failed == 0 and run.sent == 1
    again = await daily.build_due(runtime)
    assert (again.built, again.sent) == (0, 0)  # once a day

    async with runtime.db.session() as session:
        digests = {d.user_id: d for d in await session.scalars(select(Digest))}
        assert opted.id in digests and digests[opted.id].sent_at is not None
        if hour < 23:
            assert quiet.id not in digests  # their hour has not come
        channels = set(
            await session.scalars(select(Notification.channel).where(Notification.user_id == opted.id))
        )
        assert channels == {"EMAIL", "IN_APP"}
    answered = (await client.get(f"/api/content/daily-digest/{opted.id}", headers=opted.headers)).json()[
        "data"
    ]
    assert answered["sentAt"] is not None

    for _ in range(200):
        async with runtime.db.session() as session:
            statuses = set(
                await session.scalars(select(Notification.status).where(Notification.user_id == opted.id))
            )
        if statuses == {"DELIVERED"}:
            break
        await _pause()
    assert statuses == {"DELIVERED"}
    box = mailbox.Maildir(path_of(settings.resolved_mail_dir, opted.id), create=False)
    [message] = list(box)
    assert message["Subject"] == f"Your Cryptomon digest for {answered['date']}"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert answered["marketOverview"]["summary"] in parts["text/plain"].replace("\n", " ")
    assert "<h1" in parts["text/html"] and "Top movers" in parts["text/html"]
    async with runtime.db.session() as session:
        types = set(await session.scalars(select(UserEvent.type).where(UserEvent.user_id == opted.id)))
    assert "DAILY_DIGEST" in types


async def _pause() -> None:
    import asyncio

    await asyncio.sleep(0.05)
