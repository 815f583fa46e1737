"""Alert use cases: create, list, read, change, pause/resume and delete a user's alert rules."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import BindParameter, bindparam, func, select
from sqlalchemy import update as sa_update
from sqlalchemy.ext.asyncio import AsyncSession

from app.alerts import confirm, external, list_cache, operands, pattern_rules
from app.alerts.external import Firing
from app.alerts.models import Alert, AlertTrigger
from app.alerts.operands import BarRule, Confirmed, invalid
from app.alerts.rules import (
    ACTIVE,
    EXPIRED,
    PATTERNS,
    PAUSED,
    PORTFOLIO_CONDITIONS,
    PORTFOLIO_SYMBOL,
    SERIES_CONDITIONS,
    TRIGGERED,
    arms_on_create,
)
from app.alerts.schemas import AlertIn, AlertList, AlertOut, AlertPatch, ConfirmationOut, PortfolioAlertIn
from app.core.bus import Bus
from app.core.bus.messages import ALERTS_CHANGED, AlertChanged
from app.core.cache import Cache
from app.core.cached_json import CachedJson
from app.core.clock import utcnow
from app.core.db import after_commit
from app.core.errors import AppError, ErrorCode, not_found
from app.core.types import UTCDateTime
from app.indicators.service import definitions_of, resolver
from app.market import service as market_service
from app.notifications import service as notifier_service
from app.notifications.service import Notifier
from app.users.service import User

# Re-exported for the portfolio domain, which judges its own risk alerts (app.portfolio.risk_watch).
__all__ = [
    "ACTIVE",
    "EXPIRED",
    "PAUSED",
    "PORTFOLIO_SYMBOL",
    "SERIES_CONDITIONS",
    "TRIGGERED",
    "Alert",
    "Firing",
    "record_firings",
    "series_of",
]
record_firings = external.record
series_of = external.series_of


def reading_key(alert_id: int) -> str:
    """Where the worker leaves what a confirmed price rule's indicator read last (for the API to show)."""
    return f"alerts:reading:{alert_id}"


async def _reading(cache: Cache, alert_id: int) -> dict[str, Any] | None:
    found = await cache.get(reading_key(alert_id))
    return found if isinstance(found, dict) else None


async def readings_of(cache: Cache, alerts: list[Alert]) -> dict[int, dict[str, Any]]:
    """The last indicator readings of those alerts that are confirmed price rules (one read each)."""
    out: dict[int, dict[str, Any]] = {}
    for alert in alerts:
        if confirm.of_metadata(alert.condition, alert.rule) is not None:
            found = await _reading(cache, alert.id)
            if found is not None:
                out[alert.id] = found
    return out


async def with_confirmations(cache: Cache, alerts: list[AlertOut]) -> list[AlertOut]:
    """Listed alerts with the confirmation of those that are confirmed price rules (one cache read each)."""
    shown = []
    for alert in alerts:
        if confirm.of_metadata(alert.condition, alert.metadata) is not None:
            reading = await _reading(cache, alert.id)
            confirmation = _confirmation(alert.condition, alert.metadata, alert.threshold, reading)
            alert = alert.model_copy(update={"confirmation": confirmation})
        shown.append(alert)
    return shown


def _confirmation(
    condition: str, rule: dict[str, Any], threshold: float | None, reading: dict[str, Any] | None
) -> ConfirmationOut | None:
    confirmation = confirm.of_metadata(condition, rule)
    if confirmation is None or threshold is None:
        return None
    return ConfirmationOut(
        indicator=confirmation.operand,
        timeframe=confirmation.timeframe,
        operator=confirmation.operator,
        value=confirmation.value,
        description=confirmation.describe(condition, threshold),
        reading=(reading or {}).get("value"),
        reading_at=datetime.fromtimestamp(reading["barClosedAt"], UTC) if reading else None,
    )


def to_out(alert: Alert, reading: dict[str, Any] | None = None) -> AlertOut:
    """The alert as the API shows it; `reading`: what its confirming indicator read last (readings_of)."""
    threshold = float(alert.threshold) if alert.threshold is not None else None
    return AlertOut(
        id=alert.id,
        user_id=alert.user_id,
        symbol=alert.symbol,
        condition=alert.condition,
        threshold=threshold,
        status=alert.status,
        channels=alert.channels,
        metadata=alert.rule,
        confirmation=_confirmation(alert.condition, alert.rule, threshold, reading),
        frequency=alert.frequency,
        cooldown_seconds=alert.cooldown_seconds,
        expires_at=alert.expires_at,
        trigger_count=alert.trigger_count,
        confirm_ticks=alert.confirm_ticks,
        confirm_seconds=alert.confirm_seconds,
        triggered_at=alert.triggered_at,
        created_at=alert.created_at,
        updated_at=alert.updated_at,
    )


async def check_rule(
    session: AsyncSession,
    user_id: int,
    condition: str,
    threshold: float | None,
    metadata: dict[str, Any],
    frequency: str,
) -> BarRule | Confirmed | None:
    """The rule the alert describes (None: a price rule on ticks; Confirmed: one confirmed by an indicator);
    a 422 naming the field if it is not one. A portfolio condition is judged by the portfolio watcher."""
    if condition in PORTFOLIO_CONDITIONS:
        external.check_portfolio_rule(condition, threshold)
        return None
    if condition in SERIES_CONDITIONS:
        external.check_series_rule(condition, threshold, frequency)
        return None
    uses_formula = "indicator" in metadata or "formula" in metadata
    resolve = resolver(await definitions_of(session, user_id)) if uses_formula else None
    return operands.build(condition, threshold, metadata, frequency, resolve)


def _saved(condition: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """The metadata stored (checked already): a pattern rule's with its name canonical and its defaults
    filled, so the alert shows what is judged."""
    if condition in PATTERNS:
        return {**metadata, **pattern_rules.of_metadata(metadata).metadata()}
    return metadata


def _check_channels(notifier: Notifier, user: User, channels: list[str]) -> None:
    for name in channels:
        missing = notifier_service.missing(notifier, user, name)
        if missing is not None:
            raise invalid(missing, "channels")


async def _reference(cache: Cache, symbol: str) -> float | None:
    cached = await cache.get(f"price:{symbol}")
    price = cached.get("price") if isinstance(cached, dict) else None
    return float(price) if isinstance(price, int | float) else None


def _changed(session: AsyncSession, cache: Cache, bus: Bus, alert: Alert) -> None:
    """Once committed: the engine takes the row as it is now, and the owner's list is rendered again."""
    alert_id, user_id, portfolio_id = alert.id, alert.user_id, portfolio_of(alert)

    async def publish() -> None:
        await list_cache.changed(cache, [user_id])
        await bus.publish(ALERTS_CHANGED, AlertChanged(alert_id, portfolio_id).encode())

    after_commit(session, publish)


async def validate(session: AsyncSession, notifier: Notifier, owner: User, body: AlertIn) -> str:
    """The checks POST /api/alerts makes before it creates anything (a 4xx naming the field); the canonical
    symbol."""
    asset = await market_service.resolve(session, body.symbol)
    await check_rule(session, owner.id, body.condition, body.threshold, body.metadata, body.frequency)
    if body.expires_at is not None and body.expires_at <= utcnow():
        raise invalid("expiresAt must be in the future", "expiresAt")
    _check_channels(notifier, owner, list(body.channels))
    return asset.symbol


async def create(
    session: AsyncSession, cache: Cache, bus: Bus, notifier: Notifier, owner: User, body: AlertIn
) -> Alert:
    symbol = await validate(session, notifier, owner, body)
    reference = await _reference(cache, symbol)
    now = utcnow()
    alert = Alert(
        user_id=owner.id,
        symbol=symbol,
        condition=body.condition,
        threshold=None if body.threshold is None else Decimal(str(body.threshold)),
        status=ACTIVE,
        channels=list(dict.fromkeys(body.channels)),
        rule=_saved(body.condition, body.metadata),
        frequency=body.frequency,
        cooldown_seconds=body.cooldown_seconds,
        expires_at=body.expires_at,
        trigger_count=0,
        confirm_ticks=body.confirm_ticks,
        confirm_seconds=body.confirm_seconds,
        reference_price=reference,
        armed=body.threshold is None or arms_on_create(body.condition, body.threshold, reference),
        created_at=now,
    )
    session.add(alert)
    await session.flush()
    _changed(session, cache, bus, alert)
    return alert


async def create_portfolio_alert(
    session: AsyncSession,
    cache: Cache,
    bus: Bus,
    notifier: Notifier,
    owner: User,
    portfolio_id: int,
    symbol: str | None,
    body: PortfolioAlertIn,
) -> Alert:
    """A risk alert on the owner's portfolio (the caller checked both; `symbol` is canonical): stored like a
    price alert, with the portfolio in metadata.portfolioId."""
    check_portfolio_rule(body.condition, body.threshold, symbol)
    if body.expires_at is not None and body.expires_at <= utcnow():
        raise invalid("expiresAt must be in the future", "expiresAt")
    _check_channels(notifier, owner, list(body.channels))
    alert = Alert(
        user_id=owner.id,
        symbol=symbol or PORTFOLIO_SYMBOL,
        condition=body.condition,
        threshold=None if body.threshold is None else Decimal(str(body.threshold)),
        status=ACTIVE,
        channels=list(dict.fromkeys(body.channels)),
        rule={"portfolioId": portfolio_id},
        frequency=body.frequency,
        cooldown_seconds=body.cooldown_seconds,
        expires_at=body.expires_at,
        trigger_count=0,
        armed=True,
        created_at=utcnow(),
    )
    session.add(alert)
    await session.flush()
    _changed(session, cache, bus, alert)
    return alert


def check_portfolio_rule(condition: str, threshold: float | None, symbol: str | None) -> None:
    if symbol is not None and condition != "ALLOCATION_DRIFT":
        raise invalid("only ALLOCATION_DRIFT names an asset", "symbol")
    external.check_portfolio_rule(condition, threshold)


def portfolio_of(alert: Alert) -> int | None:
    """The portfolio a risk alert watches (None: a price alert)."""
    found = alert.rule.get("portfolioId") if alert.condition in PORTFOLIO_CONDITIONS else None
    return found if isinstance(found, int) else None


async def series_alerts(session: AsyncSession) -> list[Alert]:
    """Every ACTIVE research-series alert (Fear & Greed, sentiment, whale movements), oldest first."""
    query = select(Alert).where(Alert.condition.in_(SERIES_CONDITIONS), Alert.status == ACTIVE)
    return list(await session.scalars(query.order_by(Alert.id)))


async def portfolio_alerts(
    session: AsyncSession,
    portfolio_ids: set[int] | None,
    *,
    user_id: int | None = None,
    active_only: bool = True,
) -> list[Alert]:
    """The risk alerts of these portfolios (every portfolio's when None; of one owner's, when given), oldest
    first."""
    query = select(Alert).where(Alert.condition.in_(PORTFOLIO_CONDITIONS)).order_by(Alert.id)
    if user_id is not None:
        query = query.where(Alert.user_id == user_id)
    if active_only:
        query = query.where(Alert.status == ACTIVE)
    rows = await session.scalars(query)
    return [a for a in rows if portfolio_ids is None or portfolio_of(a) in portfolio_ids]


async def delete_portfolio_alerts(
    session: AsyncSession, cache: Cache, bus: Bus, user_id: int, portfolio_id: int
) -> None:
    """A portfolio is deleted: its risk alerts (and their history) go with it."""
    for alert in await portfolio_alerts(session, {portfolio_id}, user_id=user_id, active_only=False):
        await delete(session, cache, bus, alert)


# A list is read as plain rows named after AlertOut's fields (a Core statement built once, its parameters
# bound per call) and validated in one pydantic-core call: no ORM object, no statement construction and no
# Python call per alert. `to_out` is the same mapping for one alert; a test holds the two equal.
_TABLE = Alert.__table__
_USER: BindParameter[int] = bindparam("list_user_id")
_NOW: BindParameter[datetime] = bindparam("list_now", type_=UTCDateTime())
_MINE = (_TABLE.c.user_id == _USER) & (_TABLE.c.status == ACTIVE)
_DUE = _TABLE.c.expires_at <= _NOW
# The user's ACTIVE alerts as they are once `expire_due` ran, and how many of them are due to expire.
_ACTIVE = select(func.count()).where(_MINE & (_TABLE.c.expires_at.is_(None) | ~_DUE)).scalar_subquery()
_COUNTS = (_ACTIVE.label("_active"), select(func.count()).where(_MINE & _DUE).scalar_subquery().label("_due"))
_COLUMNS = [name for name in AlertOut.model_fields if name in _TABLE.c]  # confirmation is derived, not stored
_LIST = select(*[_TABLE.c[name].label(name) for name in _COLUMNS], *_COUNTS)
_LIST = _LIST.where(_TABLE.c.user_id == _USER)
_OUT_LIST = TypeAdapter(list[AlertOut])


async def list_alerts(
    session: AsyncSession,
    user_id: int,
    status: str | None,
    symbol: str | None,
    start: datetime | None,
    end: datetime | None,
) -> tuple[list[AlertOut], int, int]:
    """The user's alerts matching the filters (newest first), their count, and how many are ACTIVE.

    One read in the usual case: the counts ride on the rows, and `expire_due` writes only when an alert is
    due (a write on every list would serialise concurrent lists on SQLite's write lock)."""
    now = utcnow()
    query = _LIST
    if status:
        query = query.where(_TABLE.c.status == status)
    if symbol:
        query = query.where(_TABLE.c.symbol == (await market_service.resolve(session, symbol)).symbol)
    if start:
        query = query.where(_TABLE.c.created_at >= start)
    if end:
        query = query.where(_TABLE.c.created_at < end)
    query = query.order_by(_TABLE.c.id.desc())
    params = {"list_user_id": user_id, "list_now": now}
    rows = (await session.execute(query, params)).all()
    if rows and rows[0]._due:
        await expire_due(session, user_id, now)
        rows = (await session.execute(query, params)).all()
    if not rows:  # no row to carry the counts
        return [], 0, await _active_after_expiry(session, user_id, now)
    alerts = _OUT_LIST.validate_python([row._asdict() for row in rows])  # dicts: 15x faster than attributes
    return alerts, len(alerts), int(rows[0]._active)


async def listed_json(
    session: AsyncSession,
    cache: Cache,
    user_id: int,
    status: str | None,
    symbol: str | None,
    start: datetime | None,
    end: datetime | None,
) -> CachedJson:
    """The seed's list as JSON. Unfiltered (what the web app shows), it is rendered from the rows once per
    change of the user's alerts, at most LIST_TTL apart and again when the first of them expires, and
    served from the cache in between."""
    filtered = any(f is not None for f in (status, symbol, start, end))
    key = None if filtered else list_cache.entry_key(user_id, await list_cache.version(cache, user_id))
    if key is not None and (cached := await cache.get_page(key)) is not None:
        return CachedJson(cached, key)
    alerts, total, active = await list_alerts(session, user_id, status, symbol, start, end)
    shown = AlertList(alerts=await with_confirmations(cache, alerts), total=total, active=active)
    body = shown.model_dump_json(by_alias=True)
    if key is not None:
        now = utcnow()
        expiring = [a.expires_at for a in alerts if a.status == ACTIVE and a.expires_at is not None]
        ttl = min([list_cache.LIST_TTL, *((at - now).total_seconds() for at in expiring)])
        if ttl > 0:
            await cache.set_page(key, body, ttl=ttl)
    return CachedJson(body, key)


async def _active_after_expiry(session: AsyncSession, user_id: int, now: datetime | None = None) -> int:
    """`expire_due`, then the user's ACTIVE alerts counted; a read only when nothing is due."""
    now = now or utcnow()
    active, expiring = (
        await session.execute(select(*_COUNTS), {"list_user_id": user_id, "list_now": now})
    ).one()
    if expiring:
        await expire_due(session, user_id, now)
    return int(active)


async def expire_due(session: AsyncSession, user_id: int, now: datetime | None = None) -> None:
    """The user's ACTIVE alerts past their expiry become EXPIRED (the engine drops them when next crossed)."""
    now = now or utcnow()
    await session.execute(
        sa_update(Alert)
        .where(Alert.user_id == user_id, Alert.status == ACTIVE, Alert.expires_at <= now)
        .values(status=EXPIRED, updated_at=now)
    )


async def get(session: AsyncSession, user_id: int, alert_id: int) -> Alert:
    await _active_after_expiry(session, user_id)
    alert = await session.get(Alert, alert_id)
    if alert is None or alert.user_id != user_id:
        raise not_found("Alert", alert_id)
    return alert


async def update(
    session: AsyncSession,
    cache: Cache,
    bus: Bus,
    notifier: Notifier,
    owner: User,
    alert: Alert,
    patch: AlertPatch,
) -> Alert:
    changes: dict[str, Any] = patch.model_dump(exclude_unset=True)
    if alert.condition in PORTFOLIO_CONDITIONS and "metadata" in changes:
        raise invalid("a portfolio alert's metadata (its portfolio) cannot change", "metadata")
    if alert.condition in PORTFOLIO_CONDITIONS and changes.get("frequency", "ONCE") not in (
        "ONCE",
        "EVERY_TIME",
    ):
        raise invalid("a portfolio alert fires ONCE or EVERY_TIME: a portfolio has no bars", "frequency")
    if "channels" in changes:
        _check_channels(notifier, owner, changes["channels"])
        alert.channels = list(dict.fromkeys(changes["channels"]))
    if changes.get("expires_at") is not None and changes["expires_at"] <= utcnow():
        raise invalid("expiresAt must be in the future", "expiresAt")
    threshold = changes.get("threshold", float(alert.threshold) if alert.threshold is not None else None)
    await check_rule(
        session,
        alert.user_id,
        alert.condition,
        threshold,
        changes.get("metadata", alert.rule),
        changes.get("frequency", alert.frequency),
    )
    if "threshold" in changes:
        alert.threshold = None if threshold is None else Decimal(str(threshold))
        alert.reference_price = await _reference(cache, alert.symbol)
        alert.armed = True
    if "metadata" in changes:
        alert.rule = _saved(alert.condition, changes["metadata"])
    for key, attribute in (
        ("frequency", "frequency"),
        ("cooldown_seconds", "cooldown_seconds"),
        ("expires_at", "expires_at"),
        ("confirm_ticks", "confirm_ticks"),
        ("confirm_seconds", "confirm_seconds"),
    ):
        if key in changes:
            setattr(alert, attribute, changes[key])
    alert.updated_at = utcnow()
    _changed(session, cache, bus, alert)
    return alert


async def set_status(session: AsyncSession, cache: Cache, bus: Bus, alert: Alert, status: str) -> Alert:
    """Pause an ACTIVE alert, or resume a PAUSED or TRIGGERED one (re-armed from the current price)."""
    if status == PAUSED and alert.status != ACTIVE:
        raise AppError(ErrorCode.CONFLICT, f"Only an ACTIVE alert can be paused; this one is {alert.status}")
    if status == ACTIVE:
        if alert.status not in (PAUSED, TRIGGERED):
            raise AppError(
                ErrorCode.CONFLICT, f"Only a PAUSED or TRIGGERED alert resumes; this one is {alert.status}"
            )
        if alert.expires_at is not None and alert.expires_at <= utcnow():
            raise AppError(ErrorCode.CONFLICT, "This alert has expired; set a later expiresAt first")
        alert.reference_price = await _reference(cache, alert.symbol)
        alert.armed = True
    alert.status = status
    alert.updated_at = utcnow()
    _changed(session, cache, bus, alert)
    return alert


async def delete(session: AsyncSession, cache: Cache, bus: Bus, alert: Alert) -> None:
    _changed(session, cache, bus, alert)
    await session.delete(alert)


async def triggers_between(session: AsyncSession, user_id: int, start: datetime, end: datetime) -> int:
    """How many times the user's alerts fired in [start, end)."""
    count = await session.scalar(
        select(func.count())
        .select_from(AlertTrigger)
        .where(AlertTrigger.user_id == user_id, AlertTrigger.fired_at >= start, AlertTrigger.fired_at < end)
    )
    return int(count or 0)


async def triggers_by_user(
    session: AsyncSession, user_ids: Collection[int], start: datetime, end: datetime
) -> dict[int, int]:
    """`triggers_between` for many users at once (users without a trigger are left out)."""
    query = (
        select(AlertTrigger.user_id, func.count())
        .where(
            AlertTrigger.user_id.in_(user_ids), AlertTrigger.fired_at >= start, AlertTrigger.fired_at < end
        )
        .group_by(AlertTrigger.user_id)
    )
    return {user_id: int(count) for user_id, count in (await session.execute(query))}


async def active_rules_of(
    session: AsyncSession, user_ids: Collection[int]
) -> dict[int, list[tuple[str, dict[str, Any]]]]:
    """Each user's ACTIVE alerts as (condition, metadata), for jobs that look at many users at once."""
    query = select(Alert.user_id, Alert.condition, Alert.rule).where(
        Alert.user_id.in_(user_ids), Alert.status == "ACTIVE"
    )
    found: dict[int, list[tuple[str, dict[str, Any]]]] = {}
    for user_id, condition, rule in await session.execute(query):
        found.setdefault(user_id, []).append((condition, dict(rule or {})))
    return found
