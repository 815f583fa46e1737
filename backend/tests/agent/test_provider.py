"""End to end through the real provider code (LangChain's ChatOpenAI) against a local OpenAI-compatible
server: streamed tool calls and answer, token usage, and the provider down, failing or too slow."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.config import Settings
from tests.agent.conftest import CONVERSATIONS, ask, configured
from tests.agent.scripted_llm import ScriptedLLM
from tests.conftest import Account, make_admin, register, serve
from tests.reports.conftest import push_recent_candles


@pytest.fixture
async def openai_client(settings: Settings, scripted_llm: ScriptedLLM) -> AsyncIterator[httpx.AsyncClient]:
    scripted_llm.reset()
    async with serve(
        configured(settings, llm_base_url=scripted_llm.base_url, llm_timeout_seconds=2)
    ) as client:
        yield client


async def _conversation(client: httpx.AsyncClient, who: Account) -> int:
    created = await client.post(CONVERSATIONS, json={}, headers=who.headers)
    conversation_id: int = created.json()["data"]["conversationId"]
    return conversation_id


async def test_a_streamed_answer_with_tool_calls(
    settings: Settings, openai_client: httpx.AsyncClient, scripted_llm: ScriptedLLM
) -> None:
    admin = await register(openai_client)
    await make_admin(settings, admin.id)
    await push_recent_candles(openai_client, admin, ("BTC-USD",))
    me = await register(openai_client)
    status = (await openai_client.get("/api/agent/status", headers=me.headers)).json()["data"]
    assert status["configured"] is True and status["provider"] == "openai" and status["model"] == "scripted"
    conversation_id = await _conversation(openai_client, me)
    events = await ask(
        openai_client, me, conversation_id, "What is the RSI of BTC? Also set an alert above 150000"
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
    offered = {t["function"]["name"] for t in sent["tools"]}
    assert "create_alert" not in offered and {"technical_analysis", "propose_alert", "my_alerts"} <= offered
    schema = next(
        t["function"]["parameters"] for t in sent["tools"] if t["function"]["name"] == "propose_alert"
    )
    assert {"symbol", "condition", "threshold"} <= set(schema["properties"])
    budget = (await openai_client.get("/api/agent/status", headers=me.headers)).json()["data"]["budget"]
    assert budget["requestsUsed"] == 1 and budget["tokensUsed"] == sum(turn["usage"].values())


@pytest.mark.parametrize(
    ("question", "code"),
    [("__error__ what now?", "PROVIDER_UNAVAILABLE"), ("__slow__ are you there?", "PROVIDER_TIMEOUT")],
)
async def test_a_failing_provider_ends_the_stream_with_an_error(
    openai_client: httpx.AsyncClient, question: str, code: str
) -> None:
    me = await register(openai_client)
    conversation_id = await _conversation(openai_client, me)
    events = await ask(openai_client, me, conversation_id, question)
    assert [kind for kind, _ in events] == ["turn", "error"]
    error = events[-1][1]
    assert error["code"] == code and error["turn"]["status"] == "FAILED"
    history = (await openai_client.get(f"{CONVERSATIONS}/{conversation_id}", headers=me.headers)).json()[
        "data"
    ]
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
