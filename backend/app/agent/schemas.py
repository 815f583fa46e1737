"""Agent requests and responses: conversations, messages with their tool calls, citations and proposals."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.core.schemas import ApiModel, JsonObject, RequestModel, UtcDateTime

MAX_MESSAGE_CHARS = 4000

Title = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]


class ConversationIn(RequestModel):
    title: Title | None = Field(default=None, description="Default: the first question")
    allow_actions: bool = Field(
        default=False,
        description="Offer the tools that create alerts and save backtests (otherwise: propose)",
    )


class ConversationPatch(RequestModel):
    title: Title | None = None
    allow_actions: bool | None = None


class MessageIn(RequestModel):
    content: Annotated[
        str, StringConstraints(min_length=1, max_length=MAX_MESSAGE_CHARS, strip_whitespace=True)
    ] = Field(description=f"The question, 1 to {MAX_MESSAGE_CHARS} characters")


class ToolCallOut(ApiModel):
    """A tool call as saved, and the stream's `tool_result`."""

    ref: str = Field(description="T1, T2... numbered through the conversation; the answer cites it as [T1]")
    tool: str
    step: int = Field(description="The model call that asked for it (1 = the first)")
    arguments: JsonObject
    status: Literal["OK", "ERROR"]
    result: JsonObject | None = Field(
        description="What the model was given: ref, tool, source, asOf, data|error"
    )
    source: str | None
    as_of: UtcDateTime | None
    duration_ms: float


class CitationOut(ApiModel):
    ref: str
    tool: str
    source: str | None
    as_of: UtcDateTime | None


class CreatedOut(ApiModel):
    id: str = Field(description="The alert's id, or the backtest's (BT-...)")
    at: UtcDateTime


class ProposalOut(ApiModel):
    ref: str
    kind: Literal["ALERT", "BACKTEST"]
    summary: str
    request: JsonObject = Field(
        description="ALERT: a POST /api/alerts body; BACKTEST: a POST /api/backtest/strategy body"
    )
    created: CreatedOut | None = Field(default=None, description="Set once the user created it from here")


class UsageOut(ApiModel):
    input_tokens: int
    output_tokens: int


class ErrorOut(ApiModel):
    code: str
    message: str


class MessageOut(ApiModel):
    message_id: int
    role: Literal["USER", "ASSISTANT"]
    content: str
    status: Literal["COMPLETE", "RUNNING", "FAILED"]
    error: ErrorOut | None
    created_at: UtcDateTime
    tool_calls: list[ToolCallOut]
    citations: list[CitationOut]
    proposals: list[ProposalOut]
    usage: UsageOut | None


class ConversationSummary(ApiModel):
    conversation_id: int
    title: str
    allow_actions: bool
    created_at: UtcDateTime
    updated_at: UtcDateTime
    messages: int


class ConversationOut(ConversationSummary):
    history: list[MessageOut] = Field(description="Every message, oldest first")


class ConversationList(ApiModel):
    conversations: list[ConversationSummary]
    count: int


class BudgetOut(ApiModel):
    requests_per_day: int
    tokens_per_day: int
    requests_used: int
    tokens_used: int
    resets_at: UtcDateTime


class ToolInfo(ApiModel):
    name: str
    description: str
    writes: bool


class AgentStatus(ApiModel):
    configured: bool
    provider: str | None
    model: str | None
    setup: str = Field(description="How to configure a provider")
    problem: str | None = Field(description="Why the agent is off, when it is")
    max_steps: int
    memory_turns: int
    budget: BudgetOut
    tools: list[ToolInfo]


class TurnEvent(ApiModel):
    """`turn`: the ids of the question and of the answer being written."""

    conversation_id: int
    user_message_id: int
    message_id: int


class ToolCallEvent(ApiModel):
    ref: str
    tool: str
    arguments: JsonObject
    step: int


class AnswerEvent(ApiModel):
    turn: MessageOut


class ErrorEvent(ApiModel):
    code: str
    message: str
    turn: MessageOut | None = Field(description="The answer saved FAILED; null only if saving it failed too")
