"""price_history queries: bulk upserts and the fast read path for candles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, ColumnElement, Float, Integer, and_, bindparam, cast, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.marketdata import Candle, RawCandles
from app.core.partitions import ensure_price_partitions
from app.core.types import UTCDateTime
from app.market.models import PriceCandle

# SQLite allows 32766 bound variables per statement; 10 columns a row.
_SQLITE_ROWS_PER_STATEMENT = 3000


class CandleRow(NamedTuple):
    symbol: str
    interval: str
    source: str
    ts: int
    open: float
    high: float
    low: float
    close: float
    volume: float
    quote_volume: float | None = None

    @classmethod
    def of(cls, symbol: str, interval: str, source: str, candle: Candle) -> CandleRow:
        return cls(
            symbol,
            interval,
            source,
            candle.ts,
            candle.open,
            candle.high,
            candle.low,
            candle.close,
            candle.volume,
            candle.quote_volume,
        )


def _decimal(value: float) -> Decimal:
    # repr gives the shortest string that round-trips, so 50250.5 is stored as 50250.5, not its binary tail.
    return Decimal(repr(float(value)))  # float(): numpy scalars repr as "np.float64(...)"


def _as_params(row: CandleRow) -> dict[str, Any]:
    return {
        "symbol": row.symbol,
        "interval": row.interval,
        "source": row.source,
        "timestamp": datetime.fromtimestamp(row.ts, UTC),
        "open": _decimal(row.open),
        "high": _decimal(row.high),
        "low": _decimal(row.low),
        "close": _decimal(row.close),
        "volume": _decimal(row.volume),
        "quote_volume": None if row.quote_volume is None else _decimal(row.quote_volume),
    }


async def upsert_candles(session: AsyncSession, rows: Sequence[CandleRow]) -> int:
    """Upsert candles keyed by symbol, interval, source and open time: re-running never duplicates."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        first, last = min(r.ts for r in rows), max(r.ts for r in rows)
        await ensure_price_partitions(
            session, datetime.fromtimestamp(first, UTC), datetime.fromtimestamp(last, UTC)
        )
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(PriceCandle)
    statement = statement.on_conflict_do_update(
        index_elements=["symbol", "interval", "source", "timestamp"],
        set_={c: statement.excluded[c] for c in ("open", "high", "low", "close", "volume", "quote_volume")},
    )
    params = [_as_params(r) for r in rows]
    step = _SQLITE_ROWS_PER_STATEMENT if dialect == "sqlite" else 5000
    for start in range(0, len(params), step):
        await session.execute(statement, params[start : start + step])
    return len(rows)


def _epoch(dialect: str) -> ColumnElement[int]:
    if dialect == "postgresql":
        return cast(func.extract("epoch", PriceCandle.timestamp), BigInteger)
    return cast(func.strftime("%s", PriceCandle.timestamp), Integer)


async def fetch_candles(
    session: AsyncSession,
    symbol: str,
    interval: str,
    start: int,
    end: int,
    sources: Sequence[str] | None,
    limit: int | None = None,
) -> RawCandles:
    """Candles with open time in [start, end), every requested source, ordered by time then source."""
    dialect = session.get_bind().dialect.name
    conditions = [
        PriceCandle.symbol == symbol,
        PriceCandle.interval == interval,
        PriceCandle.timestamp >= datetime.fromtimestamp(start, UTC),
        PriceCandle.timestamp < datetime.fromtimestamp(end, UTC),
    ]
    if sources:
        conditions.append(PriceCandle.source.in_(list(sources)))
    query = (
        select(
            _epoch(dialect),
            cast(PriceCandle.open, Float),
            cast(PriceCandle.high, Float),
            cast(PriceCandle.low, Float),
            cast(PriceCandle.close, Float),
            cast(PriceCandle.volume, Float),
            PriceCandle.source,
            cast(PriceCandle.quote_volume, Float),
        )
        .where(and_(*conditions))
        .order_by(PriceCandle.timestamp, PriceCandle.source)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = (await session.execute(query)).all()
    if not rows:
        return RawCandles([], [], [], [], [], [], [], [])
    columns = list(zip(*rows, strict=True))
    return RawCandles(*(list(c) for c in columns))


class Coverage(NamedTuple):
    interval: str
    source: str
    first: datetime
    last: datetime
    rows: int


async def coverage(session: AsyncSession, symbol: str) -> list[Coverage]:
    """What is stored for a symbol: per interval and source, first and last open time and row count."""
    query = (
        select(
            PriceCandle.interval,
            PriceCandle.source,
            func.min(PriceCandle.timestamp),
            func.max(PriceCandle.timestamp),
            func.count(),
        )
        .where(PriceCandle.symbol == symbol)
        .group_by(PriceCandle.interval, PriceCandle.source)
    )
    rows = (await session.execute(query)).all()
    return [Coverage(i, s, _aware(first), _aware(last), n) for i, s, first, last, n in rows]


def _aware(value: datetime | str) -> datetime:
    # Aggregates bypass the column type on SQLite and come back as text.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def latest_open_time(
    session: AsyncSession, symbol: str, interval: str, source: str, before: int | None = None
) -> datetime | None:
    """The open time of the newest stored candle (of those opening before `before`, when given)."""
    conditions = [
        PriceCandle.symbol == symbol,
        PriceCandle.interval == interval,
        PriceCandle.source == source,
    ]
    if before is not None:
        conditions.append(PriceCandle.timestamp < datetime.fromtimestamp(before, UTC))
    value = await session.scalar(select(func.max(PriceCandle.timestamp)).where(*conditions))
    return _aware(value) if value is not None else None


async def open_time_span(
    session: AsyncSession, symbol: str, interval: str
) -> tuple[datetime, datetime] | None:
    """Open times of the oldest and newest stored `interval` candle of `symbol` (any source), or None."""
    first, last = (
        await session.execute(
            select(func.min(PriceCandle.timestamp), func.max(PriceCandle.timestamp)).where(
                PriceCandle.symbol == symbol, PriceCandle.interval == interval
            )
        )
    ).one()
    return None if first is None or last is None else (_aware(first), _aware(last))


async def sources_in_range(
    session: AsyncSession, symbol: str, interval: str, start: int, end: int
) -> list[str]:
    rows = await session.scalars(
        select(PriceCandle.source)
        .distinct()
        .where(
            PriceCandle.symbol == symbol,
            PriceCandle.interval == interval,
            PriceCandle.timestamp >= datetime.fromtimestamp(start, UTC),
            PriceCandle.timestamp < datetime.fromtimestamp(end, UTC),
        )
    )
    return sorted(rows)


async def sources_with_data(
    session: AsyncSession, symbol: str, intervals: list[str], sources: tuple[str, ...]
) -> list[str]:
    """Which of `sources` hold any candle of `symbol` at one of `intervals` (one index probe each)."""
    found = []
    for source in sources:
        probe = select(PriceCandle.source).where(
            PriceCandle.symbol == symbol, PriceCandle.interval.in_(intervals), PriceCandle.source == source
        )
        if await session.scalar(probe.limit(1)) is not None:
            found.append(source)
    return found


_PAGE_FILTER = """
        FROM (SELECT * FROM price_history
              WHERE symbol = :symbol AND interval = :interval AND source = :source
                AND timestamp >= :start AND timestamp < :end
              ORDER BY timestamp LIMIT :limit) AS page"""

# The database renders the page as JSON text, so Python handles no row at all (single source only).
# SQLite keeps decimals as their exact text (never in exponent form: see ExactDecimal), which is already
# a JSON number; PostgreSQL's float8 text is the shortest exact form.
_JSON_PAGE = {
    "sqlite": """
        SELECT coalesce('[' || group_concat(
                   '{"timestamp":"' || substr(timestamp, 1, 10) || 'T' || substr(timestamp, 12, 8) || 'Z"'
                   || ',"open":' || open || ',"high":' || high || ',"low":' || low
                   || ',"close":' || close || ',"volume":' || volume
                   || ',"quoteVolume":' || coalesce(quote_volume, volume * (high + low + close) / 3.0)
                   || '}', ',') || ']', '[]'),
               count(*), CAST(strftime('%s', max(timestamp)) AS INTEGER), count(*) - count(quote_volume)"""
    + _PAGE_FILTER,
    "postgresql": """
        SELECT coalesce('[' || string_agg(
                   '{"timestamp":"' || to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                   || '","open":' || open::float8::text || ',"high":' || high::float8::text
                   || ',"low":' || low::float8::text || ',"close":' || close::float8::text
                   || ',"volume":' || volume::float8::text
                   || ',"quoteVolume":' || coalesce(
                          quote_volume::float8,
                          volume::float8 * (high::float8 + low::float8 + close::float8) / 3)::text
                   || '}', ',' ORDER BY timestamp) || ']', '[]'),
               count(*), CAST(extract(epoch FROM max(timestamp)) AS BIGINT), count(*) - count(quote_volume)"""
    + _PAGE_FILTER,
}


class JsonPage(NamedTuple):
    data: str  # a JSON array of {timestamp, open, high, low, close, volume, quoteVolume}
    points: int
    last_ts: int | None  # open time of the page's last candle
    estimated: int  # points whose quoteVolume is volume x typical price (none stored)


async def json_page(
    session: AsyncSession, symbol: str, interval: str, source: str, start: int, end: int, limit: int
) -> JsonPage:
    """One source's candles in [start, end), at most `limit`, rendered to JSON by the database."""
    dialect = session.get_bind().dialect.name
    bounds = {
        "symbol": symbol,
        "interval": interval,
        "source": source,
        "start": datetime.fromtimestamp(start, UTC),
        "end": datetime.fromtimestamp(end, UTC),
    }
    statement = text(_JSON_PAGE[dialect]).bindparams(
        bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
    )
    data, points, last, estimated = (await session.execute(statement, bounds | {"limit": limit})).one()
    return JsonPage(str(data), int(points), int(last) if last is not None else None, int(estimated or 0))


class LastClose(NamedTuple):
    close: Decimal
    source: str
    closed_at: datetime


async def last_closes(
    session: AsyncSession,
    symbols: Sequence[str],
    interval: str,
    seconds: int,
    since: datetime | None = None,
) -> dict[str, LastClose]:
    """The close of the newest stored `interval` candle (`seconds` long) of each of `symbols` that has one,
    with its source and close time, in one query; symbols without such a candle are left out.

    Several sources may hold a candle at a symbol's newest open time: the one whose source name sorts first
    wins. The per-symbol `ORDER BY timestamp DESC LIMIT 1` this replaces left that choice to the query
    plan; the primary-key index scans both databases chose for it gave the first by name too.

    One portable query: each (symbol, source)'s newest open time comes from the primary key
    (symbol, interval, source, timestamp) alone, its row from one primary-key lookup, and of those few rows
    a symbol's first by newest open time, then source name, is its answer. (Faster than PostgreSQL's
    `DISTINCT ON (symbol) ... ORDER BY symbol, timestamp DESC`, which sorts every candle of the symbols.)
    `since` limits it to candles opened then or later."""
    if not symbols:
        return {}
    wanted: ColumnElement[bool] = PriceCandle.symbol.in_(sorted(set(symbols)))
    if since is not None:  # candles opened since then only: PostgreSQL reads only those months' partitions
        wanted = and_(wanted, PriceCandle.timestamp >= since)
    newest = (
        select(
            PriceCandle.symbol.label("symbol"),
            PriceCandle.source.label("source"),
            func.max(PriceCandle.timestamp).label("opened"),
        )
        .where(wanted, PriceCandle.interval == interval)
        .group_by(PriceCandle.symbol, PriceCandle.source)
        .subquery()
    )
    query = (
        select(PriceCandle.symbol, PriceCandle.close, PriceCandle.source, PriceCandle.timestamp)
        .join(
            newest,
            and_(
                PriceCandle.symbol == newest.c.symbol,
                PriceCandle.source == newest.c.source,
                PriceCandle.timestamp == newest.c.opened,
            ),
        )
        .where(wanted, PriceCandle.interval == interval)  # said again: the planner can prune by it
        .order_by(PriceCandle.symbol, PriceCandle.timestamp.desc(), PriceCandle.source)
    )
    out: dict[str, LastClose] = {}
    for symbol, close, source, opened in await session.execute(query):
        if symbol not in out:  # the first row of each symbol: its newest candle, ties by source name
            out[symbol] = LastClose(close, source, _aware(opened) + timedelta(seconds=seconds))
    return out
