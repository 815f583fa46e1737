"""The pushed ticks' durable record (`pushed_ticks`): committed before a push is answered, read back at start.

Writes are group-committed: the ticks of every request that arrives while one commit runs go into the next
commit together, so concurrent pushes share transactions instead of queueing for the database one by one.
A tick's key is (symbol, time, price, volume), the same the validator treats as a duplicate, so a retried
request finds its ticks already stored: in memory for the ticks this process stored in the last 10 min (the
live path reads nothing), in the table for older ones and for those stored before this process started
(one process runs the pipeline, so no other can have stored a newer tick).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.core.clock import utcnow
from app.core.db import Database
from app.core.marketdata import Tick
from app.market.models import PushedTick

ROWS_PER_STATEMENT = 2000
REMEMBERED_SECONDS = 600.0  # keys kept in memory, by event time, in minute buckets
FUTURE_MARGIN = 10.0  # the validator refuses ticks more than 5 s ahead: none newer can predate the start

Key = tuple[str, float, float, float]


def key(tick: Tick) -> Key:
    return (tick.symbol, tick.ts, tick.price, tick.volume)


class TickJournal:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: list[tuple[Sequence[Tick], asyncio.Future[None]]] = []
        self._committing: asyncio.Task[None] | None = None
        self._recent: dict[int, set[Key]] = {}  # minute -> keys stored by this process
        # Ticks from here on were stored by this process, if at all, and are remembered.
        self._horizon = utcnow().timestamp() + FUTURE_MARGIN

    async def stored(self, ticks: Sequence[Tick]) -> set[Key]:
        """The keys of `ticks` already stored (a request sent again after its answer was lost)."""
        found = {key(t) for t in ticks if key(t) in self._recent.get(int(t.ts // 60), ())}
        keys = list({key(t) for t in ticks if t.ts < self._horizon} - found)
        if not keys:
            return found
        columns = (PushedTick.symbol, PushedTick.ts, PushedTick.price, PushedTick.volume)
        async with self.db.session() as session:
            for start in range(0, len(keys), ROWS_PER_STATEMENT):
                chunk = keys[start : start + ROWS_PER_STATEMENT]
                rows = await session.execute(select(*columns).where(tuple_(*columns).in_(chunk)))
                found.update((str(r[0]), float(r[1]), float(r[2]), float(r[3])) for r in rows)
        return found

    async def store(self, ticks: Sequence[Tick]) -> None:
        """Return once `ticks` are committed (raises what the commit raised)."""
        if not ticks:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((ticks, done))
        if self._committing is None or self._committing.done():
            self._committing = asyncio.create_task(self._commit_pending(), name="tick-journal")
        await asyncio.shield(done)

    async def _commit_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await self._insert([t for ticks, _ in batch for t in ticks])
            except Exception as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for ticks, done in batch:
                    for tick in ticks:
                        if tick.ts >= self._horizon:
                            self._recent.setdefault(int(tick.ts // 60), set()).add(key(tick))
                    if not done.done():
                        done.set_result(None)

    async def _insert(self, ticks: list[Tick]) -> None:
        rows = [
            {"symbol": t.symbol, "ts": t.ts, "price": t.price, "volume": t.volume, "source": t.source}
            | {"received": t.received}
            for t in ticks
        ]
        async with self.db.session() as session:
            dialect = session.get_bind().dialect.name
            statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(PushedTick)
            statement = statement.on_conflict_do_nothing(index_elements=["symbol", "ts", "price", "volume"])
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                await session.execute(statement, rows[start : start + ROWS_PER_STATEMENT])

    async def since(self, ts: float) -> list[Tick]:
        """The stored ticks from `ts` on, in time order (to rebuild the bars still open at start)."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(PushedTick).where(PushedTick.ts >= ts).order_by(PushedTick.ts, PushedTick.id)
            )
            return [Tick(r.symbol, r.price, r.volume, r.ts, r.source, r.received) for r in rows]

    def forget(self) -> None:
        """Drop the remembered keys older than REMEMBERED_SECONDS (a retry of those reads the table)."""
        self._horizon = max(self._horizon, (utcnow().timestamp() - REMEMBERED_SECONDS) // 60 * 60)
        for minute in [m for m in self._recent if m * 60 < self._horizon]:
            del self._recent[minute]

    async def prune(self, before: float) -> int:
        """Delete ticks older than `before` (their bars are closed and stored)."""
        async with self.db.session() as session:
            result = await session.execute(delete(PushedTick).where(PushedTick.ts < before))
            return int(getattr(result, "rowcount", 0) or 0)
