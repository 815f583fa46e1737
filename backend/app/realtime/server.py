"""uvicorn, tuned for the gateway: WebSocket connections with a direct path to their socket, a lane past
the middleware stack, no per-message deflate, server pings, a deadline for request headers (slow-loris)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request

from app.config import Settings
from app.core.envelope import error_body
from app.core.errors import HTTP_STATUS, ErrorCode

DIRECT = "cryptomon.direct"  # the ASGI scope extension carrying a DirectSocket
ABORT_AFTER_CLOSE = 5.0  # seconds a peer gets to take our close frame before the socket is dropped
HEADER_TIMEOUT = 10.0  # seconds to send a request's headers
MAX_URL_BYTES = 65535  # httptools cannot parse a longer URL (16-bit offsets): uvicorn refuses the request


class DirectSocket:
    """The socket under one WebSocket connection, for the hub: it writes frames it has framed once for
    every client, and learns when a client's buffer passes the high-water mark and drains again."""

    __slots__ = ("_protocol", "on_drain", "paused")

    def __init__(self, protocol: GatewayProtocol) -> None:
        self._protocol = protocol
        self.paused = False
        self.on_drain: Callable[[], None] | None = None

    def writable(self) -> bool:
        protocol = self._protocol
        return not (self.paused or protocol.close_sent or protocol.disconnected)

    def write(self, data: bytes) -> None:
        self._protocol.transport.write(data)

    def set_high_water(self, size: int) -> None:
        self._protocol.transport.set_write_buffer_limits(high=size)

    def close(self, code: int, reason: str) -> None:
        """Send a close frame now, whatever is buffered, and drop the socket if the peer never takes it."""
        protocol = self._protocol
        if protocol.close_sent or protocol.disconnected:
            return
        protocol.conn.send_close(code, reason)
        protocol.transport.write(b"".join(protocol.conn.data_to_send()))
        protocol.close_sent = True
        protocol.queue.put_nowait({"type": "websocket.disconnect", "code": code, "reason": reason})
        protocol.loop.call_later(ABORT_AFTER_CLOSE, protocol.transport.abort)


class GatewayProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O websockets protocol, plus the direct path in `scope["extensions"]`."""

    direct: DirectSocket | None = None

    def handle_connect(self, event: Request) -> None:
        # A lane (path prefix -> raw ASGI app, in `app.state.websocket_lanes`) is served without the
        # framework's middleware stack: a dozen coroutine frames fewer held for each connection's life.
        lanes: dict[str, Any] = getattr(getattr(self.config.app, "state", None), "websocket_lanes", {})
        for prefix, lane in lanes.items():
            if event.path.startswith(prefix):
                self.app = lane
                break
        super().handle_connect(event)
        scope: dict[str, Any] | None = getattr(self, "scope", None)
        if scope is not None:
            self.direct = DirectSocket(self)
            scope["extensions"][DIRECT] = self.direct

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.accept":
            # The handshake's request and response (headers and all) are not needed after it.
            self.request = self.response = None  # type: ignore[assignment]

    def pause_writing(self) -> None:
        super().pause_writing()
        if self.direct is not None:
            self.direct.paused = True

    def resume_writing(self) -> None:
        super().resume_writing()
        if self.direct is not None:
            self.direct.paused = False
            if self.direct.on_drain is not None:
                self.direct.on_drain()


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, but a request whose headers take longer than HEADER_TIMEOUT is dropped
    (uvicorn waits forever for them, so a few hundred trickling clients could hold every socket)."""

    _deadline: asyncio.TimerHandle | None = None
    header_timeout = HEADER_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        """A request the HTTP parser refuses, as the error envelope instead of uvicorn's plain text."""
        if len(self.url) > MAX_URL_BYTES:
            message = f"The URL is over {MAX_URL_BYTES} bytes; send long inputs in a POST body"
        else:
            message = "The request is not valid HTTP/1.1"
        body = json.dumps(error_body(ErrorCode.BAD_REQUEST, message), separators=(",", ":")).encode()
        status = HTTPStatus(HTTP_STATUS[ErrorCode.BAD_REQUEST])
        head = [f"HTTP/1.1 {status.value} {status.phrase}".encode()]
        head += [name + b": " + value for name, value in self.server_state.default_headers]
        head += [b"content-type: application/json", b"content-length: %d" % len(body), b"connection: close"]
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        self.transport.close()


def uvicorn_config(app: Any, settings: Settings, host: str, port: int, **options: Any) -> uvicorn.Config:
    """The server settings `cryptomon serve`, the tests and the benchmarks share."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http=HeaderDeadlineProtocol,
        ws=GatewayProtocol if settings.ws_direct else "websockets-sansio",
        # Deflate costs 2.7-4.8x the memory per connection for small frames, and the hub's frames are
        # written pre-framed, once for every client.
        ws_per_message_deflate=False,
        ws_ping_interval=settings.ws_ping_interval,
        ws_ping_timeout=settings.ws_ping_timeout,
        ws_max_size=64 * 1024,
        backlog=4096,
        log_config=None,
        # The app reads X-Forwarded-For itself, from CRYPTOMON_TRUSTED_PROXIES only (core.client_address).
        proxy_headers=False,
        **options,
    )
