"""One question and its answer: accepted (budget, one turn at a time), then run by the agent as events — tool
calls, tool results, the answer's text as it is written — and saved COMPLETE or FAILED, never left hanging."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent import budget, memory, providers, service
from app.agent.citations import refs_in
from app.agent.models import Message, ToolCall
from app.agent.schemas import (
    AnswerEvent,
    ErrorEvent,
    ToolCallEvent,
    TurnEvent,
)
from app.agent.tally import BudgetExceeded, Tally
from app.agent.tools import offered
from app.agent.tools.base import Context, Record, as_langchain
from app.config import Settings
from app.core.clock import isoformat_z, utcnow
from app.core.errors import AppError, ErrorCode
from app.core.runtime import Runtime
from app.notifications.service import Notifier
from app.users.service import User

log = logging.getLogger(__name__)

Emit = Callable[[str, BaseModel], Awaitable[None]]
TITLE_CHARS = 80


def turn_limit(settings: Settings) -> float:
    """A turn's longest run: every model call and every tool at its own limit, and a margin."""
    per_step = settings.llm_timeout_seconds + settings.agent_tool_timeout_seconds
    return per_step * settings.agent_max_steps + 30


@dataclass(frozen=True)
class Accepted:
    conversation_id: int
    user_message_id: int
    message_id: int
    content: str
    allow_actions: bool
    next_ref: int
    tokens_left: int


async def _running(session: AsyncSession, settings: Settings, conversation_id: int) -> None:
    """409 while an answer is being written; one left RUNNING past the turn limit (its process died) is
    marked FAILED."""
    running = await session.scalar(
        select(Message).where(Message.conversation_id == conversation_id, Message.status == "RUNNING")
    )
    if running is None:
        return
    if utcnow() - running.created_at < timedelta(seconds=turn_limit(settings)):
        raise AppError(ErrorCode.CONFLICT, "The previous question is still being answered")
    running.status, running.error_code = "FAILED", "INTERRUPTED"
    running.error_message = "The server stopped while answering"


async def accept(
    session: AsyncSession, settings: Settings, user: User, conversation_id: int, content: str
) -> Accepted:
    """Store the question and an answer RUNNING, or refuse the turn (403/404, 503, 429, 409), changing
    nothing."""
    conversation = await service.mine(session, user, conversation_id, lock=True)
    problem = providers.missing(settings)
    if problem is not None:
        raise AppError(ErrorCode.SERVICE_UNAVAILABLE, f"No language model is configured ({problem}). {_HOW}")
    await _running(session, settings, conversation.id)
    now = utcnow()
    tokens_left = await budget.take_request(session, settings, user.id, now)
    calls = await session.scalar(
        select(func.count())
        .select_from(ToolCall)
        .join(Message, Message.id == ToolCall.message_id)
        .where(Message.conversation_id == conversation.id)
    )
    question = Message(conversation_id=conversation.id, role="USER", content=content, status="COMPLETE")
    question.created_at = question.completed_at = now
    session.add(question)
    await session.flush()
    answer = Message(
        conversation_id=conversation.id,
        role="ASSISTANT",
        reply_to=question.id,
        status="RUNNING",
        created_at=now,
    )
    session.add(answer)
    if conversation.title == service.UNTITLED:
        conversation.title = content[:TITLE_CHARS]
    conversation.updated_at = now
    await session.flush()
    return Accepted(
        conversation.id,
        question.id,
        answer.id,
        content,
        conversation.allow_actions,
        (calls or 0) + 1,
        tokens_left,
    )


_HOW = "See GET /api/agent/status or docs/SETUP.md (CRYPTOMON_LLM_PROVIDER, CRYPTOMON_LLM_MODEL)."


def _tool_call_event(record: Record) -> ToolCallEvent:
    return ToolCallEvent(ref=record.ref, tool=record.tool, arguments=record.arguments, step=record.step)


def _row(record: Record, message_id: int) -> ToolCall:
    return ToolCall(
        message_id=message_id,
        ref=record.ref,
        tool=record.tool,
        step=record.step,
        arguments=record.arguments,
        status="OK" if record.status == "OK" else "ERROR",
        result=record.result,
        source=record.source,
        as_of=record.as_of,
        duration_ms=record.duration_ms,
    )


async def _stream(runtime: Runtime, ctx: Context, tally: Tally, accepted: Accepted, emit: Emit) -> None:
    # LangChain is loaded with the first question, not when the API starts (seconds of every process start).
    from langchain_core.messages import AIMessage, HumanMessage

    from app.agent import crypto_agent

    settings = runtime.settings
    async with runtime.db.session() as session:
        history = await memory.window(session, accepted.conversation_id)
    tools = [as_langchain(t, ctx) for t in offered(ctx.allow_actions)]
    model = providers.chat_model(runtime)
    agent = crypto_agent.build(model, tools, ctx, tally, settings.agent_max_steps, utcnow())
    inputs: dict[str, Any] = {"messages": [*history, HumanMessage(accepted.content)]}
    async with asyncio.timeout(turn_limit(settings)):
        async for message, meta in agent.astream(inputs, stream_mode="messages"):
            # A model that does not stream gives its whole message once.
            if isinstance(message, AIMessage) and meta.get("langgraph_node") == "model" and message.text:
                await emit("token", _Token(text=message.text))


class _Token(BaseModel):
    text: str


def _failure(exc: Exception, settings: Settings) -> tuple[str, str]:
    if isinstance(exc, BudgetExceeded):
        return "BUDGET_EXCEEDED", f"The day's {settings.agent_daily_tokens} tokens ran out during the answer"
    from langchain.agents.middleware.model_call_limit import ModelCallLimitExceededError

    if isinstance(exc, ModelCallLimitExceededError):
        return "MAX_STEPS", f"No answer within {settings.agent_max_steps} steps; ask a narrower question"
    known = providers.failure(exc)
    if known is not None:
        return known
    log.exception("agent turn failed", exc_info=exc)
    return "INTERNAL_ERROR", "The answer failed; try again"


async def run(runtime: Runtime, notifier: Notifier, user: User, accepted: Accepted, emit: Emit) -> None:
    """Answer the question, streaming what happens, and save the answer; the last event is `answer` or
    `error`."""
    ctx = Context(runtime, notifier, user, accepted.allow_actions, next_ref=accepted.next_ref)

    async def on_call(record: Record) -> None:
        await emit("tool_call", _tool_call_event(record))

    async def on_result(record: Record) -> None:
        await emit("tool_result", service.tool_call_out(_row(record, accepted.message_id)))

    ctx.on_call, ctx.on_result = on_call, on_result
    tally = Tally(tokens_left=accepted.tokens_left)
    ids = TurnEvent(
        conversation_id=accepted.conversation_id,
        user_message_id=accepted.user_message_id,
        message_id=accepted.message_id,
    )
    await emit("turn", ids)
    error: tuple[str, str] | None = None
    try:
        await _stream(runtime, ctx, tally, accepted, emit)
        if tally.answer is None:
            error = ("INTERNAL_ERROR", "The model gave no answer")
    except Exception as exc:
        error = _failure(exc, runtime.settings)
    try:
        async with runtime.db.session() as session:
            saved = await _save(session, ctx, tally, accepted, error)
    except Exception:
        log.exception("saving an agent turn failed")
        await emit(
            "error", ErrorEvent(code="INTERNAL_ERROR", message="The answer could not be saved", turn=None)
        )
        return
    if error is None:
        await emit("answer", AnswerEvent(turn=saved))
    else:
        await emit("error", ErrorEvent(code=error[0], message=error[1], turn=saved))


async def _save(
    session: AsyncSession,
    ctx: Context,
    tally: Tally,
    accepted: Accepted,
    error: tuple[str, str] | None,
) -> Any:
    now = utcnow()
    row = await session.get(Message, accepted.message_id)
    assert row is not None
    calls = [_row(r, row.id) for r in ctx.records]
    session.add_all(calls)
    by_ref = {r.ref: r for r in ctx.records}
    row.content = tally.answer or ""
    row.citations = [
        {"ref": ref, "tool": r.tool, "source": r.source, "asOf": isoformat_z(r.as_of) if r.as_of else None}
        for ref in refs_in(row.content)
        if (r := by_ref.get(ref)) is not None
    ]
    row.proposals = [
        {"ref": r.ref} | r.proposal for r in ctx.records if r.proposal is not None and r.status == "OK"
    ]
    row.input_tokens, row.output_tokens = tally.input_tokens, tally.output_tokens
    row.status = "COMPLETE" if error is None else "FAILED"
    row.error_code, row.error_message = error if error is not None else (None, None)
    row.completed_at = now
    await budget.add_tokens(
        session, ctx.user.id, row.created_at.date(), tally.input_tokens + tally.output_tokens
    )
    await session.flush()
    return service.message_out(row, calls)
