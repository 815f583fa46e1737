"""Agent fixtures: an app with a provider configured, a scripted in-process chat model, the SSE reader."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from langchain_core.messages import AIMessage

from app.agent.providers import MODEL_KEY
from app.config import Settings
from app.main import create_app
from tests.agent.scripted_llm import ScriptedLLM
from tests.agent.scripted_model import ScriptedChatModel
from tests.conftest import Account, lifespan, make_admin, register
from tests.reports.conftest import push_recent_candles

CONVERSATIONS = "/api/agent/conversations"


@dataclass
class Agent:
    """A started app with a provider configured, its client, and the scripted model it uses."""

    app: FastAPI
    client: httpx.AsyncClient
    model: ScriptedChatModel

    def script(self, *replies: AIMessage) -> None:
        self.model.replies.extend(replies)

    async def conversation(self, who: Account, **fields: Any) -> int:
        response = await self.client.post(CONVERSATIONS, json=fields, headers=who.headers)
        assert response.status_code == 201, response.text
        conversation_id: int = response.json()["data"]["conversationId"]
        return conversation_id

    async def ask(self, who: Account, conversation_id: int, content: str) -> list[tuple[str, dict[str, Any]]]:
        return await ask(self.client, who, conversation_id, content)

    async def history(self, who: Account, conversation_id: int) -> list[dict[str, Any]]:
        response = await self.client.get(f"{CONVERSATIONS}/{conversation_id}", headers=who.headers)
        assert response.status_code == 200, response.text
        history: list[dict[str, Any]] = response.json()["data"]["history"]
        return history


def parse_sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((fields["event"], json.loads(fields["data"])))
    return events


async def ask(
    client: httpx.AsyncClient, who: Account, conversation_id: int, content: str
) -> list[tuple[str, dict[str, Any]]]:
    url = f"{CONVERSATIONS}/{conversation_id}/messages"
    response = await client.post(url, json={"content": content}, headers=who.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    return parse_sse(response.text)


def configured(settings: Settings, **more: Any) -> Settings:
    """The settings with a provider configured (its address unused when a test model is installed)."""
    base = {"llm_provider": "openai", "llm_model": "scripted", "llm_base_url": "http://127.0.0.1:9/v1"}
    return settings.model_copy(update=base | more)


@pytest.fixture
def agent_settings(settings: Settings) -> Settings:
    return configured(settings)


@pytest.fixture
async def agent(agent_settings: Settings) -> AsyncIterator[Agent]:
    application = create_app(agent_settings)
    async with lifespan(application):
        model = ScriptedChatModel()
        application.state.runtime.memo[MODEL_KEY] = model
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Agent(application, http, model)


@pytest.fixture
async def market(settings: Settings, agent: Agent) -> Account:
    """BTC-USD and ETH-USD hourly candles up to now; the admin who pushed them."""
    admin = await register(agent.client)
    await make_admin(settings, admin.id)
    await push_recent_candles(agent.client, admin, ("BTC-USD", "ETH-USD"))
    return admin


@pytest.fixture(scope="session")
def scripted_llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM() as llm:
        yield llm
