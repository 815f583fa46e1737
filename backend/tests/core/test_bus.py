"""Publish/subscribe: in-process and Redis, channels and patterns, and across OS processes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

from app.config import Settings
from app.core.bootstrap import build_runtime
from tests.conftest import REDIS_URL


async def test_channels_and_patterns(settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime:
        bus = runtime.bus
        async with bus.subscribe("prices:BTC-USD", patterns=("user:*",)) as sub:
            await bus.publish("prices:ETH-USD", {"ignored": True})
            await bus.publish("prices:BTC-USD", {"price": 50250.5})
            await bus.publish("user:7", {"type": "ALERT_TRIGGERED"})
            first = await sub.get(timeout=2)
            second = await sub.get(timeout=2)
            assert (
                first is not None and first.channel == "prices:BTC-USD" and first.data == {"price": 50250.5}
            )
            assert second is not None and second.channel == "user:7"
            assert await sub.get(timeout=0.2) is None


async def test_unsubscribed_after_context(settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime:
        async with runtime.bus.subscribe("a"), runtime.bus.subscribe(patterns=("a*",)):
            assert await runtime.bus.publish("a", {"x": 1}) == 2
        assert await runtime.bus.publish("a", {"x": 2}) == 0


async def test_message_crosses_os_processes_through_redis(namespace: str) -> None:
    settings = Settings(
        _env_file=None,
        redis_url=REDIS_URL,
        namespace=namespace,
        secret_key="k" * 40,
        database_url="sqlite+aiosqlite:///:memory:",
    )
    publisher = textwrap.dedent(f"""
        import asyncio
        from app.core.bus import RedisBus

        async def main():
            bus = RedisBus({REDIS_URL!r}, {namespace!r})
            for _ in range(50):  # until the subscriber is listening
                await bus.publish("user:42", {{"type": "PORTFOLIO_UPDATE", "from": "other process"}})
                await asyncio.sleep(0.1)
            await bus.close()

        asyncio.run(main())
    """)
    async with (
        build_runtime(settings, role="cli") as runtime,
        runtime.bus.subscribe(patterns=("user:*",)) as sub,
    ):
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", publisher, stderr=subprocess.PIPE
        )
        try:
            message = await sub.get(timeout=10)
        finally:
            process.kill()
            await process.wait()
    assert message is not None
    assert message.channel == "user:42"
    assert message.data == {"type": "PORTFOLIO_UPDATE", "from": "other process"}
