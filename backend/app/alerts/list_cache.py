"""Which rendering of a user's alert list is current: a token replaced whenever their alerts change."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from app.core.cache import Cache

# A list is rendered again at least this often, whatever happens: a confirmation's reading lapses without
# a write (the engine stopped), and nothing else goes unnoticed longer than this.
LIST_TTL = 30.0
VERSION_TTL = 7 * 86400.0


def _version_key(user_id: int) -> str:
    return f"alerts:list-version:{user_id}"


async def version(cache: Cache, user_id: int) -> str:
    """The user's current list token. A fresh one when none is stored (never a counter starting over, so a
    token that expired or was evicted cannot bring back a rendering made before a change)."""
    found = await cache.get(_version_key(user_id))
    if isinstance(found, str):
        return found
    fresh = uuid.uuid4().hex
    await cache.set(_version_key(user_id), fresh, ttl=VERSION_TTL)
    return fresh


async def changed(cache: Cache, user_ids: Iterable[int]) -> None:
    """These users' alerts were written (and committed): their lists are rendered again from the rows."""
    for user_id in set(user_ids):
        await cache.set(_version_key(user_id), uuid.uuid4().hex, ttl=VERSION_TTL)


def entry_key(user_id: int, token: str) -> str:
    return f"alerts:list:{user_id}:{token}"
