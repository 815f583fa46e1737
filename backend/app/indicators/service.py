"""Custom indicator use cases: validate formulas, store them per user, evaluate them on candles."""

from __future__ import annotations

import re

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode, forbidden, not_found
from app.core.marketdata import to_series
from app.indicators.models import CustomIndicator
from app.indicators.schemas import (
    CustomIndicatorIn,
    CustomIndicatorOut,
    CustomIndicatorPatch,
    EvaluateIn,
    EvaluateOut,
    FormulaEvaluateIn,
    Point,
)
from app.market import service as market_service
from app.quant.formula import Formula, FormulaError, Resolver, parse
from app.quant.indicators import library
from app.quant.indicators.spec import IndicatorError
from app.users.service import User

DEFAULT_SPAN = 500  # candles evaluated when no `from` is given
# EMA-type smoothings (RSI, ATR, MACD...) depend on every earlier bar, decaying like (1 - 1/n)^k; with
# 20x the lookback (at least 500 bars) a value no longer depends on where the fetched window starts.
WARM_UP_FACTOR, MIN_WARM_UP, MAX_WARM_UP = 20, 500, 10_000


def key_of(name: str) -> str:
    """How formulas name a custom indicator: `Custom RSI Divergence` -> CUSTOM_RSI_DIVERGENCE."""
    key = re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")
    if not key or key[0].isdigit():
        raise AppError(ErrorCode.VALIDATION_ERROR, "name must start with a letter", field="name")
    try:
        library.get(key)
    except IndicatorError:
        return key
    raise AppError(
        ErrorCode.VALIDATION_ERROR, f"{key} is a built-in indicator; choose another name", field="name"
    )


async def definitions_of(session: AsyncSession, user_id: int) -> dict[str, CustomIndicator]:
    """The user's custom indicators by key."""
    rows = await session.scalars(select(CustomIndicator).where(CustomIndicator.user_id == user_id))
    return {row.key: row for row in rows}


async def resolvers_of(session: AsyncSession, user_ids: set[int]) -> dict[int, Resolver]:
    """Per user, what resolves their custom indicators in a formula: one read for all of them."""
    if not user_ids:
        return {}
    rows = await session.scalars(select(CustomIndicator).where(CustomIndicator.user_id.in_(user_ids)))
    by_owner: dict[int, dict[str, CustomIndicator]] = {owner: {} for owner in user_ids}
    for row in rows:
        by_owner[row.user_id][row.key] = row
    return {owner: resolver(found) for owner, found in by_owner.items()}


def resolver(definitions: dict[str, CustomIndicator]) -> Resolver:
    """Resolves a name in a formula to one of these custom indicators (the parser detects cycles)."""

    def resolve(name: str) -> Formula | None:
        row = definitions.get(name.upper())
        return None if row is None else parse(row.formula, row.parameters, resolve, name=row.key)

    return resolve


def _compile(
    text: str, parameters: dict[str, float], definitions: dict[str, CustomIndicator], own_key: str | None
) -> Formula:
    """Parse `text`; other custom indicators of the same user resolve by key."""
    try:
        return parse(text, parameters, resolver(definitions), name=own_key)
    except FormulaError as exc:
        raise AppError(ErrorCode.VALIDATION_ERROR, str(exc), field="formula") from exc


def to_out(row: CustomIndicator, formula: Formula) -> CustomIndicatorOut:
    return CustomIndicatorOut(
        indicator_id=row.id,
        name=row.name,
        key=row.key,
        formula=row.formula,
        description=row.description,
        parameters=row.parameters,
        lookback=formula.lookback,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def create(session: AsyncSession, user: User, body: CustomIndicatorIn) -> CustomIndicatorOut:
    key = key_of(body.name)
    definitions = await definitions_of(session, user.id)
    if key in definitions:
        raise AppError(ErrorCode.CONFLICT, f"You already have an indicator called {body.name}", field="name")
    formula = _compile(body.formula, body.parameters, definitions, key)
    row = CustomIndicator(
        user_id=user.id,
        name=body.name,
        key=key,
        formula=body.formula,
        description=body.description,
        parameters=body.parameters,
        status="ACTIVE",
        created_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    return to_out(row, formula)


async def owned(session: AsyncSession, user: User, indicator_id: int) -> CustomIndicator:
    row = await session.get(CustomIndicator, indicator_id)
    if row is None:
        raise not_found("Indicator", indicator_id)
    if row.user_id != user.id and not user.is_admin:
        raise forbidden(f"Indicator {indicator_id} is not yours")
    return row


async def compiled(session: AsyncSession, row: CustomIndicator) -> Formula:
    return _compile(row.formula, row.parameters, await definitions_of(session, row.user_id), row.key)


async def list_for(session: AsyncSession, user: User) -> list[CustomIndicatorOut]:
    definitions = await definitions_of(session, user.id)
    rows = sorted(definitions.values(), key=lambda r: r.id)
    return [to_out(row, _compile(row.formula, row.parameters, definitions, row.key)) for row in rows]


async def update(
    session: AsyncSession, row: CustomIndicator, change: CustomIndicatorPatch
) -> CustomIndicatorOut:
    definitions = await definitions_of(session, row.user_id)
    key = key_of(change.name) if change.name is not None else row.key
    if key != row.key and key in definitions:
        raise AppError(
            ErrorCode.CONFLICT, f"You already have an indicator called {change.name}", field="name"
        )
    formula_text = change.formula if change.formula is not None else row.formula
    parameters = change.parameters if change.parameters is not None else row.parameters
    formula = _compile(formula_text, parameters, definitions, row.key)
    # Formulas of the user's other indicators may use the old key: renaming must not break them.
    if key != row.key and any(
        row.key in _compile(d.formula, d.parameters, definitions, d.key).references
        for d in definitions.values()
        if d.key != row.key
    ):
        raise AppError(ErrorCode.CONFLICT, f"Other indicators use {row.key}; rename them first", field="name")
    row.name = change.name if change.name is not None else row.name
    row.key, row.formula, row.parameters = key, formula_text, parameters
    if "description" in change.model_fields_set:
        row.description = change.description
    row.updated_at = utcnow()
    await session.flush()
    return to_out(row, formula)


async def delete(session: AsyncSession, row: CustomIndicator) -> None:
    definitions = await definitions_of(session, row.user_id)
    users = [
        d.name
        for d in definitions.values()
        if d.key != row.key and row.key in _compile(d.formula, d.parameters, definitions, d.key).references
    ]
    if users:
        raise AppError(ErrorCode.CONFLICT, f"{row.name} is used by {', '.join(users)}", field="indicatorId")
    await session.delete(row)


async def evaluate(session: AsyncSession, row: CustomIndicator, body: EvaluateIn) -> EvaluateOut:
    """The indicator over [from, to): candles before `from` warm it up, so every returned point is valid."""
    return await evaluate_formula(session, await compiled(session, row), body, row.id)


async def evaluate_text(session: AsyncSession, user: User, body: FormulaEvaluateIn) -> EvaluateOut:
    """An unsaved formula (a built-in such as `BBANDS(20).upper`, or the user's own indicators by name)."""
    formula = _compile(body.formula, body.parameters, await definitions_of(session, user.id), None)
    return await evaluate_formula(session, formula, body, None)


async def evaluate_formula(
    session: AsyncSession, formula: Formula, body: EvaluateIn, indicator_id: int | None
) -> EvaluateOut:
    step = market_service.parse_interval(body.interval)
    end = int((body.to or utcnow()).timestamp())
    start = int(body.from_.timestamp()) if body.from_ else end - DEFAULT_SPAN * step
    if start >= end:
        raise AppError(ErrorCode.INVALID_RANGE, "from must be before to", field="from")
    warm_up = min(max(WARM_UP_FACTOR * formula.lookback, MIN_WARM_UP), MAX_WARM_UP)
    asset, raw = await market_service.load_candles(
        session, body.symbol, body.interval, start - warm_up * step, end, body.source
    )
    series = to_series(raw)
    ts = series.ts
    values = formula.evaluate(series) if len(series) else np.empty(0)
    keep = ts >= start
    stamps = [s + "Z" for s in ts[keep].astype("datetime64[s]").astype(str).tolist()]
    points: list[Point] = [
        {"timestamp": t, "value": None if np.isnan(v) else float(v)}
        for t, v in zip(stamps, values[keep].tolist(), strict=True)
    ]
    return EvaluateOut(
        indicator_id=indicator_id,
        formula=formula.text,
        symbol=asset.symbol,
        interval=body.interval,
        lookback=formula.lookback,
        data=points,
        data_points=len(points),
    )
