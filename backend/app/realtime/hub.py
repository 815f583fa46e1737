"""The process's fan-out: which client wants which symbol and which user's events, fed from the bus.

Every process subscribes to `prices:*` and `user:*`, so any process can serve any user. A message is
turned into one Frame (serialised once) and offered to each interested client; prices are throttled per
symbol (the newest held back is sent when the interval has passed), so no client gets more than
`ws_price_rate` updates a second for a symbol.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from app.core.bus import Bus, Message
from app.core.bus import messages as bus_messages
from app.core.bus.messages import PriceTicks, UserEvent
from app.core.clock import epoch
from app.realtime.clients import Client
from app.realtime.frames import PRICE_UPDATE, Frame
from app.realtime.metrics import HUBS, STATS, observe_hops

log = logging.getLogger(__name__)

BUS_WAIT = 3.0  # seconds start() waits for the bus subscription
CLOSE_RESTART = 1012
CatchUp = Callable[[list[Client]], Awaitable[None]]


def price_fields(message: PriceTicks) -> dict[str, Any]:
    """The seed's PRICE_UPDATE fields from a `prices:<symbol>` bus message."""
    return {
        "symbol": message.symbol,
        "price": message.price,
        "change24h": message.change24h,
        "volume24h": message.volume24h,
        "source": message.source,  # of the newest tick: `replay`, `simulator` (made up), `peg`, a live feed
        "timestamp": datetime.fromtimestamp(message.ts, UTC).isoformat(timespec="microseconds")[:-6] + "Z",
    }


class Hub:
    def __init__(self, bus: Bus, price_rate: float) -> None:
        self._bus = bus
        self._interval = 1.0 / price_rate
        self.by_symbol: dict[str, set[Client]] = defaultdict(set)
        self.by_user: dict[int, set[Client]] = defaultdict(set)
        self.latest: dict[str, Frame] = {}  # the last price frame per symbol, for new subscribers
        self._sent_at: dict[str, float] = {}
        self._held: dict[str, PriceTicks] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        # Set by the gateway: gives connected clients the stored events published while the bus was lost.
        self.catch_up: CatchUp | None = None
        self._catching_up: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="realtime-hub")
        HUBS.add(self)
        try:  # normally instant; with the bus down the API still starts, and the hub keeps trying
            await asyncio.wait_for(self._ready.wait(), BUS_WAIT)
        except TimeoutError:
            log.warning("realtime hub: no bus subscription yet; clients get events once it is back")

    async def stop(self) -> None:
        HUBS.discard(self)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for clients in list(self.by_user.values()):
            for client in list(clients):
                client.close(CLOSE_RESTART, "Server restarting")

    # -- registry -------------------------------------------------------------------------------------

    def add(self, client: Client) -> None:
        self.by_user[client.user_id].add(client)

    def remove(self, client: Client) -> None:
        self.unsubscribe(client, set(client.symbols))
        clients = self.by_user.get(client.user_id)
        if clients is not None:
            clients.discard(client)
            if not clients:
                del self.by_user[client.user_id]

    def connections_of(self, user_id: int) -> int:
        return len(self.by_user.get(user_id, ()))

    def subscribe(self, client: Client, symbols: set[str]) -> None:
        for symbol in symbols - client.symbols:
            self.by_symbol[symbol].add(client)
            latest = self.latest.get(symbol)
            if latest is not None:
                client.offer_price(symbol, latest)
        client.symbols |= symbols

    def unsubscribe(self, client: Client, symbols: set[str]) -> None:
        for symbol in symbols & client.symbols:
            subscribers = self.by_symbol.get(symbol)
            if subscribers is not None:
                subscribers.discard(client)
                if not subscribers:
                    del self.by_symbol[symbol]
        client.symbols -= symbols

    def gauges(self) -> dict[str, int]:
        clients = [c for group in self.by_user.values() for c in group]
        return {
            "connections": len(clients),
            "subscriptions": sum(len(c.symbols) for c in clients),
            "queued_frames": sum(c.queued for c in clients),
        }

    # -- fan-out --------------------------------------------------------------------------------------

    async def _listen(self) -> None:
        lost = False
        while True:
            try:
                patterns = (bus_messages.EVERY_PRICE, bus_messages.EVERY_USER)
                async with self._bus.subscribe(patterns=patterns) as subscription:
                    self._ready.set()
                    if lost:
                        self._resume_all()
                        lost = False
                    async for message in subscription:
                        self.dispatch(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the bus went away: keep serving connected clients, and listen again
                log.warning("realtime hub lost the bus (%s: %s); resubscribing", type(exc).__name__, exc)
                lost = True
                await asyncio.sleep(1.0)

    def _resume_all(self) -> None:
        """Subscribed again: live events wait (in order) while each connected client is given the stored
        events it missed meanwhile, read in the background so prices flow on."""
        clients = [c for group in self.by_user.values() for c in group if c.replaying is None]
        for client in clients:
            client.replaying = []
        if self.catch_up is None:
            for client in clients:
                client.resume([])
            return
        task = asyncio.create_task(self._catch_up(self.catch_up, clients), name="realtime-catch-up")
        self._catching_up.add(task)
        task.add_done_callback(self._catching_up.discard)

    @staticmethod
    async def _catch_up(catch_up: CatchUp, clients: list[Client]) -> None:
        try:
            await catch_up(clients)
        except Exception:
            # Nothing may be lost: they reconnect with lastEventId and are replayed what they missed.
            log.exception("realtime hub could not replay what %d clients missed; closing them", len(clients))
            for client in clients:
                client.resume([])
                client.close(CLOSE_RESTART, "Reconnect with lastEventId: events may have been missed")

    def dispatch(self, message: Message) -> None:
        channel = message.channel
        try:
            if bus_messages.is_prices(channel):
                self.price(PriceTicks.decode(message.data))
            elif (user_id := bus_messages.user_of(channel)) is not None:
                self.user_event(user_id, UserEvent.decode(message.data))
        except (KeyError, TypeError, ValueError):
            log.warning("realtime hub skipped a malformed message on %s", channel)

    def price(self, message: PriceTicks) -> None:
        symbol = message.symbol
        now = time.monotonic()
        due = self._sent_at.get(symbol, -1e9) + self._interval
        if now < due:
            STATS.throttled += symbol in self._held
            if symbol not in self._held:
                asyncio.get_running_loop().call_later(due - now, self._release, symbol)
            self._held[symbol] = message
            return
        self._send_price(symbol, message, now)

    def _release(self, symbol: str) -> None:
        message = self._held.pop(symbol, None)
        if message is not None:
            self._send_price(symbol, message, time.monotonic())

    def _send_price(self, symbol: str, message: PriceTicks, now: float) -> None:
        self._sent_at[symbol] = now
        frame = self.latest[symbol] = Frame.build(PRICE_UPDATE, price_fields(message))
        for client in self.by_symbol.get(symbol, ()):
            client.offer_price(symbol, frame)
        if message.hops is not None:
            observe_hops(message.hops, epoch())

    def user_event(self, user_id: int, event: UserEvent) -> None:
        clients = self.by_user.get(user_id)
        if not clients:
            return
        frame = Frame.build(event.type, event.fields, event_id=event.event_id)
        for client in list(clients):
            client.offer_event(frame)
