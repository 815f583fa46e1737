"""Serving benchmark: bytes sent and time to serve, identity vs br/gzip, in the same process.

Two loads: the Markets screen's files (index.html, the entry script and style sheet, the Markets chunk and
what it imports) from the built web app (`make web` first), and a large API JSON response (30 days of 1h
candles from GET /api/data/historical). Each is fetched through the ASGI app in-process with
`Accept-Encoding: identity`, `gzip` and `br, gzip` (what browsers send); bytes are those on the wire.
Run: backend/.venv/bin/python bench/serving.py
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import time
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager
from historical import YEAR_START, rows
from support import embedded

from app.core.bootstrap import build_runtime
from app.main import create_app
from app.market import repository
from app.web import DEFAULT_DIST

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
ENCODINGS = ("identity", "gzip", "br, gzip")
HISTORICAL = (
    "/api/data/historical?symbol=BTC-USD&interval=1h&from=2025-01-01T00:00:00Z&to=2025-01-31T00:00:00Z"
)


def markets_screen(dist: Path) -> list[str]:
    """What a first load of /markets fetches: the page, its entry files, the Markets chunk and its imports."""
    page = (dist / "index.html").read_text()
    entry = re.findall(r'(?:src|href)="/(assets/[^"]+\.(?:js|css))"', page)
    wanted = entry + [
        f"assets/{f.name}" for f in (dist / "assets").glob("MarketsPage-*") if f.suffix in {".js", ".css"}
    ]
    seen: list[str] = []
    while wanted:
        path = wanted.pop()
        if path in seen:
            continue
        seen.append(path)
        if path.endswith(".js") and not path.startswith("assets/index-"):  # the entry imports every chunk
            text = (dist / path).read_text()
            wanted += [f"assets/{name}" for name in re.findall(r'from\s*"\./([^"]+\.js)"', text)]
    return ["", *sorted(seen)]


async def fetch(client: httpx.AsyncClient, path: str, encoding: str, headers: dict[str, str]) -> int:
    async with client.stream(
        "GET", "/" + path.lstrip("/"), headers={**headers, "Accept-Encoding": encoding}
    ) as r:
        assert r.status_code == 200, (path, r.status_code)
        return sum([len(chunk) async for chunk in r.aiter_raw()])


async def measure(client: httpx.AsyncClient, label: str, paths: list[str], headers: dict[str, str]) -> None:
    base: tuple[int, float] | None = None
    for encoding in ENCODINGS:
        sizes, times = [], []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            sizes = [await fetch(client, path, encoding, headers) for path in paths]
            times.append((time.perf_counter() - t0) * 1000)
        total, ms = sum(sizes), statistics.median(times)
        base = base or (total, ms)
        print(
            f"{label:28} {encoding:9} {total / 1024:8.1f} KB ({total / base[0]:.2f}x bytes)  "
            f"{ms:6.2f} ms ({ms / base[1]:.2f}x time)"
        )


async def main() -> None:
    import logging

    logging.disable(logging.INFO)
    async with embedded() as settings:
        async with (
            build_runtime(settings, role="cli") as runtime,
            runtime.db.session() as session,
        ):
            await repository.upsert_candles(session, rows("1h", YEAR_START, 24 * 31, 3600))
        app = create_app(settings.model_copy(update={"frontend_dir": DEFAULT_DIST}))
        async with (
            LifespanManager(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
        ):
            reg = await client.post(
                "/api/auth/register",
                json={"email": "s@example.com", "password": "bench-pass"},
            )
            headers = {"Authorization": f"Bearer {reg.json()['data']['tokens']['accessToken']}"}
            if (DEFAULT_DIST / "index.html").is_file():
                paths = markets_screen(DEFAULT_DIST)
                await measure(client, f"markets screen ({len(paths)} files)", paths, {})
            else:
                print("markets screen: skipped, the web app is not built (make web)")
            await measure(client, "historical 30 d x 1h (JSON)", [HISTORICAL], headers)


if __name__ == "__main__":
    asyncio.run(main())
