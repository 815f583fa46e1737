"""Account security benchmark: what sessions, API keys and two-factor sign-in cost a request.

Prints, for the embedded deployment and (when PostgreSQL and Redis answer) the cluster one: GET /api/users/me
with a session's access token and with a scoped API key, against GET /health/live of the same app; a
password sign-in against a sign-in with a TOTP code; and a code check against one HMAC-SHA1.
Run: backend/.venv/bin/python bench/security.py
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pyotp
from asgi_lifespan import LifespanManager
from support import embedded, postgres

from app.config import Settings
from app.core.clock import FrozenClock, set_clock, utcnow
from app.main import create_app
from app.users import two_factor

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000"))
SIGN_INS = int(os.environ.get("BENCH_SIGN_INS", "20"))
REDIS = "redis://127.0.0.1:6379/14"


async def timed(call: Callable[[], Awaitable[httpx.Response]], n: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    queue = iter(range(n))

    async def worker() -> None:
        for _ in queue:
            start = time.perf_counter()
            response = await call()
            latencies.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.text

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def line(label: str, what: str, latencies: list[float], reference: float | None = None) -> float:
    p50 = statistics.median(latencies)
    ratio = f"  ({p50 / reference:.2f}x reference)" if reference else ""
    p95 = sorted(latencies)[int(0.95 * (len(latencies) - 1))]
    print(f"{label:9} {what:44} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms{ratio}")
    return p50


async def bench(label: str, settings: Settings, clock: FrozenClock) -> None:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        email = f"bench-{uuid.uuid4().hex[:6]}@example.com"
        creds = {"email": email, "password": "bench-password"}
        reg = (await client.post("/api/auth/register", json=creds)).json()["data"]
        bearer = {"Authorization": f"Bearer {reg['tokens']['accessToken']}"}
        key = await client.post(
            "/api/users/me/api-keys",
            headers=bearer,
            json={"name": "bench", "scopes": ["account:read"]},
        )
        api_key = {"X-API-Key": key.json()["data"]["key"]}
        for concurrency in (1, 16):
            ref = line(
                label,
                f"GET /health/live c={concurrency}",
                await timed(lambda: client.get("/health/live"), REQUESTS, concurrency),
            )
            for credential, headers in (("session token", bearer), ("API key", api_key)):
                latencies = await timed(
                    lambda h=headers: client.get("/api/users/me", headers=h), REQUESTS, concurrency
                )
                line(label, f"GET /api/users/me, {credential} c={concurrency}", latencies, ref)
        password_only = line(
            label,
            "sign-in, password",
            await timed(lambda: client.post("/api/auth/login", json=creds), SIGN_INS, 1),
        )
        setup = (await client.post("/api/users/me/2fa/setup", headers=bearer)).json()["data"]
        totp = pyotp.TOTP(setup["secret"])
        enabled = await client.post(
            "/api/users/me/2fa/enable", headers=bearer, json={"code": totp.at(utcnow())}
        )
        assert enabled.status_code == 200, enabled.text

        async def with_code() -> httpx.Response:
            clock.advance(30)  # a code is accepted once per 30-s step
            step = (await client.post("/api/auth/login", json=creds)).json()["data"]
            body = {"challengeToken": step["challengeToken"], "code": totp.at(utcnow())}
            return await client.post("/api/auth/login/2fa", json=body)

        line(
            label,
            "sign-in, password then TOTP code",
            await timed(with_code, SIGN_INS, 1),
            password_only,
        )


def bench_code_check() -> None:
    secret = pyotp.random_base32(32)
    code, now, n = pyotp.TOTP(secret).now(), utcnow(), 20_000
    start = time.perf_counter()
    for _ in range(n):
        two_factor.matching_step(secret, code, now)
    check = (time.perf_counter() - start) / n * 1e6
    key = base64.b32decode(secret)
    start = time.perf_counter()
    for i in range(n):
        hmac.new(key, i.to_bytes(8, "big"), hashlib.sha1).digest()
    one = (time.perf_counter() - start) / n * 1e6
    print(
        f"{'any':9} {'TOTP code check (3 steps, constant time)':44} {check:7.2f} us  "
        f"({check / one:.1f}x one HMAC-SHA1, {one:.2f} us)"
    )


async def main() -> None:
    import logging

    logging.disable(logging.INFO)
    clock = FrozenClock(utcnow() - timedelta(days=1))  # behind the wall clock: JWTs refuse a future iat
    set_clock(clock)
    bench_code_check()
    async with embedded(login_ip_limit=10**6, login_account_limit=10**6) as settings:
        await bench("embedded", settings, clock)
    overrides = {
        "login_ip_limit": 10**6,
        "login_account_limit": 10**6,
        "redis_url": REDIS,
    }
    async with postgres(namespace=f"bench{os.getpid()}", **overrides) as settings:
        if settings is not None:
            await bench("cluster", settings, clock)


if __name__ == "__main__":
    asyncio.run(main())
