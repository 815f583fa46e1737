"""HTTP/1.1 load generator for bench/api_load.py when wrk is not installed: keep-alive clients in one process.

Reads a JSON config on stdin: {"host", "port", "clients", "seconds", "requests": [[path, {header: value}]]},
cycles through the requests (each client takes the next one of a shared counter) for `seconds`, and prints
one JSON line: requests, seconds, errors by kind, statuses, latency percentiles (ms) and its own CPU seconds.
Raw asyncio streams on uvloop, not httpx: a request costs the generator ~0.1 ms of CPU instead of ~1 ms, which
matters when it shares the cores with the server it measures.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import os
import sys
import time
from collections import Counter
from typing import Any


async def read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """(status, body bytes) of one response; Content-Length or chunked bodies."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    if b"content-length" in headers:
        size = int(headers[b"content-length"])
        await reader.readexactly(size)
        return status, size
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        total = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            total += size
            if size == 0:
                return status, total
    raise ValueError("response without a length")


async def client(
    host: str,
    port: int,
    raw: list[bytes],
    counter: itertools.count[int],
    stop_at: float,
    latencies: list[float],
    statuses: Counter[int],
    errors: Counter[str],
    sizes: list[int],
) -> None:
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
    while time.monotonic() < stop_at:
        request = raw[next(counter) % len(raw)]
        started = time.perf_counter()
        try:
            if connection is None:
                connection = await asyncio.open_connection(host, port)
            reader, writer = connection
            writer.write(request)
            status, size = await asyncio.wait_for(read_response(reader), timeout=30)
        except (
            OSError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ValueError,
            TimeoutError,
        ) as exc:
            errors[type(exc).__name__] += 1
            if connection is not None:
                connection[1].close()
            connection = None
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        statuses[status] += 1
        sizes.append(size)
    if connection is not None:
        connection[1].close()


def percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


async def run(config: dict[str, Any]) -> dict[str, Any]:
    host, port = config["host"], config["port"]
    raw = []
    for path, headers in config["requests"]:
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}"] + [f"{k}: {v}" for k, v in headers.items()]
        raw.append(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    sizes: list[int] = []
    counter = itertools.count()
    cpu0 = time.process_time()
    started = time.monotonic()
    stop_at = started + config["seconds"]
    await asyncio.gather(
        *(
            client(host, port, raw, counter, stop_at, latencies, statuses, errors, sizes)
            for _ in range(config["clients"])
        )
    )
    seconds = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "errors": dict(errors),
        "statuses": {str(k): v for k, v in statuses.items()},
        "p50": percentile(ordered, 0.50),
        "p95": percentile(ordered, 0.95),
        "p99": percentile(ordered, 0.99),
        "max": ordered[-1] if ordered else math.nan,
        "mean_bytes": sum(sizes) / len(sizes) if sizes else 0,
        "cpu_seconds": time.process_time() - cpu0,
    }


def main() -> None:
    config = json.loads(sys.stdin.read())
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    result = run(config)
    print(json.dumps(asyncio.run(result)), flush=True)
    os._exit(0)  # sockets of clients still closing are of no interest


if __name__ == "__main__":
    main()
