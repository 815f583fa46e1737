"""Conversations: create, list, read with their history, rename, allow actions, delete; the agent's status."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent import budget, providers
from app.agent.memory import WINDOW
from app.agent.models import Conversation, Message, ToolCall
from app.agent.schemas import (
    AgentStatus,
    BudgetOut,
    CitationOut,
    ConversationIn,
    ConversationList,
    ConversationOut,
    ConversationPatch,
    ConversationSummary,
    ErrorOut,
    MessageOut,
    ProposalOut,
    ToolCallOut,
    ToolInfo,
    UsageOut,
)
from app.agent.tools import TOOLS
from app.config import Settings
from app.core.clock import utcnow
from app.core.errors import forbidden, not_found
from app.users.schemas import Caller

UNTITLED = "New conversation"
LIST_LIMIT = 200


async def owned(
    session: AsyncSession, caller: Caller, conversation_id: int, lock: bool = False
) -> Conversation:
    """The conversation: 404 when there is none, 403 when it is another user's (an admin may read it)."""
    query = select(Conversation).where(Conversation.id == conversation_id)
    row = await session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise not_found("Conversation", conversation_id)
    if row.user_id != caller.id and not caller.is_admin:
        raise forbidden()
    return row


async def mine(
    session: AsyncSession, caller: Caller, conversation_id: int, lock: bool = False
) -> Conversation:
    """The caller's own conversation, to ask in or act on (an admin may read another's, not speak in it)."""
    row = await owned(session, caller, conversation_id, lock)
    if row.user_id != caller.id:
        raise forbidden()
    return row


def tool_call_out(row: ToolCall) -> ToolCallOut:
    return ToolCallOut(
        ref=row.ref,
        tool=row.tool,
        step=row.step,
        arguments=row.arguments,
        status=row.status,
        result=row.result,
        source=row.source,
        as_of=row.as_of,
        duration_ms=row.duration_ms,
    )


def message_out(row: Message, calls: list[ToolCall]) -> MessageOut:
    answer = row.role == "ASSISTANT"
    return MessageOut(
        message_id=row.id,
        role=row.role,
        content=row.content,
        status=row.status,
        error=ErrorOut(code=row.error_code, message=row.error_message or "") if row.error_code else None,
        created_at=row.created_at,
        tool_calls=[tool_call_out(c) for c in calls],
        citations=[CitationOut.model_validate(c) for c in row.citations],
        proposals=[ProposalOut.model_validate(p) for p in row.proposals],
        usage=UsageOut(input_tokens=row.input_tokens, output_tokens=row.output_tokens) if answer else None,
    )


def _summary(row: Conversation, messages: int) -> ConversationSummary:
    return ConversationSummary(
        conversation_id=row.id,
        title=row.title,
        allow_actions=row.allow_actions,
        created_at=row.created_at,
        updated_at=row.updated_at,
        messages=messages,
    )


async def _out(session: AsyncSession, row: Conversation) -> ConversationOut:
    messages = list(
        await session.scalars(select(Message).where(Message.conversation_id == row.id).order_by(Message.id))
    )
    calls: dict[int, list[ToolCall]] = defaultdict(list)
    ids = [m.id for m in messages if m.role == "ASSISTANT"]
    if ids:
        query = select(ToolCall).where(ToolCall.message_id.in_(ids)).order_by(ToolCall.id)
        for call in await session.scalars(query):
            calls[call.message_id].append(call)
    history = [message_out(m, calls[m.id]) for m in messages]
    return ConversationOut(**_summary(row, len(history)).model_dump(), history=history)


async def create(session: AsyncSession, user_id: int, body: ConversationIn) -> ConversationOut:
    now = utcnow()
    row = Conversation(
        user_id=user_id,
        title=body.title or UNTITLED,
        allow_actions=body.allow_actions,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    return ConversationOut(**_summary(row, 0).model_dump(), history=[])


async def listed(session: AsyncSession, user_id: int) -> ConversationList:
    """The user's conversations, the most recently active first."""
    counts = (
        select(Message.conversation_id, func.count().label("n"))
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Conversation.user_id == user_id)
        .group_by(Message.conversation_id)
        .subquery()
    )
    rows = await session.execute(
        select(Conversation, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.conversation_id == Conversation.id)
        .where(Conversation.user_id == user_id)
        .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
        .limit(LIST_LIMIT)
    )
    summaries = [_summary(row, n) for row, n in rows.all()]
    return ConversationList(conversations=summaries, count=len(summaries))


async def get(session: AsyncSession, caller: Caller, conversation_id: int) -> ConversationOut:
    return await _out(session, await owned(session, caller, conversation_id))


async def update(
    session: AsyncSession, caller: Caller, conversation_id: int, body: ConversationPatch
) -> ConversationOut:
    row = await owned(session, caller, conversation_id)
    if body.title is not None:
        row.title = body.title
    if body.allow_actions is not None:
        row.allow_actions = body.allow_actions
    row.updated_at = utcnow()
    await session.flush()
    return await _out(session, row)


async def remove(session: AsyncSession, caller: Caller, conversation_id: int) -> None:
    row = await owned(session, caller, conversation_id)
    answers = select(Message.id).where(Message.conversation_id == row.id)
    # Explicit, not only ON DELETE CASCADE: SQLite enforces it only with foreign keys on, which a user's own
    # tools connecting to the file may not turn on.
    await session.execute(delete(ToolCall).where(ToolCall.message_id.in_(answers)))
    await session.execute(delete(Message).where(Message.conversation_id == row.id))
    await session.delete(row)


async def status(session: AsyncSession, settings: Settings, user_id: int) -> AgentStatus:
    now = utcnow()
    requests, tokens = await budget.used(session, user_id, now.date())
    problem = providers.missing(settings)
    return AgentStatus(
        configured=problem is None,
        provider=settings.llm_provider or None,
        model=settings.llm_model or None,
        setup=providers.SETUP,
        problem=problem,
        max_steps=settings.agent_max_steps,
        memory_turns=WINDOW,
        budget=BudgetOut(
            requests_per_day=settings.agent_daily_requests,
            tokens_per_day=settings.agent_daily_tokens,
            requests_used=requests,
            tokens_used=tokens,
            resets_at=budget.resets_at(now),
        ),
        tools=[ToolInfo(name=t.name, description=t.description, writes=t.writes) for t in TOOLS],
    )
