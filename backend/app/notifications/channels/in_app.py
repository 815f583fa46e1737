"""IN_APP: the user's inbox and open WebSocket/SSE connections, as a stored ALERT_TRIGGERED-style event."""

from __future__ import annotations

from typing import Any

from app.core.runtime import Runtime
from app.notifications.channels.base import Message, Missing, Outcome, RateLimit, Target
from app.realtime.service import ALERT_TRIGGERED, USER_EVENT_TYPES, emit_user_event

SEED_ALERT_FIELDS = ("alertId", "symbol", "currentPrice", "threshold", "timestamp")
# Ours beside the seed's: the move's way (UP/DOWN, as stored on the trigger) and a bar rule's operand value.
# A portfolio risk alert's adds its portfolio, the condition and what it measured (docs/API.md).
ALERT_EXTRA_FIELDS = ("direction", "indicatorValue", "portfolioId", "portfolioName", "condition", "summary")


class InAppChannel:
    name = "IN_APP"
    rate_limit: RateLimit | None = None

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def target(self, channels: dict[str, Any]) -> Target | Missing:
        return Target(str(channels["user_id"]))  # every user has an inbox

    async def send(self, target: Target, message: Message) -> Outcome:
        event = dict(message.event)
        type_ = event.pop("type", ALERT_TRIGGERED)
        if type_ not in USER_EVENT_TYPES:
            type_ = ALERT_TRIGGERED
        user_id = int(target.address)
        # An alert's event goes out as the seed's frame plus our documented fields; others (a test) carry
        # their text.
        if "alertId" in event:
            fields = {key: event[key] for key in (*SEED_ALERT_FIELDS, *ALERT_EXTRA_FIELDS) if key in event}
        else:
            fields = {**event, "title": message.title, "body": message.body}
        async with self._runtime.db.session() as session:
            event_id = await emit_user_event(session, self._runtime.bus, user_id, type_, fields)
        return Outcome.ok(f"event {event_id}", provider_id=str(event_id))
