"""Routes: symbols, status and prices (/api/market), historical data, export and push (/api/data)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from app.core.bus import messages as bus_messages
from app.core.bus.messages import BarsClosed
from app.core.cached_json import cached_json_ok
from app.core.db import after_commit
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.errors import AppError, ErrorCode
from app.market import export, fetch_on_request
from app.market import service as market_service
from app.market.push import accept_ticks, parse_ticks, store_candles
from app.market.runner import MarketRunner
from app.market.schemas import (
    AssetIn,
    AssetOut,
    ExportFile,
    Historical,
    LatestPrice,
    MarketStatus,
    PushCandlesIn,
    PushResult,
    PushTicksIn,
    Rejection,
)
from app.market.service import HistoryQuery
from app.market.symbols import Asset
from app.users.deps import AdminUser, CurrentUser, IngestCaller, SignedInCaller

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


def _out(asset: Asset) -> AssetOut:
    return AssetOut.model_validate(asset, from_attributes=True)


def market_runner(request: Request) -> MarketRunner | None:
    runner: MarketRunner | None = getattr(request.app.state, "market", None)
    return runner


@router.get("/market/symbols", response_model=Envelope[list[AssetOut]], tags=["market"])
async def list_symbols(_: CurrentUser, session: DbSession) -> Envelope[list[AssetOut]]:
    return ok([_out(a) for a in await market_service.list_assets(session)])


@router.post("/market/symbols", response_model=Envelope[AssetOut], status_code=201, tags=["market"])
async def add_symbol(
    body: AssetIn, user: AdminUser, session: DbSession, request: Request
) -> Envelope[AssetOut]:
    asset = await market_service.add_asset(session, Asset(**body.model_dump()), user.id)
    runner = market_runner(request)
    if runner is not None:
        runner.pipeline.set_known_symbols((runner.pipeline.validator.known_symbols or set()) | {asset.symbol})
    return ok(_out(asset))


@router.get("/market/status", response_model=Envelope[MarketStatus], tags=["market"])
async def market_status(_: CurrentUser, runtime: RuntimeDep, request: Request) -> Envelope[MarketStatus]:
    """Per source: connection, accepted and rejected ticks by reason, lag; the replay says what it replays."""
    runner = market_runner(request)
    if runner is not None and runner.sources:
        return ok(MarketStatus.model_validate(runner.status()))
    shared = await runtime.cache.get("market:status")
    if shared is None:
        raise AppError(
            ErrorCode.SERVICE_UNAVAILABLE, "No market data source is running (start `cryptomon ingest`)"
        )
    return ok(MarketStatus.model_validate(shared))  # as the ingest process cached it: JSON, so validated here


@router.get("/market/prices", response_model=Envelope[list[LatestPrice]], tags=["market"])
async def latest_prices(
    _: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
    symbols: Annotated[str, Query(description="Comma-separated, e.g. BTC-USD,ETH-USD")],
) -> Envelope[list[LatestPrice]]:
    out = []
    for symbol in [s for s in symbols.split(",") if s.strip()][:100]:
        asset = await market_service.resolve(session, symbol, field="symbols")
        cached = await runtime.cache.get(f"price:{asset.symbol}") or {}
        ts = cached.get("ts")
        out.append(
            LatestPrice(
                symbol=asset.symbol,
                price=cached.get("price"),
                source=cached.get("source"),
                timestamp=datetime.fromtimestamp(ts, UTC) if ts else None,
            )
        )
    return ok(out)


@router.get("/data/historical", response_model=Envelope[Historical], tags=["data"])
async def historical(
    _: SignedInCaller,
    session: DbSession,
    runtime: RuntimeDep,
    request: Request,
    symbol: Annotated[str, Query(max_length=30)],
    interval: Annotated[str, Query(description="1m 5m 15m 1h 4h 1d")] = "1d",
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: Annotated[datetime | None, Query()] = None,
    source: Annotated[str | None, Query(max_length=20, description="One source; default: merged")] = None,
    limit: Annotated[int, Query(description=f"Points per page, at most {market_service.MAX_PAGE}")] = 1000,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The seed's historical query: candles in [from, to), UTC, oldest first; `nextCursor` pages on."""
    query = HistoryQuery(symbol, interval, from_, to, source, limit, cursor)
    page = await market_service.historical_json(session, runtime.cache, query)
    if fetch_on_request.wanted(runtime, query) and fetch_on_request.is_empty(page):
        page = await fetch_on_request.fetched(runtime, session, query, page)
    return cached_json_ok(page, request.headers.get("accept-encoding", ""))


@router.get(
    "/data/historical/export",
    tags=["data"],
    response_class=Response,
    responses={
        200: {
            "model": ExportFile,
            "content": {t: {} for t in export.MEDIA_TYPES.values() if t != "application/json"},
            "description": "The file",
        }
    },
)
async def export_historical(
    _: CurrentUser,
    session: DbSession,
    symbol: Annotated[str, Query(max_length=30)],
    format: Annotated[export.ExportFormat, Query()] = "csv",
    interval: Annotated[str, Query()] = "1d",
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: Annotated[datetime | None, Query()] = None,
    source: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """The same candles as /data/historical, as a file: csv, json, xlsx or parquet."""
    query = HistoryQuery(symbol, interval, from_, to, source, market_service.MAX_PAGE)
    first = await market_service.historical(session, query)
    pages = [first["data"]]
    cursor = first["nextCursor"]
    while cursor:
        page = await market_service.historical(session, replace(query, cursor=cursor))
        pages.append(page["data"])
        cursor = page["nextCursor"]
    rows = [row for page in pages for row in page]
    name = export.filename(first["symbol"], interval, first["from"], first["to"], format)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    meta = {
        "symbol": first["symbol"],
        "interval": interval,
        "source": first["source"],
        "from": first["from"],
        "to": first["to"],
        "dataPoints": len(rows),
    }
    media = export.MEDIA_TYPES[format]
    if format == "csv":
        return StreamingResponse(export.csv_chunks(iter(pages)), media_type=media, headers=headers)
    if format == "json":
        return StreamingResponse(export.json_chunks(iter(pages), meta), media_type=media, headers=headers)
    if format == "xlsx":
        return Response(
            export.xlsx_bytes(rows, f"{first['symbol']} {interval}"), media_type=media, headers=headers
        )
    return Response(
        export.parquet_bytes(rows, {k: str(v) for k, v in meta.items()}), media_type=media, headers=headers
    )


@router.post("/data/ticks", response_model=Envelope[PushResult], tags=["data"])
async def push_ticks(
    body: PushTicksIn, _: IngestCaller, runtime: RuntimeDep, session: DbSession, request: Request
) -> Envelope[PushResult]:
    """Ticks of your own feed, through the same validation as every source; each bad one is reported. The
    answer comes once the accepted ticks and every alert trigger they caused are committed."""
    known = {a.symbol for a in await market_service.list_assets(session)}
    good, rejected = parse_ticks(body.ticks, known)
    # This request's own writes (an API key's last use) end here: on SQLite they would hold the write lock
    # that the ticks' group commit, in its own transaction, waits for.
    await session.commit()
    rejected += await accept_ticks(runtime, market_runner(request), good)
    rejected.sort(key=lambda r: r["index"])
    return ok(
        PushResult(accepted=len(body.ticks) - len(rejected), rejected=[Rejection(**r) for r in rejected])
    )


@router.post("/data/candles", response_model=Envelope[PushResult], tags=["data"])
async def push_candles(
    body: PushCandlesIn, _: IngestCaller, session: DbSession, runtime: RuntimeDep
) -> Envelope[PushResult]:
    """Candles of a time range; they become that symbol's history (source PUSH ranks first when merging)."""
    asset = await market_service.resolve(session, body.symbol)
    rows, rejected = await store_candles(session, asset.symbol, body.interval, body.candles)
    if rows:
        await market_service.bump_history_version(runtime.cache, {asset.symbol})
        announce = BarsClosed(asset.symbol, {body.interval: max(row.ts for row in rows)}).encode()

        async def stored() -> None:  # bar rules judge the bars these close, once they are committed
            await runtime.bus.publish(bus_messages.bars(asset.symbol), announce)

        after_commit(session, stored)
    return ok(PushResult(accepted=len(rows), rejected=[Rejection(**r) for r in rejected]))
