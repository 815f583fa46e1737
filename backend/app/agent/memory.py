"""The conversation's memory: its last k completed interactions (the seed's ConversationBufferWindowMemory,
k=10), read from the database so any API process continues any conversation, after a restart too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent.models import Message

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

WINDOW = 10  # interactions: a question and its answer


async def window(session: AsyncSession, conversation_id: int, k: int = WINDOW) -> list[BaseMessage]:
    """The last `k` questions with their completed answers, oldest first; failed turns are left out, as the
    seed's memory saved only the exchanges that finished."""
    from langchain_core.messages import (  # loaded with the first question, not at start
        AIMessage,
        HumanMessage,
    )

    answers = list(
        await session.scalars(
            select(Message)
            .where(
                Message.conversation_id == conversation_id,
                Message.role == "ASSISTANT",
                Message.status == "COMPLETE",
            )
            .order_by(Message.id.desc())
            .limit(k)
        )
    )
    asked = {a.reply_to for a in answers if a.reply_to is not None}
    questions = {m.id: m.content for m in await session.scalars(select(Message).where(Message.id.in_(asked)))}
    history: list[BaseMessage] = []
    for answer in reversed(answers):
        if answer.reply_to in questions:
            history += [HumanMessage(questions[answer.reply_to]), AIMessage(answer.content)]
    return history
