"""The process's infrastructure handles (settings, database, bus, cache, job dispatcher), as one object."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from app.config import Settings
from app.core.bus import Bus
from app.core.cache import Cache
from app.core.db import Database

Role = Literal["api", "worker", "cli"]


class JobDispatcher(Protocol):
    """Hands a committed job to whoever runs it (`core.tasks.dispatch`)."""

    async def dispatch(self, job_id: str) -> None: ...

    async def close(self) -> None: ...


@dataclass
class Runtime:
    settings: Settings
    db: Database
    bus: Bus
    cache: Cache
    jobs: JobDispatcher = field(init=False)
    background: list[asyncio.Task[None]] = field(default_factory=list)
    # Per-process state a domain keeps for the runtime's lifetime (e.g. the users domain's AuthCache).
    memo: dict[str, Any] = field(default_factory=dict)
