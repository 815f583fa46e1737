"""Market use cases: the asset registry (built-ins + admin additions) and historical candles."""

from __future__ import annotations

import base64
import bisect
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.cache import Cache
from app.core.cached_json import CachedJson
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.core.marketdata import INTERVALS, RawCandles
from app.market import repository
from app.market.models import AssetRow
from app.market.resample import SOURCE_PRIORITY, merge_sources, resample
from app.market.symbols import BUILTIN_ASSETS, SYMBOL_PATTERN, normalize
from app.market.symbols import Asset as Asset  # re-exported: other domains name the type

BUILTINS = {asset.symbol: asset for asset in BUILTIN_ASSETS}
MAX_PAGE = 50_000
MAX_RANGE_POINTS = 2_000_000
# Cached pages: the version bump on every write keeps them right; the TTLs only bound memory.
RECENT_TTL, PAST_TTL, VERSION_TTL = 60.0, 3600.0, 30 * 86400.0
# How far back a stored candle is recent for `latest_quotes` (older ones are looked for only without one).
QUOTE_LOOKBACK = {"1m": timedelta(days=2), "1h": timedelta(days=7), "1d": timedelta(days=40)}


def _from_row(row: AssetRow) -> Asset:
    return Asset(
        row.symbol,
        row.name,
        row.coingecko_id,
        row.coinmarketcap_id,
        row.binance_pair,
        row.coinbase_product,
        row.stablecoin,
    )


def normalize_symbol(symbol: str) -> str:
    """The registry's spelling: trimmed, upper-case, aliases resolved (`matic-usd` -> `POL-USD`)."""
    return normalize(symbol)


async def list_assets(session: AsyncSession) -> list[Asset]:
    added = [_from_row(r) for r in await session.scalars(select(AssetRow).order_by(AssetRow.symbol))]
    return [*BUILTIN_ASSETS, *(a for a in added if a.symbol not in BUILTINS)]


async def resolve(session: AsyncSession, symbol: str, field: str = "symbol") -> Asset:
    """The asset for a symbol as users type it; 400 INVALID_SYMBOL (the seed's message) when unknown."""
    canonical = normalize(symbol)
    if canonical in BUILTINS:
        return BUILTINS[canonical]
    row = await session.get(AssetRow, canonical) if SYMBOL_PATTERN.match(canonical) else None
    if row is None:
        raise AppError(ErrorCode.INVALID_SYMBOL, f"Symbol {symbol} not found", field=field)
    return _from_row(row)


async def add_asset(session: AsyncSession, asset: Asset, created_by: int) -> Asset:
    canonical = normalize(asset.symbol)
    if canonical in BUILTINS or await session.get(AssetRow, canonical) is not None:
        raise AppError(ErrorCode.CONFLICT, f"Symbol {canonical} is already listed", field="symbol")
    values = asdict(asset) | {"symbol": canonical}
    session.add(AssetRow(**values, created_by=created_by, created_at=utcnow()))
    await session.flush()
    return Asset(**values)


def parse_interval(interval: str) -> int:
    if interval not in INTERVALS:
        raise AppError(
            ErrorCode.INVALID_INTERVAL,
            f"Unknown interval {interval}; use one of {', '.join(INTERVALS)}",
            field="interval",
        )
    return INTERVALS[interval]


def _utc(value: datetime) -> datetime:
    """Times without a zone are UTC (the API's convention), never the server's local time."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def encode_cursor(ts: int) -> str:
    return base64.urlsafe_b64encode(str(ts).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except ValueError as exc:
        raise AppError(
            ErrorCode.VALIDATION_ERROR, "cursor is not one this API returned", field="cursor"
        ) from exc


@dataclass(frozen=True, slots=True)
class Quote:
    """A symbol's latest price: the live feed's last tick, else the close of the newest stored candle."""

    symbol: str
    price: float
    source: str
    as_of: datetime


async def latest_quotes(session: AsyncSession, cache: Cache, symbols: list[str]) -> dict[str, Quote]:
    """Each symbol's `Quote`; a symbol with neither a live price nor a stored candle is left out.

    One cache read for all the live prices; then, for the symbols still without one, a recent stored close
    (within QUOTE_LOOKBACK): of a 1m candle, else of a 1h one, else of a 1d one; and for those still without,
    the same however old. The recent reads touch only the newest partitions
    on PostgreSQL, and a 1m series that stopped long ago never hides a daily close of yesterday."""
    wanted = list(dict.fromkeys(symbols))
    found: dict[str, Quote] = {}
    for symbol, live in zip(wanted, await cache.get_many([f"price:{s}" for s in wanted]), strict=True):
        if live and live.get("price") is not None:
            found[symbol] = Quote(
                symbol, float(live["price"]), live["source"], datetime.fromtimestamp(live["ts"], UTC)
            )
    now = utcnow()
    for interval in ("1m", "1h", "1d"):
        missing = [s for s in wanted if s not in found]
        if not missing:
            break
        stored = await repository.last_closes(
            session, missing, interval, INTERVALS[interval], since=now - QUOTE_LOOKBACK[interval]
        )
        found.update({s: Quote(s, float(c.close), c.source, c.closed_at) for s, c in stored.items()})
    for interval in ("1m", "1h", "1d"):  # then however old, in the same order
        missing = [s for s in wanted if s not in found]
        if not missing:
            break
        stored = await repository.last_closes(session, missing, interval, INTERVALS[interval])
        found.update({s: Quote(s, float(c.close), c.source, c.closed_at) for s, c in stored.items()})
    return {s: found[s] for s in wanted if s in found}


def _iso(stamps: list[int]) -> list[str]:
    return [s + "Z" for s in np.asarray(stamps, dtype="datetime64[s]").astype(str).tolist()]


def _version_key(symbol: str) -> str:
    return f"histver:{symbol}"


async def history_version(cache: Cache, symbol: str) -> int:
    """A counter that changes whenever candles of `symbol` are written: part of every derived cache key."""
    return int(await cache.get(_version_key(symbol)) or 0)


async def bump_history_version(cache: Cache, symbols: set[str]) -> None:
    """Called after candles of these symbols were written: cached pages of them are no longer served."""
    for symbol in symbols:
        await cache.incr(_version_key(symbol), ttl=VERSION_TTL)


@dataclass(frozen=True)
class HistoryQuery:
    """GET /api/data/historical's parameters as the user gave them."""

    symbol: str
    interval: str
    start: datetime | None = None
    end: datetime | None = None
    source: str | None = None
    limit: int = 1000
    cursor: str | None = None


async def historical_json(session: AsyncSession, cache: Cache, query: HistoryQuery) -> CachedJson:
    """`historical` serialised, from the cache when the same page was served since the last write."""

    async def fresh() -> str:
        fast = await _single_source_page(session, query)
        if fast is not None:
            return fast
        return orjson.dumps(await historical(session, query)).decode()

    end = query.end
    if end is None:  # "until now" moves every second: nothing to reuse
        return CachedJson(await fresh(), None)
    asset = await resolve(session, query.symbol)
    version = await history_version(cache, asset.symbol)
    key = f"hist:{asset.symbol}:{query}:{version}"
    cached = await cache.get_page(key)
    if cached is not None:
        return CachedJson(cached, key)
    body = await fresh()
    recent = end.timestamp() > utcnow().timestamp() - 2 * INTERVALS.get(query.interval, 60)
    await cache.set_page(key, body, ttl=RECENT_TTL if recent else PAST_TTL)
    return CachedJson(body, key)


async def _single_source_page(session: AsyncSession, query: HistoryQuery) -> str | None:
    """The page rendered by the database when one source covers the range at this interval (the usual
    case); None when sources must be merged or the interval resampled, which `historical` does."""
    asset, page_start, stop = await _window(session, query)
    interval, limit = query.interval, query.limit
    present = (
        [query.source.lower()]
        if query.source
        else await repository.sources_in_range(session, asset.symbol, interval, page_start, stop)
    )
    if len(present) != 1:
        return None
    page = await repository.json_page(session, asset.symbol, interval, present[0], page_start, stop, limit)
    if page.points == 0:
        return None
    meta = orjson.dumps(
        {
            "symbol": asset.symbol,
            "interval": interval,
            "source": present[0].upper(),
            "sources": [present[0].upper()],
            "from": _iso([page_start])[0],
            "to": _iso([stop])[0],
            "dataPoints": page.points,
            "resampledFrom": None,
            "quoteVolumeEstimated": page.estimated > 0,
            # A full page may have more after it; the bar after its last is where the next page starts.
            "nextCursor": encode_cursor(page.last_ts + INTERVALS[interval])
            if page.points == limit and page.last_ts is not None and page.last_ts + INTERVALS[interval] < stop
            else None,
        }
    ).decode()
    return f'{meta[:-1]},"data":{page.data}}}'


async def _window(session: AsyncSession, query: HistoryQuery) -> tuple[Asset, int, int]:
    """The checked query: the asset, and the page's first bar open time and exclusive end."""
    interval, limit, source = query.interval, query.limit, query.source
    asset = await resolve(session, query.symbol)
    step = parse_interval(interval)
    if limit < 1:
        raise AppError(ErrorCode.INVALID_RANGE, "limit must be at least 1", field="limit")
    if limit > MAX_PAGE:
        raise AppError(ErrorCode.RANGE_TOO_LARGE, f"limit must be at most {MAX_PAGE}", field="limit")
    if source is not None and source.lower() not in SOURCE_PRIORITY:
        raise AppError(
            ErrorCode.BAD_REQUEST,
            f"Unknown source {source}; use one of {', '.join(s.upper() for s in SOURCE_PRIORITY)}",
            field="source",
        )
    stop = int(_utc(query.end or utcnow()).timestamp())
    first = int(_utc(query.start).timestamp()) if query.start else stop - limit * step
    check_range(first, stop, step, interval, MAX_RANGE_POINTS)
    page_start = max(first, decode_cursor(query.cursor)) if query.cursor else first
    page_start = -(-page_start // step) * step  # [from, to): the first bar opening at or after `from`
    return asset, page_start, stop


async def historical(session: AsyncSession, query: HistoryQuery) -> dict[str, Any]:
    """The seed's GET /api/data/historical: candles in [from, to), one source or merged by priority,
    resampled from a finer stored interval when this one is not stored; paged by `nextCursor`."""
    asset, page_start, stop = await _window(session, query)
    interval, source, limit = query.interval, query.source, query.limit
    step = INTERVALS[interval]
    sources = [source.lower()] if source else None

    # Merging sources may drop rows, so fetch enough of them for a full page.
    fetch = (limit + 1) * (1 if sources else len(SOURCE_PRIORITY))
    raw = await repository.fetch_candles(session, asset.symbol, interval, page_start, stop, sources, fetch)
    resampled_from = None
    if not raw.ts:
        for finer in sorted(
            (i for i, s in INTERVALS.items() if s < step and step % s == 0), key=lambda i: -INTERVALS[i]
        ):
            finer_raw = await repository.fetch_candles(
                session, asset.symbol, finer, page_start, stop, sources
            )
            if finer_raw.ts:
                raw, resampled_from = resample(merge_sources(finer_raw), step), finer
                break
    raw = merge_sources(raw)
    more = len(raw.ts) > limit
    count = min(len(raw.ts), limit)
    stamps = _iso(raw.ts[:count])
    quotes = raw.quote_volume if raw.quote_volume is not None else [None] * count
    data = [
        {
            "timestamp": t,
            "open": o,
            "high": h,
            "low": lo,
            "close": c,
            "volume": v,
            "quoteVolume": v * (h + lo + c) / 3 if q is None else q,
        }
        for t, o, h, lo, c, v, q in zip(
            stamps, raw.open, raw.high, raw.low, raw.close, raw.volume, quotes, strict=False
        )
    ]
    used = sorted(set(raw.source[:count]))
    empty = {} if count else await _empty_page_hint(session, asset, interval, source)
    return {
        "symbol": asset.symbol,
        "interval": interval,
        "source": used[0].upper() if len(used) == 1 else ("MIXED" if used else (source or "NONE").upper()),
        "sources": [s.upper() for s in used],
        "from": _iso([page_start])[0],
        "to": _iso([stop])[0],
        "data": data,
        "dataPoints": count,
        "resampledFrom": resampled_from,
        "quoteVolumeEstimated": any(q is None for q in quotes[:count]),
        "nextCursor": encode_cursor(raw.ts[count]) if more else None,
    } | empty


# What a source can give when its candles are not stored (said on an empty page of that source).
_HOW_TO_GET = {
    "coingecko": "CoinGecko's OHLC endpoint gives 4h candles of the last 30 days (rolled up here to 1d); "
    "store them with `cryptomon backfill --source coingecko --interval 4h` where CoinGecko is reachable",
    "binance": "store Binance klines with `cryptomon backfill --source binance`, or run the binance source",
}


async def _empty_page_hint(
    session: AsyncSession, asset: Asset, interval: str, source: str | None
) -> dict[str, Any]:
    """`availableSources` and `note` for a page without data: who has this symbol at this interval."""
    step = INTERVALS[interval]
    resamplable = [i for i, s in INTERVALS.items() if s <= step and step % s == 0]
    available = await repository.sources_with_data(session, asset.symbol, resamplable, SOURCE_PRIORITY)
    names = ", ".join(s.upper() for s in available) or "none"
    asked = f"{source.upper()} candles" if source else "candles"
    note = (
        f"No {asked} of {asset.symbol} at {interval} in this range; "
        f"sources holding its {interval} (or finer) candles: {names}."
    )
    if source and source.lower() not in available and source.lower() in _HOW_TO_GET:
        note += f" {_HOW_TO_GET[source.lower()]}."
    return {"availableSources": [s.upper() for s in available], "note": note}


async def load_candles(
    session: AsyncSession, symbol: str, interval: str, start: int, end: int, source: str | None = None
) -> tuple[Asset, RawCandles]:
    """Every candle of [start, end) for computations (no paging): one source or merged by priority,
    resampled from a finer interval when this one is not stored."""
    asset, loaded = await load_candle_windows(session, symbol, {interval: (start, end)}, source)
    return asset, loaded[interval]


async def load_candle_windows(
    session: AsyncSession, symbol: str, windows: dict[str, tuple[int, int]], source: str | None = None
) -> tuple[Asset, dict[str, RawCandles]]:
    """`load_candles` for several intervals at once: the ones not stored are resampled from a single
    read of the finest stored interval that divides them all, over the union of their windows."""
    asset = await resolve(session, symbol)
    for interval, (start, end) in windows.items():
        if (end - start) // parse_interval(interval) > MAX_RANGE_POINTS:
            raise AppError(
                ErrorCode.RANGE_TOO_LARGE,
                f"more than {MAX_RANGE_POINTS:,} {interval} candles; narrow it",
                field="from",
            )
    sources = [source.lower()] if source else None
    loaded: dict[str, RawCandles] = {}
    missing: dict[str, tuple[int, int]] = {}
    for interval, (start, end) in windows.items():
        raw = await repository.fetch_candles(session, asset.symbol, interval, start, end, sources)
        if raw.ts:
            loaded[interval] = merge_sources(raw)
        else:
            loaded[interval], missing[interval] = raw, (start, end)
    if not missing:
        return asset, loaded
    steps = [INTERVALS[i] for i in missing]
    first, last = min(w[0] for w in missing.values()), max(w[1] for w in missing.values())
    finer_intervals = sorted(
        (i for i, s in INTERVALS.items() if all(s < step and step % s == 0 for step in steps)),
        key=lambda i: -INTERVALS[i],
    )
    for finer in finer_intervals:
        finer_raw = await repository.fetch_candles(session, asset.symbol, finer, first, last, sources)
        if finer_raw.ts:
            merged = merge_sources(finer_raw)
            for interval, (start, end) in missing.items():
                loaded[interval] = resample(slice_candles(merged, start, end), INTERVALS[interval])
            break
    return asset, loaded


async def stored_span(session: AsyncSession, symbol: str, interval: str) -> tuple[int, int] | None:
    """Open times of the first and last `interval` bar of the stored history of a resolved `symbol` (any
    source): stored at that interval, else of the coarsest finer stored interval that `load_candles` would
    resample; None when there is nothing to read."""
    step = parse_interval(interval)
    for candidate in sorted(
        (i for i, s in INTERVALS.items() if s <= step and step % s == 0), key=lambda i: -INTERVALS[i]
    ):
        span = await repository.open_time_span(session, symbol, candidate)
        if span is not None:
            first, last = (int(t.timestamp()) for t in span)
            return first - first % step, last - last % step
    return None


def slice_candles(raw: RawCandles, start: int, end: int) -> RawCandles:
    """The rows of `raw` (time-ordered) with open time in [start, end)."""
    lo, hi = bisect.bisect_left(raw.ts, start), bisect.bisect_left(raw.ts, end)
    return RawCandles(
        raw.ts[lo:hi],
        raw.open[lo:hi],
        raw.high[lo:hi],
        raw.low[lo:hi],
        raw.close[lo:hi],
        raw.volume[lo:hi],
        raw.source[lo:hi],
        raw.quote_volume[lo:hi] if raw.quote_volume is not None else None,
    )


@dataclass(frozen=True, slots=True)
class DayChange:
    """A symbol's close at a time and its change against the close 24 hours earlier (a fraction)."""

    symbol: str
    price: float
    change24h: float
    source: str
    as_of: datetime


async def day_changes(session: AsyncSession, symbols: list[str], at: datetime) -> dict[str, DayChange]:
    """Each symbol's 24-hour change at `at`, from stored hourly candles (resampled from minutes when need be):
    the close of the last hour that ended by `at` against the close of the hour 24 hours before it. A symbol
    whose last hour ended more than 2 hours before `at`, or without the earlier close, is left out."""
    end = int(at.timestamp()) // 3600 * 3600
    found: dict[str, DayChange] = {}
    for symbol in symbols:
        try:
            _, raw = await load_candles(session, symbol, "1h", end - 27 * 3600, end)
        except AppError:
            continue
        if not raw.ts or raw.ts[-1] + 3600 < end - 2 * 3600:
            continue
        last = len(raw.ts) - 1
        earlier = bisect.bisect_left(raw.ts, raw.ts[last] - 86400)
        if earlier >= len(raw.ts) or raw.ts[earlier] != raw.ts[last] - 86400 or raw.close[earlier] <= 0:
            continue
        found[symbol] = DayChange(
            symbol,
            raw.close[last],
            raw.close[last] / raw.close[earlier] - 1.0,
            raw.source[last],
            datetime.fromtimestamp(raw.ts[last] + 3600, UTC),
        )
    return found


def check_range(first: int, stop: int, step: int, interval: str, most: int, what: str = "candles") -> None:
    """A [first, stop) range in epoch seconds is refused when empty or reversed (400 INVALID_RANGE) or wider
    than `most` bars of `step` seconds (400 RANGE_TOO_LARGE), both naming `from`."""
    if first >= stop:
        raise AppError(ErrorCode.INVALID_RANGE, "from must be before to", field="from")
    if (stop - first) // step > most:
        raise AppError(
            ErrorCode.RANGE_TOO_LARGE,
            f"from..to spans more than {most:,} {interval} {what}; narrow it",
            field="from",
        )
