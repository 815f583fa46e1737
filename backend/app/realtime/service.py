"""What the app uses of realtime: sending a stored user event, its types, and the gateway's figures."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.bus import Bus
from app.realtime import events
from app.realtime.frames import (
    ALERT_TRIGGERED,
    COMMUNITY_ACTIVITY,
    DAILY_DIGEST,
    PORTFOLIO_UPDATE,
    USER_EVENT_TYPES,
)
from app.realtime.metrics import STATS

__all__ = [
    "ALERT_TRIGGERED",
    "COMMUNITY_ACTIVITY",
    "DAILY_DIGEST",
    "PORTFOLIO_UPDATE",
    "USER_EVENT_TYPES",
    "emit_user_event",
    "emit_user_events",
    "figures",
]


class _Gauges(Protocol):
    def gauges(self) -> dict[str, int]: ...


async def emit_user_event(
    session: AsyncSession, bus: Bus, user_id: int, type_: str, fields: dict[str, Any]
) -> int:
    """Store the event in the caller's transaction and send it to the user's connections after the commit."""
    return await events.emit(session, bus, user_id, type_, fields)


async def emit_user_events(
    session: AsyncSession, bus: Bus, stored: list[tuple[int, str, dict[str, Any]]]
) -> list[int]:
    """Many (user_id, type, fields) stored in one statement and sent after the commit, in order."""
    return await events.emit_many(session, bus, stored)


def figures(hub: _Gauges) -> dict[str, int]:
    """The gateway's figures for readiness: connections, subscriptions, queued frames and its counters."""
    gauges = hub.gauges()
    return {
        "connections": gauges["connections"],
        "subscriptions": gauges["subscriptions"],
        "queuedFrames": gauges["queued_frames"],
        **STATS.snapshot(),
    }
