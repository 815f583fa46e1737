"""PORTFOLIO_UPDATE on price moves: every consolidated price revalues the portfolios holding it (`Revaluer`);
an owner hears of a move of at least 0.1% (throttled per portfolio), and the portfolios' risk alerts are
judged on the new values (risk_watch.py). Runs where the alert engine does: the API process when embedded,
`cryptomon ingest` in a cluster (one per deployment)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict

from app.core.bus import Message
from app.core.bus import messages as bus_messages
from app.core.bus.listen import listen_forever
from app.core.bus.messages import AlertChanged, PortfolioChanged, PriceTicks
from app.core.runtime import Runtime
from app.portfolio import repository, valuation
from app.portfolio.revaluer import Revaluer, Update
from app.portfolio.risk_watch import JUDGE_SECONDS, RiskWatch
from app.realtime import service as realtime_service

log = logging.getLogger(__name__)


class PortfolioWatcher:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        settings = runtime.settings
        self.revaluer = Revaluer(settings.portfolio_update_min_change, settings.portfolio_update_seconds)
        self.risk = RiskWatch(runtime, self.revaluer)
        self._tasks: list[asyncio.Task[None]] = []
        self._ready = asyncio.Event()

    async def start(self) -> None:
        await self.reload(None)
        await self.risk.load()
        self._tasks = [
            asyncio.create_task(self._listen(), name="portfolio-watcher"),
            asyncio.create_task(self._flush_forever(), name="portfolio-watcher-due"),
            asyncio.create_task(self._judge_forever(), name="portfolio-risk-alerts"),
        ]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), 3.0)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def reload(self, portfolio_ids: list[int] | None) -> None:
        """Take these portfolios' holdings (every portfolio's when None) as the database has them now."""
        async with self.runtime.db.session() as session:
            rows = await repository.holdings_rows(session, portfolio_ids)
            alive = {pid: owner for pid, owner, *_ in rows}
            if portfolio_ids is not None:
                alive.update(await repository.existing_ids(session, portfolio_ids))
            quantities: dict[int, dict[str, float]] = defaultdict(dict)
            invested: dict[int, float] = defaultdict(float)
            for pid, _, symbol, quantity, net_flow in rows:
                invested[pid] += float(net_flow)
                if quantity > 0:
                    quantities[pid][symbol] = float(quantity)
            symbols = {s for held in quantities.values() for s in held}
            priced = await valuation.prices(session, self.runtime.cache, symbols)
        prices = {s: float(p.price) for s, p in priced.items()}
        now = time.monotonic()
        for pid in portfolio_ids or []:
            if pid not in alive:
                self.revaluer.drop(pid)
        for pid, owner in alive.items():
            self.revaluer.load(
                pid, owner=owner, quantities=quantities[pid], invested=invested[pid], prices=prices, now=now
            )

    async def _listen(self) -> None:
        await listen_forever(
            self.runtime.bus,
            bus_messages.PORTFOLIOS_CHANGED,
            bus_messages.ALERTS_CHANGED,
            patterns=(bus_messages.EVERY_PRICE,),
            handle=self.handle,
            ready=self._ready,
            what="portfolio watcher",
        )

    async def handle(self, message: Message) -> None:
        if message.channel == bus_messages.PORTFOLIOS_CHANGED:
            portfolio_id = PortfolioChanged.decode(message.data).portfolio_id
            await self.reload([portfolio_id])
            await self.risk.portfolios_changed({portfolio_id})
        elif message.channel == bus_messages.ALERTS_CHANGED:
            changed = AlertChanged.decode(message.data)
            if changed.portfolio_id is not None:
                await self.risk.alert_changed(changed.alert_id)
        else:
            price = PriceTicks.decode(message.data)
            await self.send(self.revaluer.on_price(price.symbol, price.price, time.monotonic()))
            self.risk.moved(price.symbol)

    async def _judge_forever(self) -> None:
        while True:
            await asyncio.sleep(JUDGE_SECONDS)
            try:
                await self.risk.judge_moved()
            except Exception:
                log.exception("could not judge the portfolios' risk alerts")

    async def _flush_forever(self) -> None:
        while True:
            await asyncio.sleep(min(1.0, max(0.05, self.revaluer.interval)))  # 0: no busy loop
            try:
                await self.send(self.revaluer.due(time.monotonic()))
            except Exception:
                log.exception("could not send held-back portfolio updates")

    async def send(self, updates: list[Update]) -> None:
        """Store each update as the owner's PORTFOLIO_UPDATE (sent to their connections once committed)."""
        if not updates:
            return
        async with self.runtime.db.session() as session:
            await realtime_service.emit_user_events(
                session,
                self.runtime.bus,
                [
                    (
                        update.owner,
                        realtime_service.PORTFOLIO_UPDATE,
                        {
                            "portfolioId": update.portfolio_id,
                            "totalValue": update.total_value,
                            "totalPnL": update.total_pnl,
                            "change": update.change,
                            "changePercent": update.change_percent,
                            "reason": "PRICE",
                        },
                    )
                    for update in updates
                ],
            )
