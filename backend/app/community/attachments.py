"""What a post carries: links, images, and runnable insights (an alert rule, a custom indicator, a backtest)
frozen as shared and cloned by a reader into their own account, re-validated as theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.alerts import service as alerts_service
from app.alerts.schemas import AlertIn
from app.analysis import service as analysis_service
from app.backtesting import service as backtest_service
from app.backtesting.schemas import StrategyIn
from app.community import uploads
from app.community.models import Attachment
from app.community.schemas import AttachmentOut, CloneOut, InsightRef
from app.config import Settings
from app.core.clock import isoformat_z
from app.core.errors import AppError, ErrorCode, not_found
from app.core.runtime import Runtime
from app.indicators import service as indicators_service
from app.indicators.schemas import CustomIndicatorIn
from app.notifications.service import Notifier
from app.users.service import User

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
EQUITY_POINTS = 120
INSIGHTS = frozenset({"ALERT", "INDICATOR", "BACKTEST"})
_ALERT_RULE = ("symbol", "condition", "threshold", "metadata", "frequency", "cooldownSeconds", "confirmTicks")


@dataclass(frozen=True)
class Resolved:
    kind: str
    title: str
    url: str | None = None
    source_id: str | None = None
    data: dict[str, Any] | None = None


def _invalid(index: int, message: str) -> AppError:
    return AppError(ErrorCode.VALIDATION_ERROR, message, field=f"attachments[{index}]")


def link(settings: Settings, index: int, url: str) -> Resolved:
    """A URL as in the seed: an image shown in the post when its host is allowed, a link otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _invalid(index, "An attachment URL must be an absolute http(s) URL")
    host = parts.hostname.lower()
    is_image = parts.path.lower().endswith(IMAGE_SUFFIXES)
    kind = "IMAGE" if is_image and host in {h.lower() for h in settings.community_image_hosts} else "LINK"
    return Resolved(kind, title=(host + parts.path)[:300], url=url)


async def insight(
    runtime: Runtime, session: AsyncSession, owner: User, index: int, ref: InsightRef
) -> Resolved:
    """The author's alert, indicator, backtest or upload as it is now; 404/422 naming the attachment."""
    try:
        if ref.type == "UPLOAD":
            upload = await uploads.owned(session, owner.id, ref.id)
            return Resolved("UPLOAD", title="Image", url=uploads.url_of(upload.public_id), source_id=ref.id)
        if ref.type == "ALERT":
            return await _alert(session, owner, ref.id)
        if ref.type == "INDICATOR":
            return await _indicator(session, owner, ref.id)
        if ref.type == "CHART":
            return await _chart(runtime, session, owner, ref.id)
        return await _backtest(runtime.settings, session, owner, ref.id)
    except AppError as exc:
        if exc.code == ErrorCode.NOT_FOUND or exc.code == ErrorCode.FORBIDDEN:
            raise AppError(
                ErrorCode.NOT_FOUND, f"You have no {ref.type.lower()} {ref.id}", field=f"attachments[{index}]"
            ) from exc
        raise


def _number(value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise AppError(ErrorCode.NOT_FOUND, "no such id")
    return int(value)


async def _alert(session: AsyncSession, owner: User, alert_id: str) -> Resolved:
    alert = alerts_service.to_out(await alerts_service.get(session, owner.id, _number(alert_id)))
    rule = alert.model_dump(mode="json", by_alias=True)
    data = {key: rule[key] for key in (*_ALERT_RULE, "confirmSeconds")}
    threshold = "" if alert.threshold is None else f" {alert.threshold:g}"
    return Resolved(
        "ALERT", f"Alert: {alert.symbol} {alert.condition}{threshold}", source_id=alert_id, data=data
    )


async def _indicator(session: AsyncSession, owner: User, indicator_id: str) -> Resolved:
    row = await indicators_service.owned(session, owner, _number(indicator_id))
    out = indicators_service.to_out(row, await indicators_service.compiled(session, row))
    data = {
        "name": out.name,
        "formula": out.formula,
        "description": out.description,
        "parameters": out.parameters,
        "lookback": out.lookback,
    }
    return Resolved("INDICATOR", f"Indicator: {out.name}", source_id=indicator_id, data=data)


async def _chart(runtime: Runtime, session: AsyncSession, owner: User, chart_url: str) -> Resolved:
    """A chart from your technical analysis, drawn now and kept as an image of yours (its link expires)."""
    token = chart_url.rsplit("/", 1)[-1].split("?", 1)[0].removesuffix(".png")
    spec = analysis_service.read_chart_token(runtime.settings, token)
    png = await analysis_service.chart_png(session, runtime, token)
    stored = await uploads.store(
        session, owner.id, png, max(len(png), runtime.settings.community_upload_max_bytes)
    )
    data = {
        "symbol": spec["s"],
        "interval": spec["tf"],
        "indicators": list(spec["ind"]),
        "from": isoformat_z(datetime.fromtimestamp(spec["from"], UTC)),
        "to": isoformat_z(datetime.fromtimestamp(spec["to"], UTC)),
    }
    shown = ", ".join(data["indicators"]) or "candles"
    title = f"Chart: {spec['s']} {spec['tf']} with {shown}"[:300]
    return Resolved("CHART", title, url=stored.url, source_id=stored.upload_id, data=data)


async def _backtest(settings: Settings, session: AsyncSession, owner: User, public_id: str) -> Resolved:
    run = await backtest_service.get(session, settings, owner, public_id)
    equity = (await backtest_service.data(session, owner, public_id)).equity
    step = max(1, -(-len(equity) // EQUITY_POINTS))
    sampled = [[p["timestamp"], p["equity"]] for p in equity[::step]]
    if equity and sampled[-1][0] != equity[-1]["timestamp"]:
        sampled.append([equity[-1]["timestamp"], equity[-1]["equity"]])
    shown = run.model_dump(mode="json", by_alias=True)
    data = {key: shown[key] for key in ("strategyName", "symbol", "interval", "from", "to", "parameters")}
    data |= {
        "initialCapital": shown["initialCapital"],
        "costs": shown["costs"],
        "stops": shown["stops"],
        "results": shown["results"],
        "equity": sampled,
    }
    title = f"Backtest: {run.strategy_name} on {run.symbol} {run.interval}"
    return Resolved("BACKTEST", title, source_id=public_id, data=data)


def to_out(row: Attachment) -> AttachmentOut:
    return AttachmentOut(
        attachment_id=row.id,
        type=row.kind,
        title=row.title,
        url=row.url,
        embeddable=row.kind in ("IMAGE", "UPLOAD", "CHART"),
        source_id=row.source_id,
        data=dict(row.data or {}),
        cloneable=row.kind in INSIGHTS,
    )


async def of_post(session: AsyncSession, post_id: int) -> list[Attachment]:
    rows = await session.scalars(
        select(Attachment).where(Attachment.post_id == post_id).order_by(Attachment.position)
    )
    return list(rows)


async def clone(
    runtime: Runtime, session: AsyncSession, notifier: Notifier, reader: User, row: Attachment
) -> CloneOut:
    """Create the insight in the reader's account through its own service, so every rule applies to them:
    an alert is sent IN_APP (the author's channels are the author's), a backtest runs again as theirs."""
    data = dict(row.data or {})
    try:
        if row.kind == "ALERT":
            body = AlertIn.model_validate(
                {key: data[key] for key in (*_ALERT_RULE, "confirmSeconds")}
                | {"userId": reader.id, "channels": ["IN_APP"]}
            )
            alert = await alerts_service.create(session, runtime.cache, runtime.bus, notifier, reader, body)
            return CloneOut(type="ALERT", id=str(alert.id), url=f"/alerts/{alert.id}/edit")
        if row.kind == "INDICATOR":
            made = await indicators_service.create(
                session,
                reader,
                CustomIndicatorIn.model_validate(
                    {key: data[key] for key in ("name", "formula", "description", "parameters")}
                    | {"userId": reader.id}
                ),
            )
            return CloneOut(type="INDICATOR", id=str(made.indicator_id), url="/research/indicators")
        if row.kind == "BACKTEST":
            request = {
                key: data[key] for key in ("strategyName", "symbol", "interval", "from", "to", "parameters")
            }
            request |= {"initialCapital": data["initialCapital"]}
            options: dict[str, Any] = {**data["costs"], **data["stops"]}  # type: ignore[dict-item]
            request |= {key: value for key, value in options.items() if value is not None}
            run = await backtest_service.create(
                session, runtime.settings, reader.id, StrategyIn.model_validate(request)
            )
            return CloneOut(
                type="BACKTEST", id=run.backtest_id, url=f"/research/backtest?run={run.backtest_id}"
            )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise AppError(
            ErrorCode.VALIDATION_ERROR, f"This {row.kind.lower()} is not valid for you: {first['msg']}"
        ) from exc
    raise not_found("Runnable attachment", row.id)
