"""Alerts on the research series, judged every few minutes: Fear & Greed, an asset's sentiment score over the
last 24 hours, and its whale movements over the last 24 hours; firings recorded by the alert service."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from app.alerts import service as alerts_service
from app.analysis.research import fundamentals, onchain, social
from app.analysis.research.provenance import Findings, Origin
from app.analysis.research.providers import Providers, Unavailable
from app.core.clock import isoformat_z, utcnow
from app.market import service as market_service
from app.notifications.schemas import Message

if TYPE_CHECKING:
    from app.alerts.service import Alert
    from app.core.runtime import Runtime
    from app.market.service import Asset

log = logging.getLogger(__name__)
DAY = 86400
LABELS = {"FEAR_GREED": "Fear & Greed", "SENTIMENT": "Sentiment", "WHALE_MOVEMENTS": "Whale movements"}


@dataclass(frozen=True, slots=True)
class Measured:
    value: float
    origin: Origin
    text: str  # "47 (Neutral)"


async def measure(providers: Providers, series: str, asset: Asset) -> Measured | None:
    """The series' latest figure for `asset` (Fear & Greed is market-wide); None when it has none now."""
    if series == "FEAR_GREED":
        readings, origin = await social.fear_greed(providers, 1)
        latest = readings[0]
        return Measured(float(latest["value"]), origin, f"{latest['value']} ({latest['classification']})")
    if series == "SENTIMENT":
        end = utcnow().timestamp()
        posts, origins, _ = await social.posts(providers, asset, end - DAY, end)
        if not posts or not origins:
            return None
        score = sum(p["score"] for p in posts) / len(posts)
        oldest = min(origins.values(), key=lambda o: o.as_of)
        return Measured(round(score, 4), oldest, f"{score:.2f} over {len(posts)} posts")
    found = Findings()
    await fundamentals.gather(providers, asset, {"COINGECKO", "COINMARKETCAP"}, found)
    end = utcnow().timestamp()
    moves, read, _ = await onchain.whales(
        providers, asset, found.get("price"), end - DAY, end, providers.settings.exchange_addresses_file
    )
    if read is None:
        return None
    return Measured(float(len(moves)), read, f"{len(moves)} transfers of at least the whale threshold")


def holds(condition: str, value: float, threshold: float) -> bool:
    return value < threshold if condition.endswith("_BELOW") else value > threshold


def message(alert: Alert, measured: Measured, at: datetime) -> Message:
    """The seed's ALERT_TRIGGERED, with the series, its source and as-of time."""
    series = alerts_service.series_of(alert.condition)
    threshold = float(alert.threshold or 0)
    side = "below" if alert.condition.endswith("_BELOW") else "above"
    subject = LABELS[series] if series == "FEAR_GREED" else f"{alert.symbol} {LABELS[series].lower()}"
    as_of = datetime.fromtimestamp(measured.origin.as_of, UTC)
    event = {
        "type": "ALERT_TRIGGERED",
        "alertId": alert.id,
        "symbol": alert.symbol,
        "currentPrice": measured.value,
        "threshold": threshold,
        "timestamp": isoformat_z(at),
        "direction": "DOWN" if side == "below" else "UP",
        "condition": alert.condition,
        "series": series,
        "source": measured.origin.source,
        "asOf": isoformat_z(as_of),
        "mode": "snapshot" if measured.origin.snapshot else "live",
    }
    snapshot = " (bundled snapshot, not live)" if measured.origin.snapshot else ""
    source = f"{measured.origin.source}, as of {as_of:%Y-%m-%d %H:%M} UTC{snapshot}"
    body = f"{subject} is {measured.text}, {side} {threshold:g}: {source}."
    fields = {
        "Measured": measured.text,
        "Level": f"{threshold:g}",
        "Source": measured.origin.source + snapshot,
    }
    return Message(title=f"{subject} {side} {threshold:g}", body=body, fields=fields, event=event)


async def judge(runtime: Runtime) -> list[int]:
    """One pass over the ACTIVE series alerts; returns the ids that fired."""
    async with runtime.db.session() as session:
        alerts = await alerts_service.series_alerts(session)
        assets = {a.symbol: await market_service.resolve(session, a.symbol) for a in alerts}
    if not alerts:
        return []
    providers = Providers(runtime.settings, runtime.cache)
    now = utcnow()
    measured: dict[tuple[str, str], Measured | None] = {}
    firings, rearmed, expired = [], [], []
    for alert in alerts:
        if alert.expires_at is not None and alert.expires_at <= now:
            expired.append(alert.id)
            continue
        series = alerts_service.series_of(alert.condition)
        key = (series, "" if series == "FEAR_GREED" else alert.symbol)
        if key not in measured:
            try:
                measured[key] = await measure(providers, series, assets[alert.symbol])
            except Unavailable as exc:
                log.warning("series alerts: %s of %s unavailable: %s", series, alert.symbol, exc.reason)
                measured[key] = None
        reading = measured[key]
        if reading is None or alert.threshold is None:
            continue
        if not holds(alert.condition, reading.value, float(alert.threshold)):
            if not alert.armed:
                rearmed.append(alert.id)
            continue
        cooling = (
            alert.triggered_at is not None
            and alert.triggered_at + timedelta(seconds=alert.cooldown_seconds) > now
        )
        if alert.armed and not cooling:
            firings.append(
                alerts_service.Firing(
                    alert.id, reading.value, float(alert.threshold), message(alert, reading, now), now
                )
            )
    if not (firings or rearmed or expired):
        return []
    async with runtime.db.session() as session:
        return await alerts_service.record_firings(
            session, runtime.cache, runtime.bus, firings, rearmed, expired, "research"
        )
