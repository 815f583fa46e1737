"""Request and response bodies of the alert routes (the seed's, plus frequency, cooldown and expiry)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from app.core.schemas import ApiModel, DbId, JsonObject, RequestModel, UserJsonObject, UtcDateTime
from app.notifications.schemas import ChannelName, Delivery

# Free-form because its keys depend on the condition (docs/API.md lists them per condition).
RULE_OPTIONS = "The condition's options, e.g. indicator, formula, timeframe, window, upper and lower, pattern"

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
    # A candlestick or chart pattern completing on a bar close (metadata.pattern, docs/API.md).
    "PATTERN_DETECTED",
    # Research series, judged every few minutes (docs/API.md): the index, the asset's score, its whales.
    "FEAR_GREED_BELOW",
    "FEAR_GREED_ABOVE",
    "SENTIMENT_BELOW",
    "SENTIMENT_ABOVE",
    "WHALE_MOVEMENTS_ABOVE",
]
Frequency = Literal["ONCE", "EVERY_TIME", "ONCE_PER_BAR", "ONCE_PER_BAR_CLOSE"]
# A portfolio's risk (app.alerts.rules.PORTFOLIO_CONDITIONS): created under /api/portfolios/{id}/alerts.
PortfolioCondition = Literal["ALLOCATION_DRIFT", "DRAWDOWN_BELOW", "VAR_BREACH", "VALUE_ABOVE", "VALUE_BELOW"]
Status = Literal["ACTIVE", "PAUSED", "TRIGGERED", "EXPIRED"]
# Prices must be above 0 (checked with the rule: a formula such as RSI(14) - RSI(28) crosses 0).
Threshold = Annotated[float, Field(allow_inf_nan=False, gt=-1e15, lt=1e15)]
Symbol = Annotated[str, StringConstraints(min_length=1, max_length=30)]
MAX_COOLDOWN = 30 * 24 * 3600


class AlertIn(RequestModel):
    user_id: DbId
    symbol: Symbol
    condition: Condition
    threshold: Threshold | None = Field(
        default=None, description="Required except for channel conditions; none for PATTERN_DETECTED"
    )
    channels: list[ChannelName] = Field(min_length=1, max_length=6)
    metadata: UserJsonObject = Field(default_factory=dict, description=RULE_OPTIONS)
    frequency: Frequency = "ONCE"
    cooldown_seconds: int = Field(default=0, ge=0, le=MAX_COOLDOWN)
    expires_at: UtcDateTime | None = None
    confirm_ticks: int = Field(default=1, ge=1, le=100, description="Prices in a row beyond the level")
    confirm_seconds: float = Field(default=0.0, ge=0, le=3600, description="...for at least this long")


# Keys of a PATCH that always have a value: leaving one out keeps the alert's, null is refused.
_KEPT_UNLESS_SENT = (
    "channels",
    "metadata",
    "frequency",
    "cooldown_seconds",
    "confirm_ticks",
    "confirm_seconds",
)


class AlertPatch(RequestModel):
    """Only the keys sent change; the rule is re-armed from the current price when its level moves."""

    threshold: Threshold | None = None
    channels: list[ChannelName] | None = Field(default=None, min_length=1, max_length=6)
    metadata: UserJsonObject | None = Field(default=None, description=RULE_OPTIONS)
    frequency: Frequency | None = None
    cooldown_seconds: int | None = Field(default=None, ge=0, le=MAX_COOLDOWN)
    expires_at: UtcDateTime | None = Field(default=None, description="null removes the expiry")
    confirm_ticks: int | None = Field(default=None, ge=1, le=100)
    confirm_seconds: float | None = Field(default=None, ge=0, le=3600)

    @field_validator(*_KEPT_UNLESS_SENT, mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Runs only for keys that were sent.
        if value is None:
            raise ValueError("cannot be null; leave the key out to keep it")
        return value


def _in_app() -> list[ChannelName]:
    return ["IN_APP"]


class PortfolioAlertIn(RequestModel):
    """A risk alert on a portfolio, judged on its live value; the same frequency, cooldown, channels,
    history and delivery as a price alert (frequency ONCE or EVERY_TIME: a portfolio has no bars)."""

    condition: PortfolioCondition
    threshold: Threshold | None = Field(
        default=None,
        description="ALLOCATION_DRIFT: the band, in (0, 1) (default: the portfolio's); DRAWDOWN_BELOW: "
        "percent from the peak, in (-100, 0); VALUE_ABOVE/VALUE_BELOW: the value; VAR_BREACH: none",
    )
    symbol: Symbol | None = Field(
        default=None, description="ALLOCATION_DRIFT only: this asset (default: any)"
    )
    channels: list[ChannelName] = Field(default_factory=_in_app, min_length=1, max_length=6)
    frequency: Literal["ONCE", "EVERY_TIME"] = "EVERY_TIME"
    cooldown_seconds: int = Field(default=0, ge=0, le=MAX_COOLDOWN)
    expires_at: UtcDateTime | None = None


class ConfirmationOut(ApiModel):
    """PRICE_ABOVE/PRICE_BELOW with an indicator: the indicator that must confirm the price crossing."""

    indicator: str = Field(description="As shown, defaults filled: RSI(14)")
    timeframe: str = Field(description="Its latest closed bar on this timeframe is read")
    operator: Literal[">=", ">", "<=", "<"]
    value: float
    description: str = Field(description="Both parts: price above 50,000 while RSI(14) 1h >= 70")
    reading: float | None = Field(
        default=None,
        description="The indicator on its latest closed bar, as the engine read it; null: waiting for data "
        "(too little history, or not read yet) — the alert cannot fire until there is one",
    )
    reading_at: UtcDateTime | None = Field(default=None, description="The close time of that bar")


class AlertOut(ApiModel):
    id: int
    user_id: int
    symbol: str
    condition: str
    threshold: float | None
    status: str
    channels: list[str]
    metadata: JsonObject = Field(description=RULE_OPTIONS)
    confirmation: ConfirmationOut | None = Field(
        default=None, description="The indicator confirming a price condition; null for other rules"
    )
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
    metadata: UserJsonObject = Field(default_factory=dict, description=RULE_OPTIONS)
    frequency: Frequency = "EVERY_TIME"
    cooldown_seconds: int = Field(default=0, ge=0, le=MAX_COOLDOWN)
    from_: UtcDateTime | None = Field(default=None, alias="from", description="Default: 30 days before to")
    to: UtcDateTime | None = Field(default=None, description="Default: now")


class BacktestTrigger(ApiModel):
    timestamp: UtcDateTime
    price: float
    value: float
    direction: Literal["UP", "DOWN"]
    returns: dict[str, float | None] = Field(description="Price change after 1h, 24h and 7d (fractions)")


class HorizonSummary(ApiModel):
    judged: int
    mean_return: float | None
    median_return: float | None
    in_direction: float | None


class AlertBacktestOut(ApiModel):
    """When a rule would have fired over stored history, and how the price moved afterwards."""

    symbol: str
    condition: str
    operand: str
    timeframe: str
    evaluated_on: Literal["BAR_CLOSES", "MINUTE_CLOSES"]
    from_: UtcDateTime = Field(alias="from")
    to: UtcDateTime
    bars: int
    count: int = Field(description="Triggers in the range (at most 1000 are listed)")
    triggers: list[BacktestTrigger]
    summary: dict[str, HorizonSummary] = Field(description="Per horizon: 1h, 24h, 7d")


class TriggerOut(ApiModel):
    trigger_id: str
    alert_id: int
    symbol: str
    condition: str
    price: float
    threshold: float | None
    direction: Literal["UP", "DOWN"]
    tick_at: UtcDateTime
    source: str
    fired_at: UtcDateTime
    channels: list[Delivery]


class AlertHistory(ApiModel):
    triggers: list[TriggerOut]
    count: int


class Percentiles(ApiModel):
    p50: float | None
    p99: float | None


class ChannelMetrics(ApiModel):
    sent: int
    delivered: int
    failed: int
    pending: int
    success_rate: float | None
    latency_ms: Percentiles


class Accuracy(ApiModel):
    judged: int
    correct: int
    rate: float | None


class TriggerCounts(ApiModel):
    total: int
    by_symbol: dict[str, int]


class AlertMetrics(ApiModel):
    triggers: TriggerCounts
    channels: dict[str, ChannelMetrics]
    accuracy: dict[str, Accuracy] = Field(description="Per horizon: 1h, 24h")
    from_: UtcDateTime | None = Field(alias="from")
    to: UtcDateTime | None
