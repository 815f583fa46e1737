"""Market and data routes on both deployments: symbols, push, historical, export, API keys."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import httpx
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from app.config import Settings
from app.core.clock import FrozenClock
from tests.conftest import Account, assert_error, make_admin, register

NOV = datetime(2025, 11, 1, tzinfo=UTC)


def _daily(n: int, start: datetime = NOV, base: float = 48000.0) -> list[dict[str, object]]:
    out = []
    for i in range(n):
        o = base + 100 * i
        out.append(
            {
                "timestamp": (start + timedelta(days=i)).isoformat().replace("+00:00", "Z"),
                "open": o,
                "high": o + 500,
                "low": o - 200,
                "close": o + 150.5,
                "volume": 28_500_000_000 + i,
            }
        )
    return out


@pytest.fixture
async def admin(settings: Settings, client: httpx.AsyncClient) -> Account:
    account = await register(client)
    await make_admin(settings, account.id)
    return account


async def _push(client: httpx.AsyncClient, admin: Account, symbol: str, interval: str, candles: list) -> dict:
    response = await client.post(
        "/api/data/candles",
        headers=admin.headers,
        json={"symbol": symbol, "interval": interval, "candles": candles},
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


async def test_symbols_listed_and_unknown_is_invalid_symbol(
    client: httpx.AsyncClient, admin: Account
) -> None:
    symbols = (await client.get("/api/market/symbols", headers=admin.headers)).json()["data"]
    by_symbol = {s["symbol"]: s for s in symbols}
    assert len(symbols) >= 25
    assert {"BTC-USD", "ETH-USD", "SOL-USD", "POL-USD", "USDT", "USDC"} <= set(by_symbol)
    assert by_symbol["BTC-USD"] | {} == by_symbol["BTC-USD"]
    assert (
        by_symbol["BTC-USD"]["coingeckoId"] == "bitcoin" and by_symbol["BTC-USD"]["binancePair"] == "BTCUSDT"
    )
    response = await client.get("/api/data/historical?symbol=BTC-INVALID&interval=1d", headers=admin.headers)
    body = assert_error(response, 400, "INVALID_SYMBOL")
    assert body["message"] == "Symbol BTC-INVALID not found"


async def test_admin_adds_a_symbol_others_cannot(client: httpx.AsyncClient, admin: Account) -> None:
    user = await register(client)
    new = {"symbol": "pepe-usd", "name": "Pepe", "coingeckoId": "pepe", "binancePair": "PEPEUSDT"}
    assert_error(await client.post("/api/market/symbols", json=new, headers=user.headers), 403, "FORBIDDEN")
    created = await client.post("/api/market/symbols", json=new, headers=admin.headers)
    assert created.status_code == 201 and created.json()["data"]["symbol"] == "PEPE-USD"
    again = await client.post("/api/market/symbols", json=new, headers=admin.headers)
    assert_error(again, 409, "CONFLICT")
    listed = (await client.get("/api/market/symbols", headers=user.headers)).json()["data"]
    assert "PEPE-USD" in {s["symbol"] for s in listed}
    bad = await client.post(
        "/api/market/symbols", json={"symbol": "no spaces", "name": "x"}, headers=admin.headers
    )
    assert assert_error(bad, 422, "VALIDATION_ERROR")["field"] == "symbol"


async def test_seed_historical_query(client: httpx.AsyncClient, admin: Account) -> None:
    result = await _push(client, admin, "BTC-USD", "1d", _daily(30))
    assert result == {"accepted": 30, "rejected": []}
    response = await client.get(
        "/api/data/historical",
        params={
            "symbol": "BTC-USD",
            "from": "2025-11-01T00:00:00Z",
            "to": "2025-12-01T00:00:00Z",
            "interval": "1d",
        },
        headers=admin.headers,
    )
    body = response.json()
    assert body["status"] == "success"
    data = body["data"]
    assert data["symbol"] == "BTC-USD" and data["interval"] == "1d" and data["source"] == "PUSH"
    assert data["dataPoints"] == 30 == len(data["data"])
    # The quote (USD) volume the seed's example shows, estimated from the base volume (and flagged so).
    quote = data["data"][0].pop("quoteVolume")
    assert quote == pytest.approx(28_500_000_000 * (48500 + 47800 + 48150.5) / 3, rel=1e-12)
    assert data["quoteVolumeEstimated"] is True
    assert all(p["quoteVolume"] > 0 for p in data["data"][1:])
    assert data["data"][0] == {
        "timestamp": "2025-11-01T00:00:00Z",
        "open": 48000,
        "high": 48500,
        "low": 47800,
        "close": 48150.5,
        "volume": 28500000000,
    }
    stamps = [p["timestamp"] for p in data["data"]]
    assert stamps == sorted(set(stamps)) and data["nextCursor"] is None


async def test_a_stored_quote_volume_is_returned_as_it_is_and_only_missing_ones_are_estimated(
    client: httpx.AsyncClient, admin: Account
) -> None:
    """Pushed candles may carry the exchange's own quoteVolume (as Binance klines do): that figure comes
    back exactly; a page is flagged estimated only while one of its points has none."""
    hours = [
        {"timestamp": f"2025-11-01T{h:02d}:00:00Z", "open": 100.0, "high": 110.0, "low": 90.0, "close": 105.0}
        | {"volume": 2.0, "quoteVolume": 201.25 + h}
        for h in range(24)
    ]
    assert (await _push(client, admin, "BTC-USD", "1h", hours))["accepted"] == 24
    params = {"symbol": "BTC-USD", "from": "2025-11-01T00:00:00Z", "to": "2025-11-02T00:00:00Z"}

    async def page(**extra: str) -> dict:
        response = await client.get("/api/data/historical", params=params | extra, headers=admin.headers)
        assert response.status_code == 200, response.text
        return dict(response.json()["data"])

    hourly = await page(interval="1h")  # one source: the page the database renders
    assert [p["quoteVolume"] for p in hourly["data"]] == [201.25 + h for h in range(24)]
    assert hourly["quoteVolumeEstimated"] is False
    daily = await page(interval="1d")  # no 1d stored: summed from the hours
    assert daily["resampledFrom"] == "1h"
    assert daily["data"][0]["quoteVolume"] == pytest.approx(sum(201.25 + h for h in range(24)), rel=1e-12)
    assert daily["quoteVolumeEstimated"] is False

    # One hour replaced by a candle without a figure: that point is estimated, the page says so, and the
    # day it falls in cannot be summed from stored figures either.
    bare = hours[5] | {"quoteVolume": None}
    assert (await _push(client, admin, "BTC-USD", "1h", [bare]))["accepted"] == 1
    hourly = await page(interval="1h")
    assert hourly["data"][5]["quoteVolume"] == pytest.approx(2.0 * (110 + 90 + 105) / 3, rel=1e-12)
    assert hourly["data"][6]["quoteVolume"] == 207.25
    assert hourly["quoteVolumeEstimated"] is True
    daily = await page(interval="1d")
    assert daily["data"][0]["quoteVolume"] == pytest.approx(2.0 * 24 * (110 + 90 + 105) / 3, rel=1e-12)
    assert daily["quoteVolumeEstimated"] is True

    bad = await _push(client, admin, "BTC-USD", "1h", [hours[0] | {"quoteVolume": -1}])
    assert bad["accepted"] == 0
    assert bad["rejected"] == [{"index": 0, "reason": "quoteVolume must be a finite non-negative number"}]


async def test_seed_query_with_a_source_that_has_nothing_names_those_that_do(
    client: httpx.AsyncClient, admin: Account
) -> None:
    """The seed's `source=COINGECKO` on an install without CoinGecko candles: not a silent `data: []`."""
    await _push(client, admin, "BTC-USD", "1d", _daily(30))
    params = {"symbol": "BTC-USD", "from": "2025-11-01T00:00:00Z", "to": "2025-12-01T00:00:00Z"}
    for interval, available in (("1d", ["PUSH"]), ("1h", [])):
        response = await client.get(
            "/api/data/historical",
            params=params | {"interval": interval, "source": "COINGECKO"},
            headers=admin.headers,
        )
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["data"] == [] and data["dataPoints"] == 0 and data["source"] == "COINGECKO"
        assert data["availableSources"] == available
        assert "No COINGECKO candles of BTC-USD" in data["note"]
        assert "cryptomon backfill --source coingecko --interval 4h" in data["note"]
    # A page with data carries neither field.
    full = await client.get("/api/data/historical", params=params | {"interval": "1d"}, headers=admin.headers)
    assert "availableSources" not in full.json()["data"] and "note" not in full.json()["data"]


async def test_coarser_interval_is_resampled_and_paged(client: httpx.AsyncClient, admin: Account) -> None:
    await _push(client, admin, "ETH-USD", "1d", _daily(14, base=2000))
    params = {
        "symbol": "ETH-USD",
        "interval": "1d",
        "from": "2025-11-01T00:00:00Z",
        "to": "2025-11-15T00:00:00Z",
    }
    page1 = (
        await client.get("/api/data/historical", params=params | {"limit": 10}, headers=admin.headers)
    ).json()
    assert page1["data"]["dataPoints"] == 10 and page1["data"]["nextCursor"]
    page2 = (
        await client.get(
            "/api/data/historical",
            params=params | {"limit": 10, "cursor": page1["data"]["nextCursor"]},
            headers=admin.headers,
        )
    ).json()["data"]
    assert page2["dataPoints"] == 4 and page2["nextCursor"] is None
    assert page2["data"][0]["timestamp"] == "2025-11-11T00:00:00Z"


async def test_bad_queries_are_clear_400s(client: httpx.AsyncClient, admin: Account) -> None:
    base = "/api/data/historical?symbol=BTC-USD"
    assert_error(await client.get(base + "&interval=2h", headers=admin.headers), 400, "INVALID_INTERVAL")
    response = await client.get(
        base + "&from=2025-12-01T00:00:00Z&to=2025-11-01T00:00:00Z", headers=admin.headers
    )
    assert assert_error(response, 400, "INVALID_RANGE")["field"] == "from"
    assert_error(await client.get(base + "&limit=50001", headers=admin.headers), 400, "RANGE_TOO_LARGE")
    response = await client.get(
        base + "&interval=1m&from=2010-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", headers=admin.headers
    )
    assert_error(response, 400, "RANGE_TOO_LARGE")
    assert_error(await client.get(base + "&cursor=%%%", headers=admin.headers), 422, "VALIDATION_ERROR")


async def test_bad_candles_rejected_one_by_one(client: httpx.AsyncClient, admin: Account) -> None:
    candles = _daily(4)
    candles[1]["high"] = 1.0  # below open
    candles[2]["timestamp"] = "2025-11-03T05:00:00Z"  # not aligned to 1d
    candles.append(dict(candles[0]))  # duplicate
    candles.append("garbage")
    result = await _push(client, admin, "BTC-USD", "1d", candles)
    assert result["accepted"] == 2
    assert [r["index"] for r in result["rejected"]] == [1, 2, 4, 5]
    assert "high/low" in result["rejected"][0]["reason"] and "aligned" in result["rejected"][1]["reason"]


async def test_export_every_format(client: httpx.AsyncClient, admin: Account) -> None:
    await _push(client, admin, "BTC-USD", "1d", _daily(30))
    params = {
        "symbol": "BTC-USD",
        "interval": "1d",
        "from": "2025-11-01T00:00:00Z",
        "to": "2025-12-01T00:00:00Z",
    }
    for fmt in ("csv", "json", "xlsx", "parquet"):
        response = await client.get(
            "/api/data/historical/export", params=params | {"format": fmt}, headers=admin.headers
        )
        assert response.status_code == 200, response.text
        disposition = response.headers["content-disposition"]
        assert disposition == f'attachment; filename="BTC-USD_1d_20251101T0000Z_20251201T0000Z.{fmt}"'
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(response.text)))
            assert rows[0]["timestamp"] == "2025-11-01T00:00:00Z" and float(rows[-1]["close"]) == 51050.5
        elif fmt == "json":
            body = json.loads(response.content)
            assert body["dataPoints"] == 30 and body["data"][29]["close"] == 51050.5
        elif fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(response.content)).active
            assert sheet.cell(1, 1).value == "timestamp" and sheet.max_row == 31
            assert sheet.cell(31, 5).value == 51050.5
        else:
            table = pq.read_table(io.BytesIO(response.content))
            assert table.num_rows == 30 and table.column("close")[29].as_py() == 51050.5
            assert table.column("timestamp")[0].as_py() == NOV


@pytest.mark.usefixtures("ingest")
async def test_push_ticks_needs_admin_or_an_admins_ingest_key(
    settings: Settings, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    user, owner = await register(client), await register(client)
    now = clock.now().isoformat().replace("+00:00", "Z")
    batch = {"ticks": [{"symbol": "BTC-USD", "price": 50250.5, "volume": 0.3, "timestamp": now}]}
    assert_error(await client.post("/api/data/ticks", json=batch, headers=user.headers), 403, "FORBIDDEN")
    refused = await client.post(
        "/api/users/me/api-keys", json={"name": "tv", "scopes": ["ingest"]}, headers=user.headers
    )
    assert assert_error(refused, 403, "FORBIDDEN")["field"] == "scopes"

    await make_admin(settings, owner.id)
    created = await client.post(
        "/api/users/me/api-keys", json={"name": "tv", "scopes": ["ingest"]}, headers=owner.headers
    )
    key = created.json()["data"]["key"]
    assert key.startswith("cmk_")
    pushed = await client.post("/api/data/ticks", json=batch, headers={"X-API-Key": key})
    assert pushed.json()["data"] == {"accepted": 1, "rejected": []}
    listed = (await client.get("/api/users/me/api-keys", headers=owner.headers)).json()["data"]
    assert "key" not in listed[0] and listed[0]["lastUsedAt"] is not None

    await _set_role(settings, owner.id, "user")  # demoted: the key no longer pushes
    assert_error(
        await client.post("/api/data/ticks", json=batch, headers={"X-API-Key": key}), 403, "FORBIDDEN"
    )
    await _set_role(settings, owner.id, "admin")
    await client.delete(f"/api/users/me/api-keys/{listed[0]['id']}", headers=owner.headers)
    revoked = await client.post("/api/data/ticks", json=batch, headers={"X-API-Key": key})
    assert_error(revoked, 401, "INVALID_TOKEN")
    forged = await client.post("/api/data/ticks", json=batch, headers={"X-API-Key": "cmk_x_y"})
    assert_error(forged, 401, "INVALID_TOKEN")


async def _set_role(settings: Settings, user_id: int, role: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(settings.resolved_database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE users SET role = :r WHERE id = :id"), {"r": role, "id": user_id})
    finally:
        await engine.dispose()


async def test_history_edge_cases(client: httpx.AsyncClient, admin: Account) -> None:
    await _push(client, admin, "BTC-USD", "1d", _daily(5))
    base = {"symbol": "BTC-USD", "interval": "1d"}
    naive = await client.get(
        "/api/data/historical",
        headers=admin.headers,
        params=base | {"from": "2025-11-02T00:00:00", "to": "2025-11-04T00:00:00"},
    )
    assert [p["timestamp"] for p in naive.json()["data"]["data"]] == [
        "2025-11-02T00:00:00Z",
        "2025-11-03T00:00:00Z",
    ]
    inside = await client.get(
        "/api/data/historical",
        headers=admin.headers,
        params=base | {"from": "2025-11-02T06:00:00Z", "to": "2025-11-06T00:00:00Z"},
    )
    assert inside.json()["data"]["data"][0]["timestamp"] == "2025-11-03T00:00:00Z"  # [from, to)
    zero = await client.get("/api/data/historical", headers=admin.headers, params=base | {"limit": 0})
    assert assert_error(zero, 400, "INVALID_RANGE")["field"] == "limit"
    unknown = await client.get(
        "/api/data/historical", headers=admin.headers, params=base | {"source": "kraken"}
    )
    assert assert_error(unknown, 400, "BAD_REQUEST")["field"] == "source"


@pytest.mark.usefixtures("ingest")
async def test_push_ticks_bad_ones_reported_by_index(
    client: httpx.AsyncClient, admin: Account, clock: FrozenClock
) -> None:
    now = clock.now()

    def at(seconds: float) -> str:
        return (now + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")

    ticks = [
        {"symbol": "BTC-USD", "price": 50250.5, "volume": 0.3, "timestamp": at(-3)},
        {"symbol": "BTC-INVALID", "price": 1, "timestamp": at(-2)},
        {"symbol": "BTC-USD", "price": -5, "timestamp": at(-2)},
        {"symbol": "BTC-USD", "price": "abc", "timestamp": at(-2)},
        {"symbol": "BTC-USD", "price": 50251, "timestamp": "yesterday"},
        {"symbol": "ETH-USD", "price": 3000, "volume": 1, "timestamp": at(-1)},
        {"symbol": "BTC-USD", "price": 50260, "timestamp": at(-3600)},
    ]
    result = (await client.post("/api/data/ticks", json={"ticks": ticks}, headers=admin.headers)).json()[
        "data"
    ]
    rejected = {r["index"]: r["reason"] for r in result["rejected"]}
    assert {1, 2, 3, 4} <= set(rejected)
    assert "unknown symbol" in rejected[1] and "positive" in rejected[2] and "number" in rejected[3]
    # The stateful checks run in the pipeline's process (the ingest process in the cluster), which answers.
    assert "STALE" in rejected[6] and result["accepted"] == 2
    prices = (await client.get("/api/market/prices?symbols=BTC-USD,ETH-USD", headers=admin.headers)).json()
    assert [p["price"] for p in prices["data"]] == [50250.5, 3000]
