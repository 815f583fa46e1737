"""Routes: the indicator catalog and the caller's custom indicators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from app.core.deps import DbSession
from app.core.envelope import ERROR_RESPONSES, Envelope, ok, raw_json_ok
from app.core.schemas import DbId
from app.indicators import service as indicator_service
from app.indicators.schemas import (
    Catalog,
    CustomIndicatorIn,
    CustomIndicatorOut,
    CustomIndicatorPatch,
    EvaluateIn,
    EvaluateOut,
    FormulaEvaluateIn,
    IndicatorDeleted,
)
from app.quant.formula import FUNCTIONS
from app.quant.indicators import library
from app.users.deps import CurrentUser, ensure_can_act_for

router = APIRouter(prefix="/api/indicators", tags=["indicators"], responses=ERROR_RESPONSES)
IndicatorId = Annotated[DbId, Path(alias="indicatorId")]


@router.get("", response_model=Envelope[Catalog])
async def catalog(_: CurrentUser) -> Envelope[Catalog]:
    """Every built-in indicator with its parameters (default, bounds), outputs and lookback rule, and the
    functions formulas may call."""
    return ok(Catalog.model_validate({"indicators": library.catalog(), "functions": sorted(FUNCTIONS)}))


@router.post("/custom", response_model=Envelope[CustomIndicatorOut], status_code=201)
async def create_custom(
    body: CustomIndicatorIn, user: CurrentUser, session: DbSession
) -> Envelope[CustomIndicatorOut]:
    ensure_can_act_for(user, body.user_id)
    return ok(await indicator_service.create(session, user, body))


@router.get("/custom", response_model=Envelope[list[CustomIndicatorOut]])
async def list_custom(user: CurrentUser, session: DbSession) -> Envelope[list[CustomIndicatorOut]]:
    return ok(await indicator_service.list_for(session, user))


@router.get("/custom/{indicatorId}", response_model=Envelope[CustomIndicatorOut])
async def get_custom(
    indicator_id: IndicatorId, user: CurrentUser, session: DbSession
) -> Envelope[CustomIndicatorOut]:
    row = await indicator_service.owned(session, user, indicator_id)
    return ok(indicator_service.to_out(row, await indicator_service.compiled(session, row)))


@router.patch("/custom/{indicatorId}", response_model=Envelope[CustomIndicatorOut])
async def update_custom(
    indicator_id: IndicatorId, body: CustomIndicatorPatch, user: CurrentUser, session: DbSession
) -> Envelope[CustomIndicatorOut]:
    row = await indicator_service.owned(session, user, indicator_id)
    return ok(await indicator_service.update(session, row, body))


@router.delete("/custom/{indicatorId}", response_model=Envelope[IndicatorDeleted])
async def delete_custom(
    indicator_id: IndicatorId, user: CurrentUser, session: DbSession
) -> Envelope[IndicatorDeleted]:
    row = await indicator_service.owned(session, user, indicator_id)
    await indicator_service.delete(session, row)
    return ok(IndicatorDeleted(indicator_id=indicator_id, deleted=True))


@router.post("/evaluate", response_model=Envelope[EvaluateOut])
async def evaluate_formula(body: FormulaEvaluateIn, user: CurrentUser, session: DbSession) -> Response:
    """Any formula's series over [from, to) without saving it: a built-in (`RSI(14)`, `BBANDS(20).upper`),
    an expression, or your custom indicators by name. A formula that does not parse is a 422 naming
    `formula`, its message giving the column."""
    # Serialised directly: FastAPI would validate the page of points a second time.
    return raw_json_ok(
        (await indicator_service.evaluate_text(session, user, body)).model_dump_json(by_alias=True)
    )


@router.post("/custom/{indicatorId}/evaluate", response_model=Envelope[EvaluateOut])
async def evaluate_custom(
    indicator_id: IndicatorId, body: EvaluateIn, user: CurrentUser, session: DbSession
) -> Response:
    """The indicator's series over [from, to) on the symbol's candles (NaN warm-up excluded)."""
    row = await indicator_service.owned(session, user, indicator_id)
    return raw_json_ok((await indicator_service.evaluate(session, row, body)).model_dump_json(by_alias=True))
