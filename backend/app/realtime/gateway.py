"""The client side of the gateway: authenticate, register with the hub, replay what a resuming client
missed, and serve its messages (subscribe, unsubscribe, ping) under a rate limit."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.types import Message, Receive, Scope, Send

from app.core.bounds import parse_db_id
from app.core.errors import AppError
from app.core.runtime import Runtime
from app.market import service as market_service
from app.realtime import events
from app.realtime.clients import Client, QueueSink
from app.realtime.frames import Frame
from app.realtime.hub import Hub
from app.realtime.metrics import STATS
from app.realtime.server import DIRECT, DirectSocket
from app.users import service as user_service

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY = 4429
CLOSE_ABUSE = 1008
SYMBOL_REFRESH = 5.0  # seconds between registry reloads caused by unknown symbols


class Rejected(Exception):
    """A client message that gets an ERROR frame; the connection stays up."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


def error_frame(code: str, message: str, field: str | None = None) -> Frame:
    fields: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        fields["field"] = field
    return Frame.build("ERROR", fields)


class TokenBucket:
    """`rate` messages a second on average, `burst` at once."""

    __slots__ = ("_at", "_burst", "_rate", "_tokens")

    def __init__(self, rate: float, burst: int) -> None:
        self._rate, self._burst = rate, float(burst)
        self._tokens, self._at = float(burst), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True


class SymbolBook:
    """The registry's symbols, reloaded (at most every few seconds) when a client names an unknown one."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._known: set[str] = set()
        self._loaded_at = -SYMBOL_REFRESH
        self._lock = asyncio.Lock()  # one load at a time; the others wait for it, then look again

    async def unknown(self, symbols: Iterable[str]) -> list[str]:
        missing = [s for s in symbols if s not in self._known]
        if not missing:
            return missing
        async with self._lock:
            missing = [s for s in missing if s not in self._known]
            if missing and time.monotonic() - self._loaded_at >= SYMBOL_REFRESH:
                async with self._runtime.db.session() as session:
                    self._known = {asset.symbol for asset in await market_service.list_assets(session)}
                self._loaded_at = time.monotonic()
                missing = [s for s in missing if s not in self._known]
        return missing


class DirectSink:
    """Frames straight onto the socket, pre-framed once for every client (see realtime.server)."""

    __slots__ = ("_socket",)

    def __init__(self, socket: DirectSocket) -> None:
        self._socket = socket

    def ready(self) -> bool:
        return self._socket.writable()

    def write(self, frame: Frame) -> None:
        self._socket.write(frame.ws)

    def wake(self) -> None:
        """Queued frames go out when the socket drains (DirectSocket.on_drain)."""

    def close(self, code: int, reason: str) -> None:
        self._socket.close(code, reason)


@dataclass
class Gateway:
    runtime: Runtime
    hub: Hub

    def __post_init__(self) -> None:
        self.symbols = SymbolBook(self.runtime)
        self.hub.catch_up = self.catch_up

    async def authenticate(self, token: str) -> int:
        async with self.runtime.db.session() as session:
            user = await user_service.user_from_token(session, self.runtime.settings, token, "access")
            return user.id

    async def greet(self, client: Client, user_id: int) -> None:
        """CONNECTED, with the newest stored eventId ("0" before any), read once the client hears live
        events: a client that has received no event yet can still resume from it and miss nothing."""
        try:
            newest = await self.baseline(client)
        except BaseException:
            client.resume([])
            raise
        client.offer_event(Frame.build("CONNECTED", {"userId": user_id, "lastEventId": str(newest)}))

    async def baseline(self, client: Client) -> int:
        """The user's newest stored eventId (0 before any), from which the client counts as having been given
        everything: what a catch-up after the bus was lost starts from."""
        async with self.runtime.db.session() as session:
            newest = await events.latest(session, client.user_id) or 0
        client.last_event_id = max(client.last_event_id, newest)
        return newest

    def admit(self, user_id: int) -> str | None:
        """Why a new connection of this user is refused, or None."""
        limit = self.runtime.settings.ws_max_connections_per_user
        if self.hub.connections_of(user_id) >= limit:
            return f"At most {limit} connections per user"
        return None

    async def replay(self, client: Client, last_event_id: str | None) -> None:
        """Send the stored events after `last_event_id`, then the live ones held since the client was added
        (`client.replaying`, set by the caller before it joined the hub)."""
        after = None if last_event_id is None else parse_db_id(last_event_id)
        if after is None:
            client.resume([])
            if last_event_id is not None:
                reason = "lastEventId is the eventId of a user event"
                client.offer_event(error_frame("BAD_MESSAGE", reason, "lastEventId"))
            return
        client.last_event_id = max(client.last_event_id, after)
        limit = self.runtime.settings.ws_replay_limit
        try:
            async with self.runtime.db.session() as session:
                missed = await events.missed(session, client.user_id, after, limit)
        except BaseException:
            client.resume([])
            raise
        _resume(client, [_frame(m) for m in missed], truncated=len(missed) == limit)

    async def catch_up(self, clients: list[Client]) -> None:
        """The hub was off the bus: give each client (its live events held) the stored ones it missed."""
        by_user: dict[int, list[Client]] = {}
        for client in clients:
            by_user.setdefault(client.user_id, []).append(client)
        limit = self.runtime.settings.ws_replay_limit
        async with self.runtime.db.session() as session:
            for user_id, own in by_user.items():
                after = min(c.last_event_id for c in own)
                frames = [_frame(m) for m in await events.missed(session, user_id, after, limit)]
                for client in own:
                    seen = client.last_event_id
                    mine = [f for f in frames if int(f.event_id) > seen]
                    _resume(client, mine, truncated=len(frames) == limit)

    async def handle(self, client: Client, text: str) -> None:
        """One client message; raises Rejected for an ERROR frame."""
        try:
            message = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise Rejected("BAD_JSON", f"Not JSON: {exc}") from exc
        if not isinstance(message, dict):
            raise Rejected("BAD_MESSAGE", 'A message is an object such as {"action": "ping"}', "action")
        action = message.get("action")
        STATS.messages_in[action if action in ("subscribe", "unsubscribe", "ping", "auth") else "other"] += 1
        if action == "ping":
            client.offer_event(Frame.build("PONG", {}))
        elif action in ("subscribe", "unsubscribe"):
            symbols = await self.parse_symbols(message.get("symbols"))
            if action == "subscribe":
                limit = self.runtime.settings.ws_max_subscriptions
                after = client.symbols | symbols
                if len(after) > limit:
                    reason = f"At most {limit} symbols per connection"
                    raise Rejected("TOO_MANY_SUBSCRIPTIONS", reason, "symbols")
                # The acknowledgement first, then the latest price of each new symbol (hub.subscribe).
                fields = {"symbols": sorted(symbols), "subscriptions": sorted(after)}
                client.offer_event(Frame.build("SUBSCRIBED", fields))
                self.hub.subscribe(client, symbols)
            else:
                self.hub.unsubscribe(client, symbols)
                fields = {"symbols": sorted(symbols), "subscriptions": sorted(client.symbols)}
                client.offer_event(Frame.build("UNSUBSCRIBED", fields))
        elif action == "auth":
            raise Rejected("BAD_MESSAGE", "Already authenticated", "action")
        else:
            raise Rejected(
                "UNKNOWN_ACTION", f"Unknown action {action!r}: use subscribe, unsubscribe or ping", "action"
            )

    async def parse_symbols(self, given: Any) -> set[str]:
        limit = self.runtime.settings.ws_max_subscriptions
        if not isinstance(given, list) or not given or not all(isinstance(s, str) for s in given):
            raise Rejected("BAD_MESSAGE", "symbols is a non-empty list of symbols such as BTC-USD", "symbols")
        if len(given) > limit:
            raise Rejected("TOO_MANY_SUBSCRIPTIONS", f"At most {limit} symbols per connection", "symbols")
        symbols = {market_service.normalize_symbol(s) for s in given}
        unknown = await self.symbols.unknown(sorted(symbols))
        if unknown:
            raise Rejected("UNKNOWN_SYMBOL", f"Unknown symbol(s): {', '.join(unknown)}", "symbols")
        return symbols

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The whole life of one /ws/alerts/{userId} connection (a raw ASGI app: see realtime.server)."""
        socket = RawSocket(scope, receive, send)
        settings = self.runtime.settings
        token, last_event_id = socket.query("token"), socket.query("lastEventId")
        path_user = scope["path"].rstrip("/").rsplit("/", 1)[-1]
        if not await socket.accept():
            return
        if token is None:
            first = await self._first_message(socket)
            if first is None:
                return
            token, last_event_id = first
        try:
            user_id = await self.authenticate(token)
        except AppError as exc:
            await socket.close(CLOSE_UNAUTHORIZED, exc.message)
            return
        if path_user != str(user_id):
            await socket.close(CLOSE_FORBIDDEN, "This token is not this user's")
            return
        refusal = self.admit(user_id)
        if refusal is not None:
            await socket.close(CLOSE_TOO_MANY, refusal)
            return
        direct: DirectSocket | None = scope.get("extensions", {}).get(DIRECT)
        writer: asyncio.Task[None] | None = None
        if direct is not None:
            direct.set_high_water(settings.ws_write_buffer_bytes)
            client = Client(user_id, DirectSink(direct), settings.ws_max_pending_events)
            direct.on_drain = client.flush
        else:
            sink = QueueSink()
            client = Client(user_id, sink, settings.ws_max_pending_events)
            writer = asyncio.create_task(_pump(socket, sink, client))
        client.replaying = []  # live user events wait until CONNECTED and the replay are out
        self.hub.add(client)
        try:
            await self.greet(client, user_id)
            await self.replay(client, last_event_id)
            await self._receive(socket, client)
        finally:
            client.closed = True
            self.hub.remove(client)
            if direct is not None:
                direct.on_drain = None
            if writer is not None:
                writer.cancel()

    async def _first_message(self, socket: RawSocket) -> tuple[str, str | None] | None:
        """Token (and lastEventId) from a first `{"action": "auth", "token": ...}` message."""
        timeout = self.runtime.settings.ws_auth_timeout
        try:
            message = await asyncio.wait_for(socket.receive(), timeout)
        except TimeoutError:
            await socket.close(CLOSE_UNAUTHORIZED, f"Authenticate within {timeout:g} s")
            return None
        if message["type"] == "websocket.disconnect":
            return None
        try:
            first = orjson.loads(message.get("text") or message.get("bytes") or b"")
        except orjson.JSONDecodeError:
            first = None
        if (
            not isinstance(first, dict)
            or first.get("action") != "auth"
            or not isinstance(first.get("token"), str)
        ):
            await socket.close(CLOSE_UNAUTHORIZED, 'Send {"action": "auth", "token": ...} first')
            return None
        last = first.get("lastEventId")
        return first["token"], None if last is None else str(last)

    async def _receive(self, socket: RawSocket, client: Client) -> None:
        settings = self.runtime.settings
        bucket = TokenBucket(settings.ws_inbound_rate, settings.ws_inbound_burst)
        abuse = 0
        while True:
            message = await socket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if not bucket.take():
                abuse += 1
                if abuse >= settings.ws_abuse_limit:
                    client.close(CLOSE_ABUSE, "Message rate limit exceeded repeatedly")
                    return
                rate = settings.ws_inbound_rate
                client.offer_event(error_frame("RATE_LIMITED", f"At most {rate:g} messages per second"))
                continue
            text = message.get("text")
            if text is None:
                text = (message.get("bytes") or b"").decode("utf-8", "replace")
            try:
                await self.handle(client, text)
            except Rejected as exc:
                client.offer_event(error_frame(exc.code, exc.message, exc.field))


class RawSocket:
    """The few WebSocket operations the gateway needs, on the ASGI callables themselves: no framework
    object is kept for a connection that may live for days."""

    __slots__ = ("_receive", "_send", "scope")

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope, self._receive, self._send = scope, receive, send

    def query(self, name: str) -> str | None:
        values = parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get(name)
        return values[0] if values else None

    async def accept(self) -> bool:
        """Take the handshake (False if the peer left first)."""
        message = await self._receive()
        if message["type"] != "websocket.connect":
            return False
        await self._send({"type": "websocket.accept"})
        return True

    async def receive(self) -> Message:
        return await self._receive()

    async def send_text(self, text: str) -> None:
        await self._send({"type": "websocket.send", "text": text})

    async def close(self, code: int, reason: str) -> None:
        STATS.closed[str(code)] += 1
        await self.send_close(code, reason)

    async def send_close(self, code: int, reason: str) -> None:
        with contextlib.suppress(RuntimeError, OSError):  # already closed, or the peer is gone
            await self._send({"type": "websocket.close", "code": code, "reason": reason[:120]})


async def _pump(socket: RawSocket, sink: QueueSink, client: Client) -> None:
    with contextlib.suppress(RuntimeError, OSError):
        async for frame in sink.frames(client):
            if frame is not None:
                await socket.send_text(frame.data.decode())
        if sink.closed_with is not None:
            await socket.send_close(*sink.closed_with)


def _frame(stored: dict[str, Any]) -> Frame:
    return Frame.build(stored.pop("type"), stored, event_id=stored.pop("eventId"))


def _resume(client: Client, frames: list[Frame], *, truncated: bool) -> None:
    """Hand a client the stored events it missed (then its held live ones); `truncated`: there are more than
    were read, and it must come back for them."""
    client.resume(frames)
    if truncated:
        last = frames[-1].event_id if frames else str(client.last_event_id)
        client.offer_event(
            error_frame(
                "REPLAY_TRUNCATED",
                f"More than {len(frames)} missed events: reconnect with lastEventId={last}",
                "lastEventId",
            )
        )
