"""CSV import and export: idempotent, every bad row named by line, nothing imported unless every row is good
(or partial), and an export that imports back to the same holdings."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Account, assert_error, register
from tests.portfolio.conftest import create_portfolio

GOOD = """kind,symbol,quantity,price,fee,executedAt,externalId,note
BUY,BTC-USD,1,40000,10,2025-01-01T10:00:00Z,ex-1,first
BUY,eth-usd,10,3000,0,2025-01-02T10:00:00Z,,
SELL,BTC-USD,0.25,50000,5,2025-02-01T10:00:00Z,ex-2,
DEPOSIT,USD,1000,1,,2025-02-02T00:00:00Z,,
"""


async def _import(
    client: httpx.AsyncClient, owner: Account, pid: int, text: str, partial: bool = False
) -> httpx.Response:
    body = {"csv": text, "partial": partial}
    return await client.post(f"/api/portfolios/{pid}/transactions/import", json=body, headers=owner.headers)


async def _holdings(client: httpx.AsyncClient, owner: Account, pid: int) -> dict[str, Any]:
    data = (await client.get(f"/api/portfolios/{pid}", headers=owner.headers)).json()["data"]
    return {p["symbol"]: (p["quantity"], p["entryPrice"], p["realisedPnlFifo"]) for p in data["positions"]}


async def test_an_import_is_idempotent_and_exports_back(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    pid = (await create_portfolio(client, owner))["portfolioId"]
    first = await _import(client, owner, pid, GOOD)
    assert first.status_code == 200, first.text
    assert first.json()["data"] == {"imported": 4, "skipped": 0, "errors": []}
    again = await _import(client, owner, pid, GOOD)
    assert again.json()["data"] == {"imported": 0, "skipped": 4, "errors": []}
    held = await _holdings(client, owner, pid)
    # BTC: 1 bought for 40,010 with its fee; 0.25 sold for 12,500 - 5: FIFO realised 12,495 - 10,002.5.
    assert (
        held["BTC-USD"] == (0.75, 40010, 2492.5)
        and held["ETH-USD"] == (10, 3000, 0)
        and held["USD"][0] == 1000
    )
    exported = await client.get(f"/api/portfolios/{pid}/transactions/export", headers=owner.headers)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert exported.text.splitlines()[0] == "kind,symbol,quantity,price,fee,executedAt,externalId,note"
    copy = (await create_portfolio(client, owner))["portfolioId"]
    assert (await _import(client, owner, copy, exported.text)).json()["data"]["imported"] == 4
    assert await _holdings(client, owner, copy) == held


async def test_bad_rows_are_named_by_line_and_nothing_is_imported(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    pid = (await create_portfolio(client, owner))["portfolioId"]
    bad = GOOD + "BUY,NOPE-USD,1,1,,2025-03-01T00:00:00Z,,\nBUY,BTC-USD,-1,1,,2025-03-01T00:00:00Z,,\n"
    refused = assert_error(await _import(client, owner, pid, bad), 422, "VALIDATION_ERROR")
    assert refused["field"] == "csv"
    messages = [d["message"] for d in refused["details"]]
    assert messages[0].startswith("line 6 (symbol)") and messages[1].startswith("line 7 (quantity)"), messages
    assert await _holdings(client, owner, pid) == {}
    partial = await _import(client, owner, pid, bad, partial=True)
    assert partial.status_code == 200 and partial.json()["data"]["imported"] == 4
    assert [e["line"] for e in partial.json()["data"]["errors"]] == [6, 7]


async def test_an_oversold_row_and_a_bad_header_change_nothing(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    pid = (await create_portfolio(client, owner))["portfolioId"]
    oversold = GOOD + "SELL,ETH-USD,11,3000,,2025-03-01T00:00:00Z,,\n"
    message = assert_error(await _import(client, owner, pid, oversold), 422, "VALIDATION_ERROR")["message"]
    assert message.startswith("line 6:"), message
    header = assert_error(await _import(client, owner, pid, "when,what\n1,2\n"), 422, "VALIDATION_ERROR")
    assert header["field"] == "csv" and "kind" in header["message"]
    assert await _holdings(client, owner, pid) == {}
