"""Routes: the research agent's conversations, and a question answered as Server-Sent Events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from app.agent import proposals, service, turn
from app.agent.schemas import (
    AgentStatus,
    ConversationIn,
    ConversationList,
    ConversationOut,
    ConversationPatch,
    MessageIn,
    ProposalOut,
)
from app.core.bounds import MAX_DB_ID
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.notifications.deps import NotifierDep
from app.users.deps import CurrentUser, SignedInCaller

router = APIRouter(prefix="/api/agent", responses=ERROR_RESPONSES, tags=["agent"])
ConversationId = Annotated[int, Path(alias="conversationId", ge=1, le=MAX_DB_ID)]
_TERMINAL = {"answer", "error"}
_EVENTS = "turn, tool_call, tool_result, token... then answer or error (docs/API.md)"
# Turns run as tasks of their own, so an answer is finished and saved even when the client goes away.
_TURNS: set[asyncio.Task[None]] = set()


@router.get("/status", response_model=Envelope[AgentStatus])
async def agent_status(
    user: SignedInCaller, runtime: RuntimeDep, session: DbSession
) -> Envelope[AgentStatus]:
    """Whether a language model is configured (and how to configure one), today's budget use, the tools."""
    return ok(await service.status(session, runtime.settings, user.id))


@router.post("/conversations", response_model=Envelope[ConversationOut], status_code=201)
async def create_conversation(
    body: ConversationIn, user: SignedInCaller, session: DbSession
) -> Envelope[ConversationOut]:
    """A new conversation; `allowActions` offers the agent the tools that create alerts and save backtests."""
    return ok(await service.create(session, user.id, body))


@router.get("/conversations", response_model=Envelope[ConversationList])
async def list_conversations(user: SignedInCaller, session: DbSession) -> Envelope[ConversationList]:
    """Your conversations, the most recently active first."""
    return ok(await service.listed(session, user.id))


@router.get("/conversations/{conversationId}", response_model=Envelope[ConversationOut])
async def get_conversation(
    conversation_id: ConversationId, user: SignedInCaller, session: DbSession
) -> Envelope[ConversationOut]:
    """The conversation with every message, its tool calls, citations and proposals."""
    return ok(await service.get(session, user, conversation_id))


@router.patch("/conversations/{conversationId}", response_model=Envelope[ConversationOut])
async def update_conversation(
    conversation_id: ConversationId, body: ConversationPatch, user: SignedInCaller, session: DbSession
) -> Envelope[ConversationOut]:
    """Rename it, or allow or stop actions (creating alerts, saving backtests) from the next question on."""
    return ok(await service.update(session, user, conversation_id, body))


@router.delete("/conversations/{conversationId}", status_code=204)
async def delete_conversation(
    conversation_id: ConversationId, user: SignedInCaller, session: DbSession
) -> Response:
    await service.remove(session, user, conversation_id)
    return Response(status_code=204)


Ref = Annotated[str, Path(pattern=r"^T\d{1,6}$", description="The proposal's tool call, e.g. T3")]


@router.post(
    "/conversations/{conversationId}/proposals/{ref}", response_model=Envelope[ProposalOut], status_code=201
)
async def accept_proposal(
    conversation_id: ConversationId,
    ref: Ref,
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
    notifier: NotifierDep,
) -> Envelope[ProposalOut]:
    """Create the alert or run the backtest an answer proposed, exactly as proposed (the create route's own
    checks apply); recorded on the proposal as `created`. 409 if it was created already."""
    return ok(await proposals.accept(runtime, session, notifier, user, conversation_id, ref))


def _sse(event: str, data: BaseModel) -> bytes:
    return f"event: {event}\ndata: {data.model_dump_json(by_alias=True)}\n\n".encode()


@router.post(
    "/conversations/{conversationId}/messages",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": _EVENTS}},
)
async def ask(
    conversation_id: ConversationId,
    body: MessageIn,
    user: CurrentUser,
    runtime: RuntimeDep,
    session: DbSession,
    notifier: NotifierDep,
) -> StreamingResponse:
    """Ask a question: the agent's steps as Server-Sent Events, the answer citing the tool results it rests
    on. Refused before streaming (nothing stored): 403/404, 422, 429 (daily budget), 409 (a question is still
    being answered), 503 (no language model configured)."""
    accepted = await turn.accept(session, runtime.settings, user, conversation_id, body.content)
    queue: asyncio.Queue[tuple[str, BaseModel]] = asyncio.Queue()

    async def emit(event: str, data: BaseModel) -> None:
        await queue.put((event, data))

    async def events() -> AsyncIterator[bytes]:
        # Started here, after the request's unit of work (the question) is committed.
        task = asyncio.create_task(turn.run(runtime, notifier, user, accepted, emit))
        _TURNS.add(task)
        task.add_done_callback(_TURNS.discard)
        while True:
            event, data = await queue.get()
            yield _sse(event, data)
            if event in _TERMINAL:
                return

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
