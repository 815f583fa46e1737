"""WebSocket load client: one process holding thousands of subscribed connections, driven by ws_load.py.

One `asyncio.Protocol` per connection on uvloop, no task and no WebSocket library per connection: the
HTTP/1.1 upgrade is written by hand (no per-message deflate offered), server frames are parsed in
`data_received`, pings are answered with masked pongs. Latency of a PRICE_UPDATE = receive wall clock -
the frame's `timestamp` (the tick's time), kept in a 0.1 ms histogram, so memory stays bounded.

Run: backend/.venv/bin/python bench/ws_clients.py --config FILE   (FILE written by ws_load.py)
FILE: {"host": "127.0.0.1", "conns": [[port, userId, token, [symbols]], ...], "concurrency": 200,
       "connect_timeout": 180}
stdout, one JSON object a line: {"event": "progress"|"ready"|"result", ...}
stdin, one JSON object a line: {"cmd": "start", "since": <epoch s>} then {"cmd": "stop"}; EOF on stdin
(the parent is gone) ends the process.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import gc
import hashlib
import json
import os
import random
import resource
import sys
import time
from collections import Counter
from datetime import datetime
from typing import Any, cast

import orjson
import uvloop

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
BIN = 1e-4  # histogram bin: 0.1 ms
BINS = 300_000  # up to 30 s; the last bin holds everything slower
ATTEMPTS = 5
HANDSHAKE, OPENING, SUBSCRIBING, SUBSCRIBED, CLOSED = range(5)
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class Stats:
    """Everything this process counts; shared by every connection."""

    def __init__(self) -> None:
        self.measuring = False
        self.since = 0.0
        self.frames = 0  # PRICE_UPDATEs measured
        self.unmeasured = 0  # PRICE_UPDATEs outside the window (warm-up, or ticks older than `since`)
        self.hist = [0] * BINS
        self.max_latency = 0.0
        self.subscribed = 0
        self.dropped = 0  # subscribed connections the server closed
        self.pings = 0
        self.messages: Counter[str] = Counter()  # other message types
        self.closes: Counter[str] = Counter()  # close codes / reasons of subscribed connections
        self.errors: Counter[str] = Counter()  # why connection attempts failed
        self.stamps: dict[str, float] = {}  # the tick timestamp strings seen, parsed once


S = Stats()
loads = orjson.loads
now = time.time


def tick_time(stamp: str) -> float:
    cached = S.stamps.get(stamp)
    if cached is None:
        if len(S.stamps) > 10_000:
            S.stamps.clear()
        cached = S.stamps[stamp] = datetime.fromisoformat(stamp).timestamp()  # "Z" is read since 3.11
    return cached


def masked_frame(opcode: int, payload: bytes) -> bytes:
    """A client frame: FIN, the opcode, the mask bit and a random mask applied to the payload."""
    n = len(payload)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        head = bytes((0x80 | opcode, 0xFE)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0xFF)) + n.to_bytes(8, "big")
    mask = random.getrandbits(32).to_bytes(4, "big")
    key = int.from_bytes((mask * (n // 4 + 1))[:n], "big")
    return head + mask + (int.from_bytes(payload, "big") ^ key).to_bytes(n, "big")


class Conn(asyncio.Protocol):
    """One WebSocket connection; `waiter` is set only while it is being opened."""

    __slots__ = ("buf", "frag", "key", "request", "state", "symbols", "transport", "waiter")

    def __init__(self, request: bytes, key: bytes, symbols: list[str], waiter: asyncio.Future[None]) -> None:
        self.request: bytes | None = request
        self.key = key
        self.symbols = symbols
        self.waiter: asyncio.Future[None] | None = waiter
        self.transport: asyncio.Transport | None = None
        self.buf: bytearray | None = None
        self.frag: bytearray | None = None
        self.state = HANDSHAKE

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass it
        assert self.request is not None
        self.transport.write(self.request)
        self.request = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self.state == SUBSCRIBED:
            S.subscribed -= 1
            S.dropped += 1
            S.closes[f"lost: {type(exc).__name__}" if exc else "lost"] += 1
        self.state = CLOSED
        self.fail(f"connection lost{f': {type(exc).__name__}' if exc else ''}")
        self.transport = None

    def fail(self, reason: str) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError(reason))
        self.waiter = None

    def close(self, reason: str) -> None:
        self.fail(reason)
        if self.transport is not None:
            self.transport.abort()

    def data_received(self, data: bytes) -> None:
        received = now()
        if self.state == HANDSHAKE:
            rest = self.handshake(data)
            if not rest:
                return
            data = rest
        if self.buf:
            self.buf += data
            b: bytes | bytearray = self.buf
        else:
            b = data
        n, pos = len(b), 0
        while n - pos >= 2:
            b0, length = b[pos], b[pos + 1]
            if length & 0x80:
                self.close("masked server frame")
                return
            head = 2
            if length == 126:
                if n - pos < 4:
                    break
                length, head = int.from_bytes(b[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if n - pos < 10:
                    break
                length, head = int.from_bytes(b[pos + 2 : pos + 10], "big"), 10
            end = pos + head + length
            if end > n:
                break
            payload = b[pos + head : end]
            pos = end
            self.frame(b0, payload, received)
            if self.state == CLOSED:
                return
        if pos == n:
            self.buf = None
        elif b is self.buf:
            del self.buf[:pos]
        else:
            self.buf = bytearray(b[pos:])

    def handshake(self, data: bytes) -> bytes:
        """The bytes after the 101 response (frames may follow it in the same read); b"" until complete."""
        self.buf = (self.buf or bytearray()) + data
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buf) > 16384:
                self.close("handshake response too long")
            return b""
        head, rest = bytes(self.buf[:end]), bytes(self.buf[end + 4 :])
        self.buf = None
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or parts[1] != b"101":
            self.close(f"http {parts[1].decode(errors='replace') if len(parts) > 1 else '?'}")
            return b""
        accept = base64.b64encode(hashlib.sha1(self.key + GUID).digest())
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines[1:])}
        if headers.get(b"sec-websocket-accept") != accept:
            self.close("bad Sec-WebSocket-Accept")
            return b""
        if b"sec-websocket-extensions" in headers:
            self.close("server enabled an extension that was not offered")
            return b""
        self.state = OPENING
        return rest

    def frame(self, b0: int, payload: bytes | bytearray, received: float) -> None:
        opcode = b0 & 0x0F
        if opcode in (OP_TEXT, OP_BINARY):
            if b0 & 0x80:
                self.message(payload, received)
            else:
                self.frag = bytearray(payload)
        elif opcode == OP_CONT:
            if self.frag is None:
                self.close("continuation without a first frame")
                return
            self.frag += payload
            if b0 & 0x80:
                message, self.frag = self.frag, None
                self.message(message, received)
        elif opcode == OP_PING:
            S.pings += 1
            if self.transport is not None:
                self.transport.write(masked_frame(OP_PONG, bytes(payload)))
        elif opcode == OP_CLOSE:
            code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
            reason = bytes(payload[2:]).decode(errors="replace")
            if self.state == SUBSCRIBED:
                S.subscribed -= 1
                S.dropped += 1
                S.closes[f"{code} {reason}".strip()] += 1
            self.state = CLOSED
            self.fail(f"closed by the server: {code} {reason}".strip())
            if self.transport is not None:
                self.transport.write(masked_frame(OP_CLOSE, bytes(payload[:2])))
                self.transport.close()  # after the echoed close frame is written

    def message(self, payload: bytes | bytearray, received: float) -> None:
        try:
            msg = loads(payload)
            kind = msg.get("type")
        except (orjson.JSONDecodeError, AttributeError):
            S.messages["not a JSON object"] += 1
            return
        if kind == "PRICE_UPDATE":
            if not S.measuring:
                S.unmeasured += 1
                return
            try:
                sent = tick_time(msg["timestamp"])
            except (KeyError, TypeError, ValueError):
                S.messages["PRICE_UPDATE without a valid timestamp"] += 1
                return
            if sent < S.since:
                S.unmeasured += 1
                return
            latency = received - sent
            S.frames += 1
            index = int(latency / BIN)
            S.hist[index if 0 <= index < BINS else (0 if index < 0 else BINS - 1)] += 1
            if latency > S.max_latency:
                S.max_latency = latency
        elif kind == "CONNECTED" and self.state == OPENING:
            self.state = SUBSCRIBING
            body = orjson.dumps({"action": "subscribe", "symbols": self.symbols})
            assert self.transport is not None
            self.transport.write(masked_frame(OP_TEXT, body))
        elif kind == "SUBSCRIBED" and self.state == SUBSCRIBING:
            self.state = SUBSCRIBED
            S.subscribed += 1
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_result(None)
            self.waiter = None
        else:
            S.messages[str(kind)] += 1
            if kind == "ERROR" and self.state in (OPENING, SUBSCRIBING):
                self.close(f"ERROR {msg.get('code', '')}: {str(msg.get('message', ''))[:80]}")


async def open_one(
    host: str, port: int, user_id: int, token: str, symbols: list[str], timeout: float
) -> Conn:
    loop = asyncio.get_running_loop()
    key = base64.b64encode(os.urandom(16))
    request = (
        f"GET /ws/alerts/{user_id}?token={token} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key.decode()}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    ).encode()
    waiter: asyncio.Future[None] = loop.create_future()
    conn = Conn(request, key, symbols, waiter)
    try:
        async with asyncio.timeout(timeout):
            await loop.create_connection(lambda: conn, host, port)
            await waiter
    except BaseException:
        conn.close("gave up")
        raise
    return conn


async def open_all(config: dict[str, Any]) -> tuple[list[Conn], int, int]:
    """Every connection opened (retried with backoff), at most `concurrency` in flight; failures counted."""
    host: str = config["host"]
    deadline = time.monotonic() + float(config.get("connect_timeout", 180))
    pending = iter(config["conns"])
    opened: list[Conn] = []
    failed = retries = 0

    async def worker() -> None:
        nonlocal failed, retries
        for port, user_id, token, symbols in pending:
            for attempt in range(ATTEMPTS):
                left = deadline - time.monotonic()
                if left <= 0:
                    S.errors["connect deadline passed"] += 1
                    failed += 1
                    break
                try:
                    opened.append(await open_one(host, port, user_id, token, symbols, min(30.0, left)))
                    break
                except (OSError, TimeoutError) as exc:
                    S.errors[str(exc)[:100] or type(exc).__name__] += 1
                    if attempt == ATTEMPTS - 1:
                        failed += 1
                    else:
                        retries += 1
                        await asyncio.sleep(min(5.0, 0.2 * 2**attempt) * (0.5 + random.random()))

    async def progress() -> None:
        while True:
            await asyncio.sleep(1.0)
            emit({"event": "progress", "connected": S.subscribed, "failed": failed})

    reporter = asyncio.create_task(progress())
    try:
        await asyncio.gather(*(worker() for _ in range(max(1, int(config.get("concurrency", 200))))))
    finally:
        reporter.cancel()
    return opened, failed, retries


def emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def commands() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def next_command(reader: asyncio.StreamReader) -> dict[str, Any]:
    line = await reader.readline()
    if not line:
        raise SystemExit(0)  # the parent is gone
    command: dict[str, Any] = json.loads(line)
    return command


async def main(config: dict[str, Any]) -> None:
    reader = await commands()
    started = time.monotonic()
    conns, failed, retries = await open_all(config)
    # The connections live as long as the process: keep them out of the collector's full passes.
    gc.collect()
    gc.freeze()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    emit(
        {
            "event": "ready",
            "connected": S.subscribed,
            "failed": failed,
            "retries": retries,
            "seconds": round(time.monotonic() - started, 2),
            "errors": dict(S.errors.most_common(5)),
            "maxrss_kb": usage.ru_maxrss,
        }
    )
    command = await next_command(reader)
    if command.get("cmd") != "start":
        raise SystemExit(f"expected start, got {command}")
    cpu0, wall0 = cpu_seconds(), time.monotonic()
    S.since = float(command["since"])
    S.measuring = True
    command = await next_command(reader)
    S.measuring = False
    cpu, wall = cpu_seconds() - cpu0, time.monotonic() - wall0
    emit(
        {
            "event": "result",
            "asked": len(config["conns"]),
            "connected": S.subscribed,
            "failed": failed,
            "retries": retries,
            "dropped": S.dropped,
            "frames": S.frames,
            "unmeasured": S.unmeasured,
            "hist": {str(i): c for i, c in enumerate(S.hist) if c},
            "bin_seconds": BIN,
            "max_latency": S.max_latency,
            "pings": S.pings,
            "messages": dict(S.messages),
            "closes": dict(S.closes.most_common(5)),
            "errors": dict(S.errors.most_common(5)),
            "cpu_seconds": round(cpu, 3),
            "wall_seconds": round(wall, 3),
            "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        }
    )
    for conn in conns:
        if conn.transport is not None:
            conn.transport.abort()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="JSON file written by ws_load.py")
    args = parser.parse_args()
    if args.config is None:  # e.g. `make bench`, which runs every script of bench/
        print("ws_clients.py is started by ws_load.py (run that one); nothing to do alone")
        raise SystemExit(0)
    with open(args.config, "rb") as file:
        settings = orjson.loads(file.read())
    with contextlib.suppress(KeyboardInterrupt):
        uvloop.run(main(settings))
