"""The notification of a trigger: its title, body and fields, and the seed's ALERT_TRIGGERED event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.alerts.engine import Rule
from app.alerts.rules import RISES
from app.core.clock import isoformat_z
from app.notifications.schemas import Message


def trigger_message(
    rule: Rule, price: float, tick_at: datetime, bar: tuple[float, bool] | None = None
) -> Message:
    """What the user is told of `rule` firing at `price` (a bar rule: `bar` is the operand's value and
    whether it rose)."""
    rises = rule.condition in RISES or (rule.condition == "CROSSING" and price >= rule.level)
    value, subject = price, rule.symbol
    if bar is not None and rule.bar is not None:
        value, rises = bar
        subject = f"{rule.symbol} {rule.bar.operand} ({rule.bar.timeframe})"
    verb = "rose to" if rises else "fell to"
    condition = rule.condition.replace("_", " ").lower()
    level = f"{rule.level:,.8g}"
    if rule.confirm is not None:  # both parts: "price above 50,000 while RSI(14) 1h >= 70"
        condition, level = rule.confirm.confirmation.describe(rule.condition, rule.level), ""
    event: dict[str, Any] = {
        "type": "ALERT_TRIGGERED",
        "alertId": rule.id,
        "symbol": rule.symbol,
        "currentPrice": price,
        "threshold": rule.level,
        "timestamp": isoformat_z(tick_at),
        "direction": "UP" if rises else "DOWN",
    }
    fields = {"Price": f"{price:,.8g}", "Threshold": f"{rule.level:,.8g}", "Condition": rule.condition}
    if bar is not None and rule.bar is not None:
        fields["Value"] = f"{value:,.8g}"
        event["indicatorValue"] = value
    if rule.confirm is not None:
        fields["Confirmed by"] = rule.confirm.confirmation.test
    rule_text = f"{condition} {level}".rstrip()
    return Message(
        title=f"{subject} {'up' if rises else 'down'}: {rule_text}",
        body=f"{subject} {verb} {value:,.8g} ({rule_text})",
        fields=fields,
        event=event,
    )
