"""Request and response bodies of the notification routes."""

from __future__ import annotations

from pydantic import Field

from app.core.schemas import ApiModel, JsonObject, RequestModel, UtcDateTime


class TestIn(RequestModel):
    channel: str


class NotificationOut(ApiModel):
    id: int
    channel: str
    status: str
    alert_id: int | None
    title: str
    attempts: int
    last_response: str | None
    last_error: str | None
    provider_id: str | None
    created_at: UtcDateTime
    sent_at: UtcDateTime | None
    next_attempt_at: UtcDateTime | None
    latency_ms: float | None
    # Free-form: the frame the message was made from (e.g. ALERT_TRIGGERED), whose fields depend on its type.
    event: JsonObject = Field(description="The event this notification tells of, as pushed on the WebSocket")


class NotificationPage(ApiModel):
    notifications: list[NotificationOut]
    total: int
