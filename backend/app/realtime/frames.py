"""Server frames: built and serialised once per message per process, framed for WebSocket or SSE lazily."""

from __future__ import annotations

import itertools
import os
import struct
from datetime import UTC, datetime
from typing import Any

import orjson

PRICE_UPDATE = "PRICE_UPDATE"
ALERT_TRIGGERED = "ALERT_TRIGGERED"
PORTFOLIO_UPDATE = "PORTFOLIO_UPDATE"
ANALYSIS_COMPLETE = "ANALYSIS_COMPLETE"
DAILY_DIGEST = "DAILY_DIGEST"
COMMUNITY_ACTIVITY = "COMMUNITY_ACTIVITY"
USER_EVENT_TYPES = frozenset(
    {ALERT_TRIGGERED, PORTFOLIO_UPDATE, ANALYSIS_COMPLETE, DAILY_DIGEST, COMMUNITY_ACTIVITY}
)

_sequence = itertools.count(1)
_process = f"{os.getpid():x}"


def server_time() -> str:
    """Now, ISO-8601 UTC with milliseconds (the wall clock: frames are about real time)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ephemeral_id(prefix: str) -> str:
    """An eventId for frames not kept for resuming (prices, replies): unique, never all digits."""
    return f"{prefix}-{_process}-{next(_sequence)}"


def ws_header(length: int, opcode: int = 0x1) -> bytes:
    """A final, unmasked server frame header (RFC 6455 5.2) for a payload of `length` bytes.

    >>> ws_header(5), ws_header(300)[:2], len(ws_header(70_000))
    (b'\\x81\\x05', b'\\x81~', 10)
    """
    first = 0x80 | opcode
    if length < 126:
        return struct.pack("!BB", first, length)
    if length < 1 << 16:
        return struct.pack("!BBH", first, 126, length)
    return struct.pack("!BBQ", first, 127, length)


class Frame:
    """One message to clients: its JSON once, and its WebSocket and SSE wire forms made on first use."""

    __slots__ = ("_sse", "_ws", "data", "event_id", "persistent", "type")

    def __init__(self, body: dict[str, Any]) -> None:
        self.type: str = body["type"]
        self.event_id: str = body["eventId"]
        self.persistent = self.event_id.isdigit()  # stored: a client can resume after it
        self.data = orjson.dumps(body)
        self._ws: bytes | None = None
        self._sse: bytes | None = None

    @classmethod
    def build(cls, type_: str, fields: dict[str, Any], event_id: str | None = None) -> Frame:
        """`{"type", "eventId", "serverTime", **fields}`; an ephemeral eventId unless one is given."""
        return cls(
            {
                "type": type_,
                "eventId": event_id or ephemeral_id(type_[0].lower()),
                "serverTime": server_time(),
                **fields,
            }
        )

    @property
    def ws(self) -> bytes:
        if self._ws is None:
            self._ws = ws_header(len(self.data)) + self.data
        return self._ws

    @property
    def sse(self) -> bytes:
        if self._sse is None:
            # Only stored events get an `id:`, so the browser's Last-Event-ID is always one to resume from.
            head = f"id: {self.event_id}\n" if self.persistent else ""
            self._sse = f"{head}event: {self.type}\n".encode() + b"data: " + self.data + b"\n\n"
        return self._sse
