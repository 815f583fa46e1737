"""The notification of a trigger: its title, body and fields, and the seed's ALERT_TRIGGERED event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.alerts.engine import Rule
from app.alerts.pattern_rules import PatternRule
from app.alerts.rules import RISES
from app.core.clock import isoformat_z
from app.notifications.schemas import Message


def trigger_message(
    rule: Rule, price: float, tick_at: datetime, bar: tuple[float, bool] | None = None
) -> Message:
    """What the user is told of `rule` firing at `price` (a bar rule: `bar` is the operand's value and
    whether it rose)."""
    if bar is not None and rule.bar is not None and rule.bar.pattern is not None:
        return _pattern_message(rule, rule.bar.pattern, price, tick_at, bar[0])
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


def _pattern_message(
    rule: Rule, pattern: PatternRule, price: float, closed_at: datetime, signal: float
) -> Message:
    """PATTERN_DETECTED: "BTC-USD: Engulfing (bullish) on the 1h bar closing 2025-01-03 14:00 UTC"."""
    found = pattern.describe(signal)
    bar = f"the {pattern.timeframe} bar closing {closed_at:%Y-%m-%d %H:%M} UTC"
    event: dict[str, Any] = {
        "type": "ALERT_TRIGGERED",
        "alertId": rule.id,
        "symbol": rule.symbol,
        "currentPrice": price,
        "threshold": None,
        "timestamp": isoformat_z(closed_at),
        "direction": "UP" if signal > 0 else "DOWN",
        "condition": rule.condition,
        "pattern": pattern.pattern,
        "timeframe": pattern.timeframe,
        "indicatorValue": signal,
        "summary": f"{found} on {bar}",
    }
    fields = {
        "Pattern": found,
        "Timeframe": pattern.timeframe,
        "Signal": f"{signal:+,.0f}",
        "Close": f"{price:,.8g}",
        "Condition": rule.condition,
    }
    return Message(
        title=f"{rule.symbol}: {found} ({pattern.timeframe})",
        body=f"{rule.symbol}: {found} on {bar}, close {price:,.8g}",
        fields=fields,
        event=event,
    )
