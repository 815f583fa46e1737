"""Key/value cache with expiry and counters: in-process or Redis."""

from app.core.cache.base import Cache
from app.core.cache.memory import MemoryCache
from app.core.cache.redis import RedisCache

__all__ = ["Cache", "MemoryCache", "RedisCache"]
