"""The portfolios' risk alerts, judged on live values: the watcher marks the portfolios a price moved, and
every JUDGE_SECONDS their ACTIVE risk alerts (risk_rules.py) are judged on the Revaluer's values; firings,
re-arms and expiries are recorded through the alert service (triggers, channels, history)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from app.alerts import service as alerts_service
from app.alerts.service import PORTFOLIO_SYMBOL, Alert
from app.core.clock import isoformat_z, utcnow
from app.core.runtime import Runtime
from app.notifications.schemas import Message
from app.portfolio import analysis, repository, service
from app.portfolio.revaluer import Revaluer
from app.portfolio.risk_rules import Baseline, Judged, PortfolioRule, Reading, State, judge

log = logging.getLogger(__name__)
JUDGE_SECONDS = 0.25  # a moved portfolio's alerts are judged within this long (at most once per period)
LABELS = {
    "ALLOCATION_DRIFT": "allocation drift",
    "DRAWDOWN_BELOW": "drawdown",
    "VAR_BREACH": "loss beyond VaR",
    "VALUE_ABOVE": "value above",
    "VALUE_BELOW": "value below",
}


@dataclass(slots=True)
class _Watched:
    name: str
    owner: int
    targets: dict[str, float]
    band: float
    baseline: Baseline


def rule_of(alert: Alert) -> PortfolioRule:
    portfolio_id = alerts_service.portfolio_of(alert)
    assert portfolio_id is not None
    return PortfolioRule(
        alert.id,
        portfolio_id,
        alert.condition,
        float(alert.threshold) if alert.threshold is not None else None,
        None if alert.symbol == PORTFOLIO_SYMBOL else alert.symbol,
        alert.frequency,
        float(alert.cooldown_seconds),
        alert.expires_at,
        alert.armed,
        alert.triggered_at,
    )


class RiskWatch:
    def __init__(self, runtime: Runtime, revaluer: Revaluer) -> None:
        self.runtime = runtime
        self.revaluer = revaluer
        self.rules: dict[int, dict[int, PortfolioRule]] = defaultdict(dict)  # portfolio -> alert -> rule
        self.watched: dict[int, _Watched] = {}
        self.dirty: set[int] = set()
        self.day: date = utcnow().date()

    async def load(self) -> None:
        """Every ACTIVE risk alert, and what its portfolio is measured against."""
        async with self.runtime.db.session() as session:
            alerts = await alerts_service.portfolio_alerts(session, None)
        self.rules.clear()
        for alert in alerts:
            rule = rule_of(alert)
            self.rules[rule.portfolio_id][rule.alert_id] = rule
        await self.portfolios_changed(set(self.rules))

    async def alert_changed(self, alert_id: int) -> None:
        """An alert was created, changed or deleted: take its row as it is now (when it is a risk alert)."""
        for rules in self.rules.values():
            rules.pop(alert_id, None)
        async with self.runtime.db.session() as session:
            alert = await session.get(Alert, alert_id)
        if (
            alert is None
            or alerts_service.portfolio_of(alert) is None
            or alert.status != alerts_service.ACTIVE
        ):
            return
        rule = rule_of(alert)
        self.rules[rule.portfolio_id][rule.alert_id] = rule
        if rule.portfolio_id not in self.watched:
            await self.portfolios_changed({rule.portfolio_id})
        self.dirty.add(rule.portfolio_id)

    async def portfolios_changed(self, portfolio_ids: set[int]) -> None:
        """These portfolios' targets, band or holdings changed (or they were deleted): measure them again."""
        watched = {p for p in portfolio_ids if self.rules.get(p)}
        for portfolio_id in portfolio_ids - watched:
            self.watched.pop(portfolio_id, None)
        if not watched:
            return
        async with self.runtime.db.session() as session:
            rows = {r.id: r for r in await repository.portfolios_by_id(session, watched)}
            for portfolio_id in watched:
                row, worth = rows.get(portfolio_id), self.revaluer.worth(portfolio_id)
                if row is None:
                    self.watched.pop(portfolio_id, None)
                    continue
                held = {s: Decimal(str(q)) for s, q in (worth[2] if worth else {}).items()}
                self.watched[portfolio_id] = _Watched(
                    row.name,
                    row.user_id,
                    {s: float(w) for s, w in service.targets_of(row).items()},
                    float(service.band_of(row)),
                    await analysis.baseline(session, self.runtime, held),
                )
        self.dirty |= watched

    def moved(self, symbol: str) -> None:
        """A price of `symbol` moved: its holders' alerts are judged at the next pass."""
        self.dirty.update(p for p in self.revaluer.holders(symbol) if self.rules.get(p))

    async def judge_moved(self) -> list[int]:
        """Judge the alerts of the portfolios that moved since the last pass (all of them when a UTC day
        closed: the baseline moved on); returns the ids of the alerts that fired."""
        now = utcnow()
        if now.date() != self.day:
            self.day = now.date()
            await self.portfolios_changed(set(self.rules))
        dirty, self.dirty = self.dirty, set()
        judged = Judged()
        names: dict[int, tuple[int, str]] = {}
        before: dict[int, tuple[bool, datetime | None]] = {}  # each judged rule's state, to undo a lost write
        for portfolio_id in dirty:
            watched, worth = self.watched.get(portfolio_id), self.revaluer.worth(portfolio_id)
            rules = self.rules.get(portfolio_id)
            if watched is None or worth is None or not rules:
                continue
            before.update({r.alert_id: (r.armed, r.last_fired) for r in rules.values()})
            value, values, _ = worth
            weights = {s: v / value for s, v in values.items()} if value > 0 else {}
            state = State(value, weights, watched.targets, watched.band, watched.baseline)
            judge(list(rules.values()), state, now, judged)
            names[portfolio_id] = (watched.owner, watched.name)
        if not (judged.fired or judged.rearmed or judged.expired):
            return []
        done = {rule.alert_id for rule, _ in judged.fired if rule.frequency == "ONCE"} | set(judged.expired)
        dropped = [r for rules in self.rules.values() for r in rules.values() if r.alert_id in done]
        for rule in dropped:
            self.rules[rule.portfolio_id].pop(rule.alert_id, None)
        firings = [
            alerts_service.Firing(
                rule.alert_id,
                reading.measured,
                reading.level,
                message(rule, reading, names[rule.portfolio_id][1], now),
                now,
            )
            for rule, reading in judged.fired
        ]
        try:
            async with self.runtime.db.session() as session:
                return await alerts_service.record_firings(
                    session,
                    self.runtime.cache,
                    self.runtime.bus,
                    firings,
                    judged.rearmed,
                    judged.expired,
                    "PORTFOLIO",
                )
        except Exception:
            # Not stored (the database is down...): the rules go back as they were, to be judged again at the
            # next pass, so a breach is never lost.
            for rule in dropped:
                self.rules[rule.portfolio_id][rule.alert_id] = rule
            for rules in self.rules.values():
                for rule in rules.values():
                    if rule.alert_id in before:
                        rule.armed, rule.last_fired = before[rule.alert_id]
            self.dirty |= dirty
            raise


def message(rule: PortfolioRule, reading: Reading, name: str, at: datetime) -> Message:
    """What the owner is told of a risk alert firing; its event is the seed's ALERT_TRIGGERED plus the
    portfolio's id and name, the condition and what it measured."""
    label = LABELS[rule.condition]
    subject = rule.symbol or PORTFOLIO_SYMBOL
    event = {
        "type": "ALERT_TRIGGERED",
        "alertId": rule.alert_id,
        "symbol": subject,
        "currentPrice": reading.measured,
        "threshold": reading.level,
        "timestamp": isoformat_z(at),
        "direction": "UP" if reading.up else "DOWN",
        "portfolioId": rule.portfolio_id,
        "portfolioName": name,
        "condition": rule.condition,
        "summary": reading.text,
    }
    fields = {"Portfolio": name, "Condition": rule.condition, "Measured": f"{reading.measured:,.6g}"}
    if reading.level is not None:
        fields["Level"] = f"{reading.level:,.6g}"
    return Message(title=f"{name}: {label}", body=f"{name}: {reading.text}", fields=fields, event=event)
