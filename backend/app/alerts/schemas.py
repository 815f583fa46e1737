"""Request and response bodies of the alert routes (the seed's, plus frequency, cooldown and expiry)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from app.core.schemas import ApiModel, RequestModel, UtcDateTime
from app.notifications.channels.base import ChannelName

Condition = Literal[
    "PRICE_ABOVE",
    "PRICE_BELOW",
    "CROSSING",
    "CROSSING_UP",
    "CROSSING_DOWN",
    "GREATER_THAN",
    "LESS_THAN",
    "ENTERING_CHANNEL",
    "EXITING_CHANNEL",
    "INSIDE_CHANNEL",
    "OUTSIDE_CHANNEL",
    "MOVING_UP",
    "MOVING_DOWN",
    "MOVING_UP_PERCENT",
    "MOVING_DOWN_PERCENT",
    "VOLUME_SPIKE",
]
Frequency = Literal["ONCE", "EVERY_TIME", "ONCE_PER_BAR", "ONCE_PER_BAR_CLOSE"]
Status = Literal["ACTIVE", "PAUSED", "TRIGGERED", "EXPIRED"]
# Prices must be above 0 (checked with the rule: a formula such as RSI(14) - RSI(28) crosses 0).
Threshold = Annotated[float, Field(allow_inf_nan=False, gt=-1e15, lt=1e15)]
Symbol = Annotated[str, StringConstraints(min_length=1, max_length=30)]
MAX_COOLDOWN = 30 * 24 * 3600


class AlertIn(RequestModel):
    user_id: int
    symbol: Symbol
    condition: Condition
    threshold: Threshold | None = Field(default=None, description="Required except for channel conditions")
    channels: list[ChannelName] = Field(min_length=1, max_length=6)
    metadata: dict[str, Any] = Field(default_factory=dict)
    frequency: Frequency = "ONCE"
    cooldown_seconds: int = Field(default=0, ge=0, le=MAX_COOLDOWN)
    expires_at: UtcDateTime | None = None
    confirm_ticks: int = Field(default=1, ge=1, le=100, description="Prices in a row beyond the level")
    confirm_seconds: float = Field(default=0.0, ge=0, le=3600, description="...for at least this long")


class AlertPatch(RequestModel):
    """Only the keys sent change; the rule is re-armed from the current price when its level moves."""

    threshold: Threshold | None = None
    channels: list[ChannelName] | None = Field(default=None, min_length=1, max_length=6)
    metadata: dict[str, Any] | None = None
    frequency: Frequency | None = None
    cooldown_seconds: int | None = Field(default=None, ge=0, le=MAX_COOLDOWN)
    expires_at: UtcDateTime | None = None


class AlertOut(ApiModel):
    id: int
    user_id: int
    symbol: str
    condition: str
    threshold: float | None
    status: str
    channels: list[str]
    metadata: dict[str, Any]
    frequency: str
    cooldown_seconds: int
    expires_at: UtcDateTime | None
    trigger_count: int
    confirm_ticks: int
    confirm_seconds: float
    triggered_at: UtcDateTime | None
    created_at: UtcDateTime
    updated_at: UtcDateTime | None


class AlertList(ApiModel):
    alerts: list[AlertOut]
    total: int
    active: int


class BacktestIn(RequestModel):
    """A rule as POST /api/alerts takes it (no channels), run over [from, to)."""

    symbol: Symbol
    condition: Condition
    threshold: Threshold | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    frequency: Frequency = "EVERY_TIME"
    cooldown_seconds: int = Field(default=0, ge=0, le=MAX_COOLDOWN)
    from_: UtcDateTime | None = Field(default=None, alias="from", description="Default: 30 days before to")
    to: UtcDateTime | None = Field(default=None, description="Default: now")
