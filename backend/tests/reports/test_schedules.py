"""Report schedules on both deployments with the injectable clock: local hours across daylight saving, a run
missed while the server was down runs once, never twice; pause, resume, delete; bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.core.clock import FrozenClock
from app.reports import schedules
from app.reports.cadence import Cadence, next_run
from tests.conftest import Account, assert_error, register
from tests.reports.conftest import app_of, hold_jobs, signed_in_again

ROUTE = "/api/reports/schedules"
DAILY = {"reportType": "DAILY", "symbols": ["BTC-USD"], "format": "CSV", "cadence": "DAILY", "hour": 8}


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize(
    ("rule", "after", "expected"),
    [
        # New York leaves EST (UTC-5) for EDT (UTC-4) on 2026-03-08: 08:00 local goes from 13:00 to 12:00 UTC.
        (Cadence("DAILY", 8, "America/New_York"), "2026-03-07T13:00:00Z", "2026-03-08T12:00:00Z"),
        (Cadence("DAILY", 8, "America/New_York"), "2026-03-06T13:30:00Z", "2026-03-07T13:00:00Z"),
        # Berlin skips 02:00 on 2026-03-29 (02:00 -> 03:00): it runs at 03:00 CEST = 01:00 UTC.
        (Cadence("DAILY", 2, "Europe/Berlin"), "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z"),
        # Berlin's 02:00 happens twice on 2026-10-25: once, the first time (CEST, 00:00 UTC).
        (Cadence("DAILY", 2, "Europe/Berlin"), "2026-10-24T12:00:00Z", "2026-10-25T00:00:00Z"),
        (Cadence("DAILY", 2, "Europe/Berlin"), "2026-10-25T00:00:00Z", "2026-10-26T01:00:00Z"),
        (Cadence("WEEKLY", 9, "UTC", weekday=0), "2026-12-02T10:00:00Z", "2026-12-07T09:00:00Z"),  # Monday
        (Cadence("MONTHLY", 6, "UTC", day_of_month=31), "2027-02-01T00:00:00Z", "2027-02-28T06:00:00Z"),
        # 05:00 on 1 January in Tokyo: its 06:00 that day is still 31 December in UTC.
        (Cadence("MONTHLY", 6, "Asia/Tokyo", day_of_month=1), "2026-12-31T20:00:00Z", "2026-12-31T21:00:00Z"),
    ],
)
def test_the_next_run_is_the_local_hour_in_the_schedules_zone(
    rule: Cadence, after: str, expected: str
) -> None:
    assert next_run(rule, _utc(after)) == _utc(expected)


async def _report_count(client: httpx.AsyncClient, account: Account) -> int:
    return int((await client.get("/api/reports", headers=account.headers)).json()["data"]["count"])


async def test_a_schedule_runs_at_its_hour_once_even_after_downtime(
    clock: FrozenClock, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set(datetime(2026, 3, 6, 12, 0, tzinfo=UTC))
    owner = await register(client)
    hold_jobs(monkeypatch, client)  # the reports stay GENERATING: this test is about when they start
    changed = await client.patch(
        "/api/users/me", json={"preferences": {"timezone": "America/New_York"}}, headers=owner.headers
    )
    assert changed.json()["data"]["preferences"]["timezone"] == "America/New_York"
    created = await client.post(ROUTE, json=DAILY, headers=owner.headers)
    assert created.status_code == 201, created.text
    schedule = created.json()["data"]
    assert schedule["timezone"] == "America/New_York" and schedule["nextRunAt"] == "2026-03-06T13:00:00Z"
    runtime = app_of(client).state.runtime

    clock.set(datetime(2026, 3, 6, 12, 59, tzinfo=UTC))
    assert await schedules.run_due(runtime) == []
    clock.set(datetime(2026, 3, 6, 13, 0, 30, tzinfo=UTC))
    [first] = await schedules.run_due(runtime)
    assert await schedules.run_due(runtime) == []  # the next pass finds nothing due
    owner = await signed_in_again(client, owner)
    listed = (await client.get(ROUTE, headers=owner.headers)).json()["data"]["schedules"]
    assert listed[0]["lastReportId"] == first and listed[0]["nextRunAt"] == "2026-03-07T13:00:00Z"

    # Down from before the 7th's run to after the 9th's (across the change to EDT): one run at start.
    clock.set(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    [caught_up] = await schedules.run_due(runtime)
    assert await schedules.run_due(runtime) == []
    owner = await signed_in_again(client, owner)
    listed = (await client.get(ROUTE, headers=owner.headers)).json()["data"]["schedules"]
    assert listed[0]["nextRunAt"] == "2026-03-10T12:00:00Z"  # 08:00 EDT
    report = (await client.get(f"/api/reports/{caught_up}", headers=owner.headers)).json()["data"]
    assert report["scheduleId"] == schedule["scheduleId"] and report["symbols"] == ["BTC-USD"]
    assert await _report_count(client, owner) == 2

    paused = await client.patch(
        f"{ROUTE}/{schedule['scheduleId']}", json={"paused": True}, headers=owner.headers
    )
    assert paused.json()["data"]["paused"] is True
    clock.set(datetime(2026, 3, 12, 15, 0, tzinfo=UTC))
    assert await schedules.run_due(runtime) == []
    owner = await signed_in_again(client, owner)
    resumed = await client.patch(
        f"{ROUTE}/{schedule['scheduleId']}", json={"paused": False}, headers=owner.headers
    )
    assert resumed.json()["data"]["nextRunAt"] == "2026-03-13T12:00:00Z"  # what it missed paused is not run
    assert (
        await client.delete(f"{ROUTE}/{schedule['scheduleId']}", headers=owner.headers)
    ).status_code == 204
    clock.set(datetime(2026, 3, 14, 15, 0, tzinfo=UTC))
    assert await schedules.run_due(runtime) == []
    assert await _report_count(client, await signed_in_again(client, owner)) == 2


async def test_two_passes_at_once_start_a_due_schedule_once(
    clock: FrozenClock, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    owner = await register(client)
    hold_jobs(monkeypatch, client)
    for _ in range(3):
        assert (await client.post(ROUTE, json=DAILY, headers=owner.headers)).status_code == 201
    clock.advance(timedelta(days=1).total_seconds())
    runtime = app_of(client).state.runtime
    passes = await asyncio.gather(schedules.run_due(runtime), schedules.run_due(runtime))
    assert sum(len(p) for p in passes) == 3  # each schedule claimed by one pass (compare-and-set)
    assert await _report_count(client, await signed_in_again(client, owner)) == 3


BAD = [
    ({"cadence": "HOURLY"}, "cadence"),
    ({"cadence": "WEEKLY"}, "weekday"),
    ({"cadence": "MONTHLY"}, "dayOfMonth"),
    ({"cadence": "WEEKLY", "weekday": 7}, "weekday"),
    ({"hour": 24}, "hour"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"reportType": "BACKTEST", "backtestId": "BT-1"}, "reportType"),
    ({"symbols": []}, "symbols"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
async def test_bad_schedules_name_the_field_and_store_nothing(
    client: httpx.AsyncClient, change: dict[str, object], field: str
) -> None:
    owner = await register(client)
    response = await client.post(ROUTE, json=DAILY | change, headers=owner.headers)
    assert assert_error(response, 422, "VALIDATION_ERROR")["field"] == field
    assert (await client.get(ROUTE, headers=owner.headers)).json()["data"]["count"] == 0


async def test_nobody_changes_another_users_schedule(client: httpx.AsyncClient) -> None:
    owner, other = await register(client), await register(client)
    schedule = (await client.post(ROUTE, json=DAILY, headers=owner.headers)).json()["data"]
    url = f"{ROUTE}/{schedule['scheduleId']}"
    assert_error(await client.patch(url, json={"paused": True}, headers=other.headers), 404, "NOT_FOUND")
    assert_error(await client.delete(url, headers=other.headers), 404, "NOT_FOUND")
    assert (await client.get(ROUTE, headers=other.headers)).json()["data"]["count"] == 0
    assert (await client.get(ROUTE, headers=owner.headers)).json()["data"]["schedules"][0]["paused"] is False


async def test_a_run_that_cannot_start_fails_with_its_reason_and_is_told(
    clock: FrozenClock, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await register(client)
    hold_jobs(monkeypatch, client)
    created = await client.post(
        "/api/portfolios",
        json={"userId": owner.id, "name": "Gone", "riskProfile": "LOW", "targetAllocations": {"USD": 1}},
        headers=owner.headers,
    )
    portfolio_id = created.json()["data"]["portfolioId"]
    body = {"reportType": "PORTFOLIO", "portfolioId": portfolio_id, "format": "PDF", "cadence": "DAILY"}
    schedule = (await client.post(ROUTE, json=body, headers=owner.headers)).json()["data"]
    assert (await client.delete(f"/api/portfolios/{portfolio_id}", headers=owner.headers)).status_code == 204
    clock.advance(timedelta(days=1).total_seconds())
    [report_id] = await schedules.run_due(app_of(client).state.runtime)
    owner = await signed_in_again(client, owner)
    report = (await client.get(f"/api/reports/{report_id}", headers=owner.headers)).json()["data"]
    assert report["status"] == "FAILED" and report["scheduleId"] == schedule["scheduleId"]
    assert report["error"] == f"the scheduled report could not start: Portfolio {portfolio_id} not found"
    listed = (await client.get(ROUTE, headers=owner.headers)).json()["data"]["schedules"]
    assert listed[0]["lastReportId"] == report_id and listed[0]["paused"] is False


async def test_a_schedule_keeps_on_chain_with_the_fundamentals_unless_told(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    default = (await client.post(ROUTE, json=DAILY, headers=owner.headers)).json()["data"]
    assert default["includeFundamental"] is True and default["includeOnChain"] is True
    off = {**DAILY, "includeFundamental": False}
    assert (await client.post(ROUTE, json=off, headers=owner.headers)).json()["data"][
        "includeOnChain"
    ] is False


async def test_an_unknown_preferred_time_zone_is_named_without_pydantics_prefix(
    client: httpx.AsyncClient,
) -> None:
    owner = await register(client)
    response = await client.patch(
        "/api/users/me", json={"preferences": {"timezone": "Mars/Olympus"}}, headers=owner.headers
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["field"] == "preferences.timezone"
    assert body["message"].startswith("preferences.timezone: unknown time zone 'Mars/Olympus'")
