"""Agent tables: conversations, their messages and tool calls, and each user's daily usage."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigIntId, JsonDict, UTCDateTime


class Conversation(Base):
    __tablename__ = "agent_conversations"
    __table_args__ = (Index("ix_agent_conversations_user_updated", "user_id", "updated_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(120))
    allow_actions: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Message(Base):
    """A user's question or the agent's answer; an answer is RUNNING until it is COMPLETE or FAILED."""

    __tablename__ = "agent_messages"
    __table_args__ = (Index("ix_agent_messages_conversation", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("agent_conversations.id", ondelete="CASCADE")
    )
    role: Mapped[str] = mapped_column(String(10))  # USER, ASSISTANT
    reply_to: Mapped[int | None] = mapped_column(BigInteger)  # an answer's question
    content: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10))  # COMPLETE, RUNNING, FAILED
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(String(500))
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JsonDict, default=list)
    proposals: Mapped[list[dict[str, Any]]] = mapped_column(JsonDict, default=list)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ToolCall(Base):
    __tablename__ = "agent_tool_calls"
    __table_args__ = (Index("ix_agent_tool_calls_message", "message_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("agent_messages.id", ondelete="CASCADE"))
    ref: Mapped[str] = mapped_column(String(10))  # T1, T2... numbered through the conversation
    tool: Mapped[str] = mapped_column(String(60))
    step: Mapped[int] = mapped_column(Integer)
    arguments: Mapped[dict[str, Any]] = mapped_column(JsonDict)
    status: Mapped[str] = mapped_column(String(10))  # OK, ERROR
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonDict)
    source: Mapped[str | None] = mapped_column(String(200))
    as_of: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_ms: Mapped[float] = mapped_column(Float)


class Usage(Base):
    """Questions asked and model tokens spent by one user on one UTC day (the daily budgets)."""

    __tablename__ = "agent_usage"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    tokens: Mapped[int] = mapped_column(Integer, default=0)
