"""Liveness and readiness (database, bus, cache) probes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Literal

from fastapi import APIRouter, Request

from app import __version__
from app.core.clock import utcnow
from app.core.deps import RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.errors import AppError, ErrorCode
from app.core.schemas import ApiModel, UtcDateTime

router = APIRouter(tags=["health"])

CHECK_TIMEOUT = 2.0


class Liveness(ApiModel):
    alive: bool
    version: str


class Readiness(ApiModel):
    ready: bool
    deployment: Literal["embedded", "cluster"]
    checks: dict[str, str]
    checked_at: UtcDateTime
    realtime: dict[str, int] | None = None


async def _check(probe: Awaitable[None]) -> str:
    try:
        await asyncio.wait_for(probe, CHECK_TIMEOUT)
    except Exception as exc:
        return f"down: {type(exc).__name__}"
    return "ok"


def _realtime(request: Request) -> dict[str, int] | None:
    """The gateway's figures when it runs in this process (the app sets `state.realtime_figures`)."""
    figures = getattr(request.app.state, "realtime_figures", None)
    return None if figures is None else figures()


@router.get("/health/live", response_model=Envelope[Liveness])
async def live() -> Envelope[Liveness]:
    return ok(Liveness(alive=True, version=__version__))


@router.get(
    "/health/ready",
    response_model=Envelope[Readiness],
    responses={503: ERROR_RESPONSES[500] | {"description": "A dependency is down"}},
)
async def ready(runtime: RuntimeDep, request: Request) -> Envelope[Readiness]:
    names = ("database", "bus", "cache")
    results = await asyncio.gather(
        _check(runtime.db.ping()), _check(runtime.bus.ping()), _check(runtime.cache.ping())
    )
    checks = dict(zip(names, results, strict=True))
    down = [name for name, state in checks.items() if state != "ok"]
    if down:
        raise AppError(
            ErrorCode.SERVICE_UNAVAILABLE,
            f"Not ready: {', '.join(down)} down",
            details=[{"field": name, "message": state} for name, state in checks.items()],
        )
    return ok(
        Readiness(
            ready=True,
            deployment="cluster" if runtime.settings.is_cluster else "embedded",
            checks=checks,
            checked_at=utcnow(),
            realtime=_realtime(request),
        )
    )
