"""Routes: WebSocket /ws/alerts/{userId} (the seed's) and its Server-Sent Events twin GET /api/stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from app.core.envelope import ERROR_RESPONSES
from app.core.errors import AppError, ErrorCode
from app.realtime.clients import Client, QueueSink
from app.realtime.gateway import Gateway, Rejected
from app.realtime.hub import Hub

router = APIRouter(responses=ERROR_RESPONSES)
KEEP_ALIVE = 15.0  # seconds between SSE comments, so proxies do not close a quiet stream


class AlertsSocket:
    """WebSocket /ws/alerts/{userId} as a raw ASGI app (`cryptomon serve` reaches the gateway directly,
    without the middleware stack: see realtime.server)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gateway: Gateway = scope["app"].state.gateway
        await gateway(scope, receive, send)


# Starlette takes a non-function endpoint as a raw ASGI app; its stubs only describe function endpoints.
router.add_websocket_route("/ws/alerts/{userId}", AlertsSocket())  # type: ignore[arg-type]


@router.get(
    "/api/stream",
    tags=["realtime"],
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "The event stream"}},
)
async def stream(
    request: Request,
    symbols: Annotated[str | None, Query(description="Comma-separated symbols for PRICE_UPDATE")] = None,
    token: Annotated[str | None, Query(description="Access token (EventSource cannot send headers)")] = None,
    last_event_id: Annotated[str | None, Query(alias="lastEventId")] = None,
    authorization: Annotated[str | None, Header()] = None,
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> StreamingResponse:
    """The WebSocket's frames as Server-Sent Events (`event:` the type, `data:` the frame; stored events
    carry `id:` so the browser resumes with Last-Event-ID), for clients behind proxies without WebSockets."""
    gateway: Gateway = request.app.state.gateway
    hub: Hub = request.app.state.hub
    if token is None and authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    if not token:
        raise AppError(ErrorCode.UNAUTHORIZED, "Send the access token as ?token= or a bearer header")
    user_id = await gateway.authenticate(token)
    refusal = gateway.admit(user_id)
    if refusal is not None:
        raise AppError(ErrorCode.RATE_LIMITED, refusal)
    wanted: set[str] = set()
    if symbols:
        try:
            wanted = await gateway.parse_symbols([s for s in symbols.split(",") if s.strip()])
        except Rejected as exc:
            raise AppError(ErrorCode.VALIDATION_ERROR, exc.message, field=exc.field) from exc
    resume = last_event_id or last_event_id_header
    settings = gateway.runtime.settings

    async def events() -> AsyncIterator[bytes]:
        sink = QueueSink()
        client = Client(user_id, sink, settings.ws_max_pending_events)
        client.replaying = []  # live user events wait for the replay (gateway.replay sends them after it)
        hub.add(client)
        try:
            hub.subscribe(client, wanted)
            yield b"retry: 3000\n\n"
            if resume is None:
                await gateway.baseline(client)  # a catch-up after losing the bus starts here
            await gateway.replay(client, resume)
            async for frame in sink.frames(client, idle=KEEP_ALIVE):
                yield frame.sse if frame is not None else b": keep-alive\n\n"
        finally:
            client.closed = True
            hub.remove(client)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
