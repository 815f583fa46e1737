"""Cache: values, expiry, counters and rate limit windows on both implementations."""

from __future__ import annotations

import pytest

from app.config import Settings
from app.core import ratelimit
from app.core.bootstrap import build_runtime
from app.core.clock import FrozenClock
from app.core.errors import AppError, ErrorCode


async def test_set_get_delete(settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime:
        cache = runtime.cache
        await cache.set("k", {"a": [1, 2.5, "x"]}, ttl=60)
        assert await cache.get("k") == {"a": [1, 2.5, "x"]}
        value = await cache.get("k")
        value["a"].append("mutated")
        assert await cache.get("k") == {"a": [1, 2.5, "x"]}
        await cache.delete("k")
        assert await cache.get("k") is None


async def test_counter_counts_within_its_window(settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime:
        assert [await runtime.cache.incr("c", ttl=60) for _ in range(3)] == [1, 2, 3]


async def test_memory_ttl_follows_the_clock(clock: FrozenClock) -> None:
    from app.core.cache import MemoryCache

    cache = MemoryCache()
    await cache.set("k", 1, ttl=10)
    clock.advance(9.9)
    assert await cache.get("k") == 1
    clock.advance(0.2)
    assert await cache.get("k") is None


async def test_rate_limit_window_resets(settings: Settings, clock: FrozenClock) -> None:
    async with build_runtime(settings, role="cli") as runtime:
        for _ in range(3):
            await ratelimit.hit(runtime.cache, "test", limit=3, window_seconds=60)
        with pytest.raises(AppError) as raised:
            await ratelimit.hit(runtime.cache, "test", limit=3, window_seconds=60)
        assert raised.value.code == ErrorCode.RATE_LIMITED
        assert raised.value.headers and int(raised.value.headers["Retry-After"]) <= 60
        clock.advance(60)
        await ratelimit.hit(runtime.cache, "test", limit=3, window_seconds=60)


async def test_get_many_reads_each_key_as_get_does(settings: Settings) -> None:
    async with build_runtime(settings, role="cli") as runtime:
        cache = runtime.cache
        assert await cache.get_many([]) == []
        live = {"price": 50250.5, "ts": 1767225600, "source": "binance"}
        await cache.set("a", live, ttl=60)
        await cache.set("b", [1, "x"])
        await cache.set("c", None)
        keys = ["a", "missing", "b", "a", "c"]
        got = await cache.get_many(keys)
        assert got == [await cache.get(k) for k in keys]
        assert got == [live, None, [1, "x"], live, None]
        got[0]["price"] = 0  # a copy, as from get
        assert (await cache.get_many(["a"]))[0]["price"] == 50250.5


async def test_get_many_leaves_out_expired_keys(clock: FrozenClock) -> None:
    from app.core.cache import MemoryCache

    cache = MemoryCache()
    await cache.set("short", 1, ttl=10)
    await cache.set("long", 2, ttl=100)
    clock.advance(10)
    assert await cache.get_many(["short", "long"]) == [None, 2]


async def test_pages_are_shared_and_a_process_copy_lives_at_most_a_second_more(
    settings: Settings, clock: FrozenClock
) -> None:
    """A page another process stored is read; Redis' copy going (a TTL, eviction) is seen within a second.
    Embedded, the one process is both."""
    cluster = settings.redis_url is not None
    async with build_runtime(settings, role="cli") as writer, build_runtime(settings, role="cli") as other:
        reader = other if cluster else writer
        await writer.cache.set_page("page:v1", '{"data":[1]}', ttl=60)
        assert await reader.cache.get_page("page:v1") == '{"data":[1]}'
        assert await reader.cache.get_page("page:none") is None
        await writer.cache.set("not-a-page", {"a": 1}, ttl=60)
        assert await reader.cache.get_page("not-a-page") is None

        await writer.cache.delete("page:v1")
        assert await reader.cache.get_page("page:v1") == ('{"data":[1]}' if cluster else None)
        clock.advance(1.01)
        assert await reader.cache.get_page("page:v1") is None

        await reader.cache.set_page("short", "x", ttl=0.2)  # never held longer than its own TTL
        await writer.cache.delete("short")
        clock.advance(0.21)
        assert await reader.cache.get_page("short") is None
