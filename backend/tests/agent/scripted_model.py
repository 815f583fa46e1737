"""An in-process chat model for the agent's loop: it answers with queued messages (tool calls or text) and
keeps what it was sent; no time is spent in it (the tests, and bench/agent.py's server-side timings)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field


class ScriptedChatModel(BaseChatModel):
    """A chat model that answers with the queued messages in order (then "Done."), and keeps what it saw."""

    replies: list[AIMessage] = Field(default_factory=list)
    seen: list[list[BaseMessage]] = Field(default_factory=list)
    offered: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Any, **_: Any) -> ScriptedChatModel:  # type: ignore[override]
        self.offered = [t.name if hasattr(t, "name") else t["name"] for t in tools]
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **_: Any,
    ) -> ChatResult:
        self.seen.append(list(messages))
        reply = self.replies.pop(0) if self.replies else answer("Done.")
        return ChatResult(generations=[ChatGeneration(message=reply)])


USAGE = {"input_tokens": 100, "output_tokens": 20, "total_tokens": 120}


def calls(*tools: tuple[str, dict[str, Any]]) -> AIMessage:
    """A reply asking for these tool calls."""
    return AIMessage(
        content="",
        tool_calls=[{"name": name, "args": args, "id": f"call-{i}"} for i, (name, args) in enumerate(tools)],
        usage_metadata=USAGE,  # type: ignore[arg-type]
    )


def answer(text: str) -> AIMessage:
    return AIMessage(content=text, usage_metadata=USAGE)  # type: ignore[arg-type]
