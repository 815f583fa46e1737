"""The scripted LLM speaks the OpenAI protocol as the openai SDK and langchain-openai parse it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from openai import AsyncOpenAI, InternalServerError

from tests.agent.scripted_llm import ScriptedLLM

TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": name,
            "description": name,
            "parameters": {"type": "object", "properties": {"symbol": {"type": "string"}}},
        },
    }
    for name in ("technical_analysis", "coingecko_market", "news", "propose_alert")
]


@tool
def technical_analysis(symbol: str) -> str:
    """Indicators of a symbol."""
    return symbol


@tool
def coingecko_market(symbol: str) -> str:
    """The market data of a symbol."""
    return symbol


@pytest.fixture(scope="module")
async def llm() -> AsyncIterator[ScriptedLLM]:
    async with ScriptedLLM() as server:
        yield server


@pytest.fixture
def openai_client(llm: ScriptedLLM) -> AsyncOpenAI:
    llm.reset()
    return AsyncOpenAI(base_url=llm.base_url, api_key="x", max_retries=0)


async def test_scripted_replies_without_streaming(llm: ScriptedLLM, openai_client: AsyncOpenAI) -> None:
    llm.script({"toolCalls": [{"name": "news", "arguments": {"symbol": "ETH-USD"}}]}, {"content": "Done."})
    messages: Any = [{"role": "user", "content": "hello"}]
    first = await openai_client.chat.completions.create(model="scripted", messages=messages, tools=TOOLS)
    assert first.choices[0].finish_reason == "tool_calls"
    (call,) = first.choices[0].message.tool_calls or []
    assert (call.id, call.type, call.function.name) == ("call_1", "function", "news")
    assert json.loads(call.function.arguments) == {"symbol": "ETH-USD"}
    second = await openai_client.chat.completions.create(model="scripted", messages=messages)
    assert (second.choices[0].message.content, second.choices[0].finish_reason) == ("Done.", "stop")
    assert second.usage is not None and second.usage.total_tokens == 2
    assert [r["messages"] for r in llm.requests] == [messages, messages]
    assert llm.requests[0]["tools"] == TOOLS

    llm.script({"delay": 0.05}, {"error": 500})
    with pytest.raises(InternalServerError):
        await openai_client.chat.completions.create(model="scripted", messages=messages)


async def test_research_model_streams_parallel_tool_calls_then_cites(
    llm: ScriptedLLM, openai_client: AsyncOpenAI
) -> None:
    text = "What is the RSI and price of $eth? Alert me above 4,200"
    messages: Any = [{"role": "user", "content": text}]
    stream = await openai_client.chat.completions.create(
        model="scripted", messages=messages, tools=TOOLS, stream=True, stream_options={"include_usage": True}
    )
    chunks = [chunk async for chunk in stream]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-2].choices[0].finish_reason == "tool_calls"
    calls: dict[int, dict[str, str]] = {}
    for chunk in chunks[:-1]:
        for delta in chunk.choices[0].delta.tool_calls or []:
            entry = calls.setdefault(delta.index, {"id": delta.id or "", "name": "", "arguments": ""})
            entry["name"] += (delta.function and delta.function.name) or ""
            entry["arguments"] += (delta.function and delta.function.arguments) or ""
    assert [(c["id"], c["name"], json.loads(c["arguments"])) for c in calls.values()] == [
        ("call_1", "technical_analysis", {"symbol": "ETH-USD"}),
        ("call_2", "coingecko_market", {"symbol": "ETH-USD"}),
        ("call_3", "propose_alert", {"symbol": "ETH-USD", "condition": "PRICE_ABOVE", "threshold": 4200}),
    ]

    result = {"ref": "T1", "tool": "coingecko_market", "source": "CoinGecko", "asOf": "2024-01-01T00:00:00Z"}
    messages += [
        {"role": "assistant", "content": None, "tool_calls": [_call("call_1", "coingecko_market")]},
        {"role": "tool", "tool_call_id": "call_1", "content": json.dumps(result | {"data": {"price": 42}})},
    ]
    stream = await openai_client.chat.completions.create(model="scripted", messages=messages, stream=True)
    pieces = [chunk.choices[0].delta.content async for chunk in stream if chunk.choices]
    answer = "".join(p or "" for p in pieces)
    assert len([p for p in pieces if p]) > 1
    assert answer == "coingecko_market: price=42 (source CoinGecko; as of 2024-01-01T00:00:00Z) [T1]."


def _call(call_id: str, name: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": "{}"}}


async def test_langchain_openai_invoke_and_stream(llm: ScriptedLLM) -> None:
    llm.reset()
    model = ChatOpenAI(base_url=llm.base_url, api_key="x", model="scripted", stream_usage=True, max_retries=0)
    bound = model.bind_tools([technical_analysis, coingecko_market])
    question = [HumanMessage("MACD and market cap of SOL, please")]
    expected = [("technical_analysis", {"symbol": "SOL-USD"}), ("coingecko_market", {"symbol": "SOL-USD"})]

    reply = await bound.ainvoke(question)
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == expected
    assert reply.usage_metadata is not None and reply.usage_metadata["output_tokens"] > 0

    merged: AIMessageChunk | None = None
    async for chunk in bound.astream(question):
        merged = chunk if merged is None else merged + chunk  # type: ignore[assignment]
    assert merged is not None and merged.usage_metadata is not None
    assert [(c["name"], c["args"]) for c in merged.tool_calls] == expected
    assert llm.requests[-1]["stream_options"] == {"include_usage": True}

    results = [
        ToolMessage(
            json.dumps({"ref": "T1", "tool": "technical_analysis", "error": "down"}), tool_call_id="call_1"
        ),
        ToolMessage(
            json.dumps({"ref": "T2", "tool": "coingecko_market", "data": [1, 2]}), tool_call_id="call_2"
        ),
    ]
    final = await bound.ainvoke([*question, reply, *results])
    assert final.content == (
        "technical_analysis: the tool failed, so I have no data from it [T1]. coingecko_market: 2 items [T2]."
    )


async def test_control_routes_and_steps(llm: ScriptedLLM) -> None:
    async with httpx.AsyncClient(base_url=llm.base_url.removesuffix("/v1")) as http:
        assert (await http.post("/__reset")).status_code == 200
        assert (await http.post("/__script", json={"replies": [{"content": "hi"}]})).json() == {"queued": 1}
        assert (await http.post("/__script", json={"replies": [{"oops": 1}]})).status_code == 400
        assert (await http.get("/v1/models")).json()["data"][0]["id"] == "scripted"
        body = {"model": "m", "messages": [{"role": "user", "content": "x"}]}
        assert (await http.post("/v1/chat/completions", json=body)).json()["choices"][0]["message"][
            "content"
        ] == "hi"
        assert (await http.get("/__requests")).json() == [body]
        messages: list[dict[str, Any]] = [{"role": "user", "content": "go __steps=2__"}]
        for expected in ("technical_analysis", "coingecko_market", None):
            answer = await http.post(
                "/v1/chat/completions", json=body | {"messages": messages, "tools": TOOLS}
            )
            message = answer.json()["choices"][0]["message"]
            names = [c["function"]["name"] for c in message.get("tool_calls", [])]
            assert names == ([expected] if expected else [])
            ref = {"ref": f"T{len(messages) // 2 + 1}", "tool": expected, "data": {}}
            messages += [message, {"role": "tool", "tool_call_id": "c", "content": json.dumps(ref)}]
        error = await http.post(
            "/v1/chat/completions", json=body | {"messages": [{"role": "user", "content": "__error__"}]}
        )
        assert error.status_code == 500 and error.json()["error"]["type"] == "server_error"
