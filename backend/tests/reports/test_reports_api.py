"""POST /api/reports/generate on both deployments: the seed's request and response, the job that makes the
file, the signed download, delivery through the outbox, ANALYSIS_COMPLETE, ownership and bad input."""

from __future__ import annotations

import io
import mailbox
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.config import Settings
from app.core.clock import FrozenClock
from app.notifications.mailbox import path_of
from app.realtime.models import UserEvent
from tests.conftest import Account, assert_error, register
from tests.reports.conftest import SEED_REPORT, app_of, finish, hold_jobs, signed_in_again

ROUTE = "/api/reports/generate"


async def _events(client: httpx.AsyncClient, user_id: int) -> list[UserEvent]:
    async with app_of(client).state.runtime.db.session() as session:
        return list(await session.scalars(select(UserEvent).where(UserEvent.user_id == user_id)))


async def _delivered(client: httpx.AsyncClient, account: Account, report_id: str) -> dict[str, Any]:
    import asyncio

    for _ in range(200):
        report = (await client.get(f"/api/reports/{report_id}", headers=account.headers)).json()["data"]
        if report["notificationSent"]:
            return dict(report)
        await asyncio.sleep(0.05)
    raise AssertionError(f"not delivered: {report}")


async def test_the_seed_request_makes_a_pdf_delivered_by_email_and_announced(
    client: httpx.AsyncClient, market: Account, settings: Settings
) -> None:
    investor = await register(client)
    response = await client.post(ROUTE, json={"userId": investor.id, **SEED_REPORT}, headers=investor.headers)
    assert response.status_code == 202, response.text
    answer = response.json()["data"]
    assert list(answer) == ["reportId", "status", "estimatedTime", "downloadUrl", "notificationSent"]
    assert re.fullmatch(r"RPT-\d{8}-001", answer["reportId"])
    assert answer["status"] == "GENERATING" and answer["downloadUrl"] is None
    assert answer["notificationSent"] is False and answer["estimatedTime"] > 0

    report = await finish(client, investor, answer["reportId"])
    assert report["status"] == "READY", report["error"]
    assert (
        report["progress"] == 1 and report["format"] == "PDF" and report["symbols"] == ["BTC-USD", "ETH-USD"]
    )
    assert report["fileName"] == f"cryptomon-comprehensive-{answer['reportId']}.pdf"
    keys = [s["key"] for s in report["sections"]]
    assert keys == ["summary", "market", "technical", "fundamental", "onchain", "sentiment"]

    download = await client.get(report["downloadUrl"])  # no token: the link is signed
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert report["fileName"] in download.headers["content-disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages)
    for expected in ("Comprehensive analysis", "BTC-USD", "ETH-USD", "CoinGecko", "not financial advice"):
        assert expected in text, expected
    assert "snapshot" in text  # the offline provider figures say so

    delivered = await _delivered(client, investor, answer["reportId"])
    [email] = delivered["deliveries"]
    assert email["channel"] == "EMAIL" and email["status"] == "DELIVERED"
    box = mailbox.Maildir(path_of(settings.resolved_mail_dir, investor.id), create=False)
    [message] = list(box)
    [attached] = [part for part in message.walk() if part.get_filename()]
    assert attached.get_filename() == report["fileName"]
    assert attached.get_payload(decode=True) == download.content

    [event] = [e for e in await _events(client, investor.id) if e.type == "ANALYSIS_COMPLETE"]
    assert event.payload["reportId"] == answer["reportId"] and event.payload["status"] == "READY"
    assert event.payload["downloadUrl"].startswith(f"/api/reports/{answer['reportId']}/download?")


@pytest.mark.parametrize(
    ("fmt", "content_type", "signature"),
    [
        ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("HTML", "text/html; charset=utf-8", b"<!doctype html>"),
        ("CSV", "text/csv; charset=utf-8", b"section,table,row,column,value,kind,source,as_of"),
        ("JSON", "application/json", b"{"),
    ],
)
async def test_every_format_downloads_with_its_type_and_name(
    embedded_settings: Settings, fmt: str, content_type: str, signature: bytes
) -> None:
    from tests.conftest import serve
    from tests.reports.conftest import push_recent_candles

    async with serve(embedded_settings) as client:
        admin = await register(client)
        from tests.conftest import make_admin

        await make_admin(embedded_settings, admin.id)
        await push_recent_candles(client, admin, ("ETH-USD",))
        body = {"reportType": "DAILY", "symbols": ["eth-usd"], "format": fmt, "includeSentiment": False}
        answer = (await client.post(ROUTE, json=body, headers=admin.headers)).json()["data"]
        report = await finish(client, admin, answer["reportId"])
        assert report["status"] == "READY", report["error"]
        assert report["symbols"] == ["ETH-USD"] and report["contentType"] == content_type
        download = await client.get(report["downloadUrl"])
        assert download.headers["content-type"] == content_type
        assert download.content.lstrip(b"\xef\xbb\xbf").startswith(signature)
        assert len(download.content) == report["sizeBytes"]
        assert report["fileName"].endswith("." + fmt.lower())


BAD = [
    ({"reportType": "HOURLY"}, 422, "VALIDATION_ERROR", "reportType"),
    ({"format": "DOCX"}, 422, "VALIDATION_ERROR", "format"),
    ({"deliveryChannels": ["PIGEON"]}, 422, "VALIDATION_ERROR", "deliveryChannels.0"),
    ({"symbols": []}, 422, "VALIDATION_ERROR", "symbols"),
    ({"symbols": [f"S{i}-USD" for i in range(21)]}, 422, "VALIDATION_ERROR", "symbols"),
    ({"symbols": ["NOPE-USD"]}, 400, "INVALID_SYMBOL", "symbols"),
    ({"reportType": "PORTFOLIO"}, 422, "VALIDATION_ERROR", "portfolioId"),
    ({"reportType": "BACKTEST"}, 422, "VALIDATION_ERROR", "backtestId"),
    ({"includeTechnical": "maybe"}, 422, "VALIDATION_ERROR", "includeTechnical"),
    ({"colour": "red"}, 422, "VALIDATION_ERROR", "colour"),
]


@pytest.mark.parametrize(("change", "status", "code", "field"), BAD)
async def test_bad_input_names_the_field_and_stores_nothing(
    client: httpx.AsyncClient, change: dict[str, object], status: int, code: str, field: str
) -> None:
    account = await register(client)
    response = await client.post(ROUTE, json=SEED_REPORT | change, headers=account.headers)
    assert assert_error(response, status, code)["field"] == field
    assert (await client.get("/api/reports", headers=account.headers)).json()["data"]["count"] == 0


async def test_nobody_reports_on_or_reads_what_is_not_theirs(
    client: httpx.AsyncClient, market: Account
) -> None:
    owner, other = await register(client), await register(client)
    portfolio = await client.post(
        "/api/portfolios",
        json={"userId": owner.id, "name": "Mine", "riskProfile": "LOW", "targetAllocations": {"BTC-USD": 1}},
        headers=owner.headers,
    )
    portfolio_id = portfolio.json()["data"]["portfolioId"]
    theirs = {"reportType": "PORTFOLIO", "portfolioId": portfolio_id, "format": "JSON"}
    refused = assert_error(await client.post(ROUTE, json=theirs, headers=other.headers), 403, "FORBIDDEN")
    assert refused["field"] == "portfolioId"
    backtest = await client.post(
        "/api/backtest/strategy",
        json={"strategyName": "RSI Mean Reversion", "symbol": "BTC-USD", "period": "30d"},
        headers=owner.headers,
    )
    assert backtest.status_code == 201, backtest.text
    run = {"reportType": "BACKTEST", "backtestId": backtest.json()["data"]["backtestId"], "format": "JSON"}
    assert_error(await client.post(ROUTE, json=run, headers=other.headers), 403, "FORBIDDEN")
    as_owner = {**SEED_REPORT, "userId": owner.id}
    assert_error(await client.post(ROUTE, json=as_owner, headers=other.headers), 403, "FORBIDDEN")
    assert (await client.get("/api/reports", headers=other.headers)).json()["data"]["count"] == 0

    mine = (await client.post(ROUTE, json=run, headers=owner.headers)).json()["data"]["reportId"]
    report = await finish(client, owner, mine)
    assert report["status"] == "READY", report["error"]
    for method in ("GET", "DELETE"):
        response = await client.request(method, f"/api/reports/{mine}", headers=other.headers)
        assert_error(response, 404, "NOT_FOUND")
    forged = report["downloadUrl"].replace("sig=", "sig=0")
    assert_error(await client.get(forged), 404, "NOT_FOUND")

    assert (await client.delete(f"/api/reports/{mine}", headers=owner.headers)).status_code == 204
    assert_error(await client.get(report["downloadUrl"]), 404, "NOT_FOUND")
    assert (await client.get("/api/reports", headers=owner.headers)).json()["data"]["count"] == 0


async def test_a_failure_keeps_its_reason_and_reaches_the_user(
    client: httpx.AsyncClient, market: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await register(client)
    created = await client.post(
        "/api/portfolios",
        json={
            "userId": owner.id,
            "name": "Short-lived",
            "riskProfile": "LOW",
            "targetAllocations": {"BTC-USD": 1},
        },
        headers=owner.headers,
    )
    portfolio_id = created.json()["data"]["portfolioId"]
    body = {
        "reportType": "PORTFOLIO",
        "portfolioId": portfolio_id,
        "format": "PDF",
        "deliveryChannels": ["IN_APP"],
    }
    # Deleted between the request and the job.
    runtime = app_of(client).state.runtime
    hold_jobs(monkeypatch, client)
    answer = (await client.post(ROUTE, json=body, headers=owner.headers)).json()["data"]
    assert (await client.delete(f"/api/portfolios/{portfolio_id}", headers=owner.headers)).status_code == 204
    from app.core.tasks.service import execute_job
    from tests.reports.conftest import job_of

    await execute_job(runtime, await job_of(client, answer["reportId"]))
    report = (await client.get(f"/api/reports/{answer['reportId']}", headers=owner.headers)).json()["data"]
    assert report["status"] == "FAILED" and f"Portfolio {portfolio_id}" in report["error"]
    assert report["downloadUrl"] is None
    [note] = (await _delivered(client, owner, answer["reportId"]))["deliveries"]
    assert note["channel"] == "IN_APP" and note["status"] == "DELIVERED"
    # The IN_APP delivery is the ANALYSIS_COMPLETE event (once), with the message's text.
    [event] = [e for e in await _events(client, owner.id) if e.type == "ANALYSIS_COMPLETE"]
    assert event.payload["status"] == "FAILED" and event.payload["error"] == report["error"]
    assert event.payload["title"] == "Your portfolio report failed"


async def test_links_expire_stuck_reports_fail_and_old_files_go(
    clock: FrozenClock,
    client: httpx.AsyncClient,
    market: Account,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.reports import production

    owner = await register(client)
    body = {"reportType": "DAILY", "symbols": ["BTC-USD"], "format": "CSV"}
    ready = (await client.post(ROUTE, json=body, headers=owner.headers)).json()["data"]["reportId"]
    report = await finish(client, owner, ready)
    link, file = report["downloadUrl"], settings.resolved_report_dir / str(owner.id) / report["fileName"]
    assert file.exists()
    runtime = app_of(client).state.runtime
    hold_jobs(monkeypatch, client)
    stuck = (await client.post(ROUTE, json=body, headers=owner.headers)).json()["data"]["reportId"]

    clock.advance(timedelta(days=7, seconds=1).total_seconds())  # past the link's 7 days
    owner = await signed_in_again(client, owner)
    assert_error(await client.get(link), 410, "LINK_EXPIRED")
    fresh = (await client.get(f"/api/reports/{ready}", headers=owner.headers)).json()["data"]["downloadUrl"]
    assert (await client.get(fresh)).status_code == 200

    assert await production.fail_stuck(runtime) == [stuck]
    failed = (await client.get(f"/api/reports/{stuck}", headers=owner.headers)).json()["data"]
    assert failed["status"] == "FAILED" and "not finished within 15 minutes" in failed["error"]
    assert any(e.payload.get("reportId") == stuck for e in await _events(client, owner.id))

    clock.advance(timedelta(days=23).total_seconds())  # 30 days kept
    owner = await signed_in_again(client, owner)
    assert await production.remove_expired(runtime) == [ready]
    expired = (await client.get(f"/api/reports/{ready}", headers=owner.headers)).json()["data"]
    assert expired["status"] == "EXPIRED" and expired["downloadUrl"] is None and not file.exists()
    assert_error(await client.get(fresh), 410, "LINK_EXPIRED")  # it ended when the file went


async def test_portfolio_and_backtest_reports_hold_their_figures(
    client: httpx.AsyncClient, market: Account
) -> None:
    from openpyxl import load_workbook

    owner = await register(client)
    created = await client.post(
        "/api/portfolios",
        json={
            "userId": owner.id,
            "name": "Core & Satellite",
            "riskProfile": "MEDIUM",
            "targetAllocations": {"BTC-USD": 0.7, "ETH-USD": 0.3},
        },
        headers=owner.headers,
    )
    portfolio_id = created.json()["data"]["portfolioId"]
    for symbol, quantity, price in (("BTC-USD", "0.5", 30000), ("ETH-USD", "4", 1800)):
        added = await client.post(
            f"/api/portfolios/{portfolio_id}/positions",
            json={
                "symbol": symbol,
                "quantity": quantity,
                "entryPrice": price,
                "entryDate": "2026-01-05T00:00:00Z",
            },
            headers=owner.headers,
        )
        assert added.status_code == 201, added.text
    body = {"reportType": "PORTFOLIO", "portfolioId": portfolio_id, "format": "XLSX"}
    answer = (await client.post(ROUTE, json=body, headers=owner.headers)).json()["data"]
    report = await finish(client, owner, answer["reportId"])
    assert report["status"] == "READY", report["error"]
    assert report["symbols"] == ["BTC-USD", "ETH-USD"] and report["portfolioId"] == portfolio_id
    book = load_workbook(io.BytesIO((await client.get(report["downloadUrl"])).content))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert any(c.value == "Core & Satellite: risk profile MEDIUM, 2 positions." for c in cells)
    quantities = [c.value for c in cells if isinstance(c.value, float | int) and c.value in (0.5, 4)]
    assert sorted(quantities)[:2] == [0.5, 4]  # numbers, not text

    run = await client.post(
        "/api/backtest/strategy",
        json={"strategyName": "RSI Mean Reversion", "symbol": "BTC-USD", "period": "60d"},
        headers=owner.headers,
    )
    run_id = run.json()["data"]["backtestId"]
    body = {"reportType": "BACKTEST", "backtestId": run_id, "format": "HTML"}
    answer = (await client.post(ROUTE, json=body, headers=owner.headers)).json()["data"]
    report = await finish(client, owner, answer["reportId"])
    assert report["status"] == "READY" and report["backtestId"] == run_id
    page = (await client.get(report["downloadUrl"])).text
    assert f"Backtest {run_id}" in page and "RSI Mean Reversion" in page and "Equity and drawdown" in page
    assert "https://" not in page.split("</script>")[-1]  # nothing loaded from outside after plotly.js


async def test_numbers_survive_deletes_and_an_old_link_never_opens_a_new_report(
    client: httpx.AsyncClient, market: Account
) -> None:
    owner = await register(client)
    body = {"reportType": "DAILY", "symbols": ["BTC-USD"], "format": "JSON", "includeFundamental": False}

    async def make() -> dict[str, Any]:
        answer = await client.post(ROUTE, json=body, headers=owner.headers)
        assert answer.status_code == 202, answer.text
        return await finish(client, owner, answer.json()["data"]["reportId"])

    first, second = await make(), await make()
    assert (
        await client.delete(f"/api/reports/{first['reportId']}", headers=owner.headers)
    ).status_code == 204
    third = await make()  # the day's highest number + 1, not the count + 1 (which is taken)
    assert third["reportId"].endswith("-003")
    assert (
        await client.delete(f"/api/reports/{third['reportId']}", headers=owner.headers)
    ).status_code == 204
    again = await make()
    assert again["reportId"] == third["reportId"]  # the number comes back, the old link does not work
    assert_error(await client.get(third["downloadUrl"]), 404, "NOT_FOUND")
    assert (await client.get(again["downloadUrl"])).status_code == 200
    assert (await client.get(second["downloadUrl"])).status_code == 200


@pytest.mark.parametrize("kind", ["PORTFOLIO", "BACKTEST"])
async def test_an_unknown_portfolio_or_backtest_is_named(client: httpx.AsyncClient, kind: str) -> None:
    owner = await register(client)
    body = {"reportType": kind, "portfolioId": 999999, "backtestId": "BT-20250101-deadbeef"}
    field = "portfolioId" if kind == "PORTFOLIO" else "backtestId"
    assert (
        assert_error(await client.post(ROUTE, json=body, headers=owner.headers), 404, "NOT_FOUND")["field"]
        == field
    )
