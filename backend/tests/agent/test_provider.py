"""End to end through the real provider code (LangChain's ChatOpenAI, ChatAnthropic and ChatOllama) against
a local server speaking their protocols: streamed tool calls and answer, token usage, and the provider down,
failing or too slow."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.agent.conftest import CONVERSATIONS, ask, configured
from tests.agent.scripted_llm import ScriptedLLM
from tests.conftest import Account, make_admin, register, serve
from tests.reports.conftest import push_recent_candles

PROVIDERS = ["openai", "anthropic", "ollama"]


@pytest.fixture
def provider() -> str:
    """The provider the app is configured with; a test parametrised over `provider` overrides it."""
    return "openai"


@pytest.fixture
async def llm_client(
    settings: Settings, scripted_llm: ScriptedLLM, provider: str
) -> AsyncIterator[httpx.AsyncClient]:
    scripted_llm.reset()
    base_url = scripted_llm.base_url if provider == "openai" else scripted_llm.root
    llm = {"llm_provider": provider, "llm_base_url": base_url, "llm_api_key": "test"}
    async with serve(configured(settings, llm_timeout_seconds=2, **llm)) as client:
        yield client


def _schemas(sent: dict[str, Any], provider: str) -> dict[str, dict[str, Any]]:
    """The offered tools' parameter schemas by name, as the request carries them."""
    if provider == "anthropic":
        return {t["name"]: t["input_schema"] for t in sent["tools"]}
    return {t["function"]["name"]: t["function"]["parameters"] for t in sent["tools"]}


async def _conversation(client: httpx.AsyncClient, who: Account) -> int:
    created = await client.post(CONVERSATIONS, json={}, headers=who.headers)
    conversation_id: int = created.json()["data"]["conversationId"]
    return conversation_id


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_a_streamed_answer_with_tool_calls(
    settings: Settings, llm_client: httpx.AsyncClient, scripted_llm: ScriptedLLM, provider: str
) -> None:
    admin = await register(llm_client)
    await make_admin(settings, admin.id)
    await push_recent_candles(llm_client, admin, ("BTC-USD",))
    me = await register(llm_client)
    status = (await llm_client.get("/api/agent/status", headers=me.headers)).json()["data"]
    assert status["configured"] is True and status["provider"] == provider and status["model"] == "scripted"
    conversation_id = await _conversation(llm_client, me)
    events = await ask(
        llm_client, me, conversation_id, "What is the RSI of BTC? Also set an alert above 150000"
    )
    tools = [data["tool"] for kind, data in events if kind == "tool_result"]
    assert sorted(tools) == ["propose_alert", "technical_analysis"]
    assert len([kind for kind, _ in events if kind == "token"]) > 1  # written as it streams
    kind, data = events[-1]
    assert kind == "answer", data
    turn = data["turn"]
    assert {c["tool"] for c in turn["citations"]} == {"technical_analysis", "propose_alert"}
    assert turn["proposals"][0]["request"]["threshold"] == 150000
    assert turn["usage"]["inputTokens"] > 0 and turn["usage"]["outputTokens"] > 0
    sent = scripted_llm.requests[0]
    assert sent["stream"] is True and sent["model"] == "scripted"
    offered = _schemas(sent, provider)
    assert "create_alert" not in offered and {"technical_analysis", "propose_alert", "my_alerts"} <= set(
        offered
    )
    assert {"symbol", "condition", "threshold"} <= set(offered["propose_alert"]["properties"])
    budget = (await llm_client.get("/api/agent/status", headers=me.headers)).json()["data"]["budget"]
    assert budget["requestsUsed"] == 1 and budget["tokensUsed"] == sum(turn["usage"].values())


@pytest.mark.parametrize(
    ("provider", "question", "code"),
    [
        *((p, "__error__ what now?", "PROVIDER_UNAVAILABLE") for p in PROVIDERS),
        *((p, "__slow__ are you there?", "PROVIDER_TIMEOUT") for p in PROVIDERS),
    ],
)
async def test_a_failing_provider_ends_the_stream_with_an_error(
    llm_client: httpx.AsyncClient, question: str, code: str
) -> None:
    me = await register(llm_client)
    conversation_id = await _conversation(llm_client, me)
    events = await ask(llm_client, me, conversation_id, question)
    assert [kind for kind, _ in events] == ["turn", "error"]
    error = events[-1][1]
    assert error["code"] == code and error["turn"]["status"] == "FAILED"
    history = (await llm_client.get(f"{CONVERSATIONS}/{conversation_id}", headers=me.headers)).json()["data"]
    assert [(m["role"], m["status"]) for m in history["history"]] == [
        ("USER", "COMPLETE"),
        ("ASSISTANT", "FAILED"),
    ]
    assert history["history"][1]["error"]["code"] == code


async def test_an_unreachable_provider(settings: Settings) -> None:
    async with serve(configured(settings, llm_base_url="http://127.0.0.1:1/v1")) as client:
        me = await register(client)
        conversation_id = await _conversation(client, me)
        events = await ask(client, me, conversation_id, "RSI of BTC?")
        assert events[-1][0] == "error" and events[-1][1]["code"] == "PROVIDER_UNAVAILABLE"
