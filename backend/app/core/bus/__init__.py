"""Publish/subscribe between components and processes: in-process or Redis pub/sub."""

from app.core.bus.base import Bus, Message, Subscription
from app.core.bus.memory import MemoryBus
from app.core.bus.redis import RedisBus

__all__ = ["Bus", "MemoryBus", "Message", "RedisBus", "Subscription"]
