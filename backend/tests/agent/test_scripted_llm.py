"""The scripted LLM speaks OpenAI, Anthropic and Ollama as their SDKs and LangChain parse them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import httpx
import ollama
import pytest
from langchain_anthropic import ChatAnthropic
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_ollama import ChatOllama
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

ANTHROPIC_TOOLS: list[Any] = [
    {"name": t["function"]["name"], "description": "d", "input_schema": t["function"]["parameters"]}
    for t in TOOLS
]
ETH = {"symbol": "ETH-USD"}
RESULTS = [
    {"ref": "T1", "tool": "technical_analysis", "data": {"rsi": 55}},
    {"ref": "T2", "tool": "coingecko_market", "error": "down"},
]
SUMMARY = (
    "technical_analysis: rsi=55 [T1]. coingecko_market: the tool failed, so I have no data from it [T2]."
)


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


async def test_anthropic_sdk_parses_messages_and_their_stream(llm: ScriptedLLM) -> None:
    llm.reset()
    client = anthropic.AsyncAnthropic(base_url=llm.root, api_key="x", max_retries=0)
    question: Any = [{"role": "user", "content": [{"type": "text", "text": "RSI and price of ETH?"}]}]
    ask: Any = {"model": "scripted", "max_tokens": 256, "system": "Be brief.", "tools": ANTHROPIC_TOOLS}
    first = await client.messages.create(messages=question, **ask)
    assert (first.role, first.model, first.stop_reason) == ("assistant", "scripted", "tool_use")
    uses = [(b.id, b.name, b.input) for b in first.content if b.type == "tool_use"]
    assert uses == [("toolu_1", "technical_analysis", ETH), ("toolu_2", "coingecko_market", ETH)]
    assert len(first.content) == 2
    assert first.usage.input_tokens > 0 and first.usage.output_tokens > 0
    async with client.messages.stream(messages=question, **ask) as stream:
        kinds = [event.type async for event in stream]
        streamed = await stream.get_final_message()
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop" and "input_json" in kinds
    assert streamed.content == first.content and streamed.usage == first.usage
    assert streamed.stop_reason == "tool_use"

    results = [
        {"type": "tool_result", "tool_use_id": "toolu_1", "content": json.dumps(RESULTS[0])},
        {
            "type": "tool_result",
            "tool_use_id": "toolu_2",
            "content": [{"type": "text", "text": json.dumps(RESULTS[1])}],
        },
    ]
    question += [
        {"role": "assistant", "content": [b.model_dump() for b in first.content]},
        {"role": "user", "content": results},
    ]
    async with client.messages.stream(messages=question, **ask) as stream:
        pieces = [text async for text in stream.text_stream]
        answer = await stream.get_final_message()
    assert len(pieces) > 1 and "".join(pieces) == SUMMARY
    assert answer.stop_reason == "end_turn" and answer.content[0].type == "text"
    assert llm.requests[-1]["messages"] == question and llm.requests[-1]["system"] == "Be brief."

    llm.script({"error": 500})
    with pytest.raises(anthropic.InternalServerError):
        await client.messages.create(messages=question, **ask)


async def test_ollama_client_parses_chat_and_its_stream(llm: ScriptedLLM) -> None:
    llm.reset()
    client = ollama.AsyncClient(host=llm.root)
    question: list[Any] = [{"role": "user", "content": "RSI and price of ETH?"}]
    first = await client.chat(model="scripted", messages=question, tools=TOOLS, stream=False)
    assert first.done and first.done_reason == "stop" and first.message.role == "assistant"
    calls = [(c.function.name, dict(c.function.arguments)) for c in first.message.tool_calls or []]
    assert calls == [("technical_analysis", ETH), ("coingecko_market", ETH)]
    assert (first.prompt_eval_count or 0) > 0 and (first.eval_count or 0) > 0
    parts = [
        part
        async for part in await client.chat(model="scripted", messages=question, tools=TOOLS, stream=True)
    ]
    assert [p.done for p in parts] == [False, True] and parts[-1].eval_count == first.eval_count
    assert parts[0].message.tool_calls == first.message.tool_calls

    question += [
        first.message,
        {"role": "tool", "tool_name": "technical_analysis", "content": json.dumps(RESULTS[0])},
        {"role": "tool", "tool_name": "coingecko_market", "content": json.dumps(RESULTS[1])},
    ]
    parts = [part async for part in await client.chat(model="scripted", messages=question, stream=True)]
    assert len(parts) > 2 and [p.done for p in parts].count(True) == 1 and parts[-1].done_reason == "stop"
    assert "".join(p.message.content or "" for p in parts) == SUMMARY
    assert llm.requests[-1]["messages"][1]["tool_calls"][0]["function"]["arguments"] == ETH

    llm.script({"error": 500})
    with pytest.raises(ollama.ResponseError) as failed:
        await client.chat(model="scripted", messages=question, stream=False)
    assert failed.value.status_code == 500


@pytest.mark.parametrize("provider", ["anthropic", "ollama"])
async def test_langchain_anthropic_and_ollama_stream_tool_calls_and_usage(
    llm: ScriptedLLM, provider: str
) -> None:
    llm.reset()
    model: BaseChatModel = (
        ChatAnthropic(
            model_name="scripted",
            base_url=llm.root,
            api_key="x",
            max_retries=0,
            max_tokens=256,
            stop=None,
            timeout=5,
        )
        if provider == "anthropic"
        else ChatOllama(model="scripted", base_url=llm.root)
    )
    bound = model.bind_tools([technical_analysis, coingecko_market])

    async def streamed(messages: list[Any]) -> AIMessageChunk:
        merged: AIMessageChunk | None = None
        async for chunk in bound.astream(messages):
            merged = chunk if merged is None else merged + chunk  # type: ignore[assignment]
        assert merged is not None and merged.usage_metadata is not None
        assert merged.usage_metadata["input_tokens"] > 0 and merged.usage_metadata["output_tokens"] > 0
        return merged

    question = [HumanMessage("RSI and price of ETH?")]
    asked = await streamed(question)
    assert [(c["name"], c["args"]) for c in asked.tool_calls] == [
        ("technical_analysis", ETH),
        ("coingecko_market", ETH),
    ]
    calls = AIMessage(content=asked.content, tool_calls=asked.tool_calls)
    results = [
        ToolMessage(json.dumps(r), tool_call_id=c["id"])
        for r, c in zip(RESULTS, asked.tool_calls, strict=True)
    ]
    answer = await streamed([*question, calls, *results])
    assert answer.text == SUMMARY and not answer.tool_calls
