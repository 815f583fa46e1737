"""A local OpenAI, Anthropic and Ollama chat server: scripted replies, else a rule-based research model."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from itertools import count
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

MODEL = "scripted"
SLOW_SECONDS = 30.0
TICKERS = ["BTC", "ETH", "SOL", "ADA", "XRP", "DOGE", "BNB", "DOT", "AVAX", "LINK"]
# (keywords, tool): the order of the tool calls in one reply.
KEYWORD_TOOLS: list[tuple[tuple[str, ...], str]] = [
    (("rsi", "macd", "technical", "indicator"), "technical_analysis"),
    (("price", "market cap", "quote"), "coingecko_market"),
    (("whale", "on-chain", "onchain"), "etherscan_whales"),
    (("sentiment", "social"), "social_sentiment"),
    (("news",), "news"),
    (("portfolio", "drawdown"), "portfolio_analysis"),
    (("my alerts", "why did my alert", "alert fired"), "my_alerts"),
    (("set an alert", "create an alert", "alert me"), "propose_alert"),
    (("backtest",), "propose_backtest"),
]
STEP_TOOLS = ["technical_analysis", "coingecko_market", "news", "my_alerts", "portfolio_analysis"]
NO_SYMBOL_TOOLS = {"portfolio_analysis", "my_alerts"}
HELP = (
    "I am a research assistant for crypto markets. Ask me about a coin's price or market cap, its RSI/MACD "
    "and other indicators, whale moves, social sentiment or news, your portfolio's drawdown, your alerts, "
    "or ask me to set an alert or run a backtest (for example: 'What is the RSI of ETH?')."
)
_TICKER_RE = re.compile(r"(?<![A-Za-z0-9])\$?(" + "|".join(TICKERS) + r")(?![A-Za-z0-9])", re.IGNORECASE)
_NUMBER_RE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*([kK])?(?![\w])")
_STEPS_RE = re.compile(r"__steps=(\d+)__")


class ScriptError(ValueError):
    """A scripted reply that is none of the accepted shapes."""


def _check_reply(reply: Any) -> dict[str, Any]:
    if not isinstance(reply, dict) or not reply.keys() & {"content", "toolCalls", "error", "delay"}:
        raise ScriptError(f"a reply is content, toolCalls, error or delay: {reply!r}")
    for call in reply.get("toolCalls") or []:
        if not isinstance(call, dict) or not isinstance(call.get("name"), str):
            raise ScriptError(f"a tool call is {{name, arguments}}: {call!r}")
    return reply


class State:
    """The scripted queue and the recorded request bodies, shared by server and tests (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[dict[str, Any]] = []
        self._requests: list[dict[str, Any]] = []
        self._ids = count(1)

    def script(self, replies: list[Any]) -> int:
        checked = [_check_reply(reply) for reply in replies]
        with self._lock:
            self._queue.extend(checked)
            return len(self._queue)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self._requests.clear()

    def record(self, body: dict[str, Any]) -> int:
        with self._lock:
            self._requests.append(body)
            return next(self._ids)

    def pop(self) -> dict[str, Any] | None:
        with self._lock:
            return self._queue.pop(0) if self._queue else None

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._requests)


# -- the reply -------------------------------------------------------------------------------------


class Reply:
    """What the model answers: text, tool calls (name, arguments) or an HTTP error status."""

    def __init__(
        self, content: str | None = None, tool_calls: list[tuple[str, dict[str, Any]]] | None = None
    ) -> None:
        self.content = content
        self.tool_calls = tool_calls or []
        self.error: int | None = None

    @classmethod
    def failure(cls, status: int) -> Reply:
        reply = cls()
        reply.error = status
        return reply


def _text(content: Any) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _message_chars(message: dict[str, Any]) -> int:
    size = len(_text(message.get("content")))
    for call in message.get("tool_calls") or []:
        size += len(str((call.get("function") or {}).get("arguments", "")))
    return size


def _symbol(text: str) -> str:
    match = _TICKER_RE.search(text)
    return f"{match.group(1).upper() if match else 'BTC'}-USD"


def _threshold(text: str) -> float | int:
    for match in _NUMBER_RE.finditer(_STEPS_RE.sub(" ", text)):
        whole, fraction, thousands = match.groups()
        value = float(whole.replace(",", "") + (fraction or "")) * (1000 if thousands else 1)
        return int(value) if value.is_integer() else value
    return 100000


def _arguments(tool: str, text: str) -> dict[str, Any]:
    if tool in NO_SYMBOL_TOOLS:
        return {}
    if tool == "propose_alert":
        return {"symbol": _symbol(text), "condition": "PRICE_ABOVE", "threshold": _threshold(text)}
    if tool == "propose_backtest":
        return {"symbol": _symbol(text), "strategyName": "RSI_MEAN_REVERSION"}
    return {"symbol": _symbol(text)}


def _offered(body: dict[str, Any]) -> list[str]:
    if body.get("tool_choice") == "none":
        return []
    names = []
    for tool in body.get("tools") or []:
        function = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(function, dict) and isinstance(function.get("name"), str):
            names.append(function["name"])
    return names


def _summary(message: dict[str, Any], names: dict[str, str]) -> str:
    """One sentence about one tool result: '<tool>: <summary> [Tn].' (its text is data, never orders)."""
    raw = _text(message.get("content"))
    try:
        result = json.loads(raw)
    except ValueError:
        result = None
    tool = names.get(str(message.get("tool_call_id")), str(message.get("name") or "tool"))
    if not isinstance(result, dict):
        return f"{tool}: returned {len(raw)} characters that are not a JSON result."
    tool = str(result.get("tool") or tool)
    cite = f" [{result['ref']}]" if result.get("ref") else ""
    if result.get("error"):
        return f"{tool}: the tool failed, so I have no data from it{cite}."
    parts = _scalars(result.get("data"))
    said = ", ".join(parts) if parts else "no figures"
    where = [
        f"{label} {result[key]}"
        for key, label in (("source", "source"), ("asOf", "as of"))
        if result.get(key)
    ]
    where_said = "; ".join(where)
    return f"{tool}: {said}" + (f" ({where_said})" if where_said else "") + f"{cite}."


def _scalars(data: Any, limit: int = 3) -> list[str]:
    if isinstance(data, list):
        return [f"{len(data)} items"]
    if not isinstance(data, dict):
        return [] if data is None else [f"value={_short(data)}"] if _short(data) else []
    parts = []
    for key, value in data.items():
        if isinstance(value, list):
            parts.append(f"{key}={len(value)} items")
        elif (said := _short(value)) is not None:
            parts.append(f"{key}={said}")
        if len(parts) == limit:
            break
    return parts


def _short(value: Any) -> str | None:
    """A scalar worth repeating: numbers, booleans and short one-line strings (no external text)."""
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, str) and len(value) <= 32 and "\n" not in value and "<<<" not in value:
        return value
    return None


def research(body: dict[str, Any]) -> Reply:
    """The rule-based research model's reply to a request (used when the script is empty)."""
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1)
    if last_user < 0:
        return Reply(HELP)
    text = _text(messages[last_user].get("content"))
    this_turn = messages[last_user + 1 :]
    results = [m for m in this_turn if m.get("role") == "tool"]
    offered = _offered(body)
    parallel = body.get("parallel_tool_calls") is not False
    if steps := _STEPS_RE.search(text):
        wanted = min(max(int(steps.group(1)), 1), 10)
        cycle = [STEP_TOOLS[(len(results) + k) % len(STEP_TOOLS)] for k in range(len(STEP_TOOLS))]
        tool = next((t for t in cycle if t in offered), None)
        if len(results) < wanted and tool is not None:
            return Reply(tool_calls=[(tool, _arguments(tool, text))])
    if this_turn and this_turn[-1].get("role") == "tool":
        names = {
            str(call.get("id")): str((call.get("function") or {}).get("name"))
            for m in this_turn
            for call in m.get("tool_calls") or []
        }
        return Reply(" ".join(_summary(m, names) for m in results))
    if this_turn:
        return Reply(HELP)
    lowered = text.lower()
    if "__error__" in lowered:
        return Reply.failure(500)
    tools = [tool for keys, tool in KEYWORD_TOOLS if tool in offered and any(k in lowered for k in keys)]
    if not tools:
        return Reply(HELP)
    return Reply(tool_calls=[(tool, _arguments(tool, text)) for tool in tools[: None if parallel else 1]])


def _scripted(reply: dict[str, Any]) -> Reply:
    if reply.get("error") is not None:
        return Reply.failure(int(reply["error"]))
    calls = [(str(c["name"]), dict(c.get("arguments") or {})) for c in reply.get("toolCalls") or []]
    return Reply(reply.get("content"), calls)


async def _decide(state: State, body: dict[str, Any]) -> Reply:
    while (scripted := state.pop()) is not None:
        if "delay" in scripted and not scripted.keys() & {"content", "toolCalls", "error"}:
            await asyncio.sleep(float(scripted["delay"]))
            continue
        return _scripted(scripted)
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    if messages and messages[-1].get("role") == "user" and "__slow__" in _text(messages[-1].get("content")):
        await asyncio.sleep(SLOW_SECONDS)
    return research(body)


# -- one answer, whatever the protocol -------------------------------------------------------------
# Each protocol's request is read as an OpenAI-style body (user, assistant with tool calls, tool results)
# for the policy above; its reply is then written back in that protocol.


@dataclass
class Answer:
    """The policy's reply to one request, with its tool calls in the OpenAI form and its token usage."""

    number: int
    model: str
    reply: Reply
    calls: list[dict[str, Any]]
    usage: dict[str, int]


async def _answer(state: State, sent: dict[str, Any], body: dict[str, Any], id_prefix: str) -> Answer:
    """Record the request as it was sent, then answer its OpenAI-style form `body`."""
    number = state.record(sent)
    reply = await _decide(state, body)
    calls = _tool_calls(reply, body, id_prefix) if reply.error is None else []
    model = str(sent.get("model") or MODEL)
    return Answer(number, model, reply, calls, _usage(body, reply.content, calls))


def _tool_calls(reply: Reply, body: dict[str, Any], id_prefix: str) -> list[dict[str, Any]]:
    """The OpenAI tool calls; ids <prefix>1, <prefix>2... continue after this turn's earlier tool results."""
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1)
    first = 1 + sum(1 for m in messages[last_user + 1 :] if m.get("role") == "tool")
    return [
        {
            "id": f"{id_prefix}{first + i}",
            "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)},
        }
        for i, (name, arguments) in enumerate(reply.tool_calls)
    ]


def _usage(body: dict[str, Any], content: str | None, calls: list[dict[str, Any]]) -> dict[str, int]:
    prompt = sum(_message_chars(m) for m in body.get("messages") or [] if isinstance(m, dict))
    completion = len(content or "") + sum(len(c["function"]["arguments"]) for c in calls)
    prompt_tokens, completion_tokens = max(prompt // 4, 1), max(completion // 4, 1)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _slices(text: str, size: int = 8) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _pieces(text: str) -> list[str]:
    """Split text into several deltas: two words each, or 8 characters each when it has one word."""
    words = re.findall(r"\S+\s*|\s+", text)
    if len(words) < 2:
        return _slices(text)
    return ["".join(words[i : i + 2]) for i in range(0, len(words), 2)]


async def _json_body(request: Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


# -- OpenAI: POST /v1/chat/completions -------------------------------------------------------------


def _openai_error(status: int, message: str) -> JSONResponse:
    kind = "invalid_request_error" if status < 500 else "server_error"
    return JSONResponse(
        {"error": {"message": message, "type": kind, "param": None, "code": None}}, status_code=status
    )


def _openai_stream(answer: Answer, body: dict[str, Any]) -> Iterator[str]:
    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
    created = int(time.time())
    reply, calls = answer.reply, answer.calls

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        payload: dict[str, Any] = {
            "id": f"chatcmpl-scripted-{answer.number}",
            "object": "chat.completion.chunk",
            "created": created,
            "model": answer.model,
            "system_fingerprint": None,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        if include_usage:
            payload["usage"] = None
        return f"data: {json.dumps(payload)}\n\n"

    if calls:
        yield chunk({"role": "assistant", "content": reply.content or None, "refusal": None})
        for index, call in enumerate(calls):
            head = {"name": call["function"]["name"], "arguments": ""}
            yield chunk(
                {"tool_calls": [{"index": index, "id": call["id"], "type": "function", "function": head}]}
            )
            for piece in _slices(call["function"]["arguments"]):
                yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    else:
        yield chunk({"role": "assistant", "content": "", "refusal": None})
        for piece in _pieces(reply.content or ""):
            yield chunk({"content": piece})
    yield chunk({}, "tool_calls" if calls else "stop")
    if include_usage:
        final = {
            "id": f"chatcmpl-scripted-{answer.number}",
            "object": "chat.completion.chunk",
            "created": created,
            "model": answer.model,
            "system_fingerprint": None,
            "choices": [],
            "usage": answer.usage,
        }
        yield f"data: {json.dumps(final)}\n\n"
    yield "data: [DONE]\n\n"


async def openai_chat(state: State, request: Request) -> Response:
    body = await _json_body(request)
    if body is None:
        return _openai_error(400, "The body is not a JSON object.")
    if not isinstance(body.get("messages"), list):
        return _openai_error(400, "'messages' is required.")
    answer = await _answer(state, body, body, "call_")
    if answer.reply.error is not None:
        return _openai_error(answer.reply.error, f"The scripted model failed with HTTP {answer.reply.error}.")
    if body.get("stream"):
        return StreamingResponse(_openai_stream(answer, body), media_type="text/event-stream")
    message: dict[str, Any] = {"role": "assistant", "content": answer.reply.content, "refusal": None}
    if answer.calls:
        message["tool_calls"] = answer.calls
    choice = {
        "index": 0,
        "message": message,
        "logprobs": None,
        "finish_reason": "tool_calls" if answer.calls else "stop",
    }
    return JSONResponse(
        {
            "id": f"chatcmpl-scripted-{answer.number}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": answer.model,
            "system_fingerprint": None,
            "choices": [choice],
            "usage": answer.usage,
        }
    )


# -- Anthropic: POST /v1/messages ------------------------------------------------------------------

_ANTHROPIC_ERRORS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def _anthropic_error(status: int, message: str) -> JSONResponse:
    kind = _ANTHROPIC_ERRORS.get(status, "api_error" if status >= 500 else "invalid_request_error")
    return JSONResponse({"type": "error", "error": {"type": kind, "message": message}}, status_code=status)


def _blocks(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content or [] if isinstance(b, dict)]


def _from_anthropic(body: dict[str, Any]) -> dict[str, Any]:
    """The Messages request as an OpenAI-style body: a tool_use block is an assistant's tool call, a
    tool_result block (in a user message) a "tool" message."""
    messages: list[dict[str, Any]] = []
    if system := _text(body.get("system")):
        messages.append({"role": "system", "content": system})
    for message in body.get("messages") or []:
        if not isinstance(message, dict):
            continue
        blocks = _blocks(message.get("content"))
        text = _text([b for b in blocks if b.get("type") == "text"])
        if message.get("role") == "assistant":
            calls = [
                {
                    "id": str(b.get("id")),
                    "type": "function",
                    "function": {"name": str(b.get("name")), "arguments": json.dumps(b.get("input") or {})},
                }
                for b in blocks
                if b.get("type") == "tool_use"
            ]
            messages.append(
                {"role": "assistant", "content": text or None} | ({"tool_calls": calls} if calls else {})
            )
            continue
        results = [b for b in blocks if b.get("type") == "tool_result"]
        messages += [
            {"role": "tool", "tool_call_id": str(b.get("tool_use_id")), "content": _text(b.get("content"))}
            for b in results
        ]
        if text or not results:
            messages.append({"role": "user", "content": text})
    tools = [
        {
            "type": "function",
            "function": {
                "name": t["name"],
                "description": t.get("description", ""),
                "parameters": t.get("input_schema"),
            },
        }
        for t in body.get("tools") or []
        if isinstance(t, dict) and isinstance(t.get("name"), str)
    ]
    converted: dict[str, Any] = {"model": body.get("model"), "messages": messages, "tools": tools}
    choice = body.get("tool_choice") if isinstance(body.get("tool_choice"), dict) else {}
    if choice.get("type") == "none":
        converted["tool_choice"] = "none"
    if choice.get("disable_parallel_tool_use"):
        converted["parallel_tool_calls"] = False
    return converted


def _anthropic_message(answer: Answer) -> dict[str, Any]:
    content = answer.reply.content
    blocks: list[dict[str, Any]] = (
        [{"type": "text", "text": content or ""}] if content or not answer.calls else []
    )
    blocks += [
        {
            "type": "tool_use",
            "id": call["id"],
            "name": call["function"]["name"],
            "input": json.loads(call["function"]["arguments"]),
        }
        for call in answer.calls
    ]
    return {
        "id": f"msg_scripted_{answer.number}",
        "type": "message",
        "role": "assistant",
        "model": answer.model,
        "content": blocks,
        "stop_reason": "tool_use" if answer.calls else "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": answer.usage["prompt_tokens"],
            "output_tokens": answer.usage["completion_tokens"],
        },
    }


def _anthropic_stream(message: dict[str, Any]) -> Iterator[str]:
    """The message as Anthropic streams it: message_start, each block's start, deltas and stop,
    message_delta (stop reason; usage as cumulative totals, input tokens included as the API sends them
    now: LangChain's ChatAnthropic reads a stream's usage from this event only), message_stop."""

    def event(kind: str, **data: Any) -> str:
        return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n"

    usage = message["usage"]
    start = message | {"content": [], "stop_reason": None, "usage": usage | {"output_tokens": 1}}
    yield event("message_start", message=start)
    yield event("ping")
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            yield event("content_block_start", index=index, content_block={"type": "text", "text": ""})
            for piece in _pieces(block["text"]):
                yield event("content_block_delta", index=index, delta={"type": "text_delta", "text": piece})
        else:
            yield event("content_block_start", index=index, content_block=block | {"input": {}})
            for piece in ["", *_slices(json.dumps(block["input"]))]:
                delta = {"type": "input_json_delta", "partial_json": piece}
                yield event("content_block_delta", index=index, delta=delta)
        yield event("content_block_stop", index=index)
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": None}
    yield event("message_delta", delta=delta, usage=usage)
    yield event("message_stop")


async def anthropic_messages(state: State, request: Request) -> Response:
    if not (request.headers.get("x-api-key") or request.headers.get("authorization")):
        return _anthropic_error(401, "x-api-key header is required")
    if not request.headers.get("anthropic-version"):
        return _anthropic_error(400, "anthropic-version: header is required")
    body = await _json_body(request)
    if body is None:
        return _anthropic_error(400, "The body is not a JSON object.")
    if not isinstance(body.get("messages"), list) or not isinstance(body.get("max_tokens"), int):
        return _anthropic_error(400, "messages and max_tokens: Field required")
    answer = await _answer(state, body, _from_anthropic(body), "toolu_")
    if answer.reply.error is not None:
        return _anthropic_error(
            answer.reply.error, f"The scripted model failed with HTTP {answer.reply.error}."
        )
    message = _anthropic_message(answer)
    if body.get("stream"):
        return StreamingResponse(_anthropic_stream(message), media_type="text/event-stream")
    return JSONResponse(message)


# -- Ollama: POST /api/chat ------------------------------------------------------------------------


def _from_ollama(body: dict[str, Any]) -> dict[str, Any]:
    """The chat request as an OpenAI-style body (tool call arguments are objects in Ollama, strings here;
    a tool result names its tool in tool_name, or its call in tool_call_id as LangChain sends it)."""
    messages: list[dict[str, Any]] = []
    for message in body.get("messages") or []:
        if not isinstance(message, dict):
            continue
        converted = {"role": message.get("role"), "content": _text(message.get("content"))}
        if message.get("role") == "tool":
            converted |= {"tool_call_id": message.get("tool_call_id"), "name": message.get("tool_name")}
        calls = []
        for call in message.get("tool_calls") or []:
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict):
                arguments = function.get("arguments") or {}
                if not isinstance(arguments, str):
                    arguments = json.dumps(arguments)
                function = {"name": str(function.get("name")), "arguments": arguments}
                calls.append({"id": str(call.get("id") or ""), "type": "function", "function": function})
        if calls:
            converted["tool_calls"] = calls
        messages.append(converted)
    return {"model": body.get("model"), "messages": messages, "tools": body.get("tools") or []}


def _ollama_chunk(answer: Answer, message: dict[str, Any], *, done: bool) -> dict[str, Any]:
    created_at = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    chunk = {"model": answer.model, "created_at": created_at, "message": message, "done": done}
    if done:
        chunk |= {
            "done_reason": "stop",
            "prompt_eval_count": answer.usage["prompt_tokens"],
            "eval_count": answer.usage["completion_tokens"],
        }
    return chunk


def _ollama_message(answer: Answer) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": answer.reply.content or ""}
    if answer.calls:
        message["tool_calls"] = [
            {"function": {"name": c["function"]["name"], "arguments": json.loads(c["function"]["arguments"])}}
            for c in answer.calls
        ]
    return message


def _ollama_stream(answer: Answer) -> Iterator[str]:
    """NDJSON: the content in pieces, the tool calls in one chunk, then the last chunk (done, usage)."""
    message = _ollama_message(answer)
    for piece in _pieces(message["content"]):
        yield json.dumps(_ollama_chunk(answer, {"role": "assistant", "content": piece}, done=False)) + "\n"
    if "tool_calls" in message:
        yield json.dumps(_ollama_chunk(answer, message | {"content": ""}, done=False)) + "\n"
    yield json.dumps(_ollama_chunk(answer, {"role": "assistant", "content": ""}, done=True)) + "\n"


async def ollama_chat(state: State, request: Request) -> Response:
    body = await _json_body(request)
    if body is None:
        return JSONResponse({"error": "The body is not a JSON object."}, status_code=400)
    if not body.get("model") or not isinstance(body.get("messages", []), list):
        return JSONResponse({"error": "model is required"}, status_code=400)
    answer = await _answer(state, body, _from_ollama(body), "call_")
    if answer.reply.error is not None:
        error = f"The scripted model failed with HTTP {answer.reply.error}."
        return JSONResponse({"error": error}, status_code=answer.reply.error)
    if body.get("stream", True):  # Ollama streams unless told not to
        return StreamingResponse(_ollama_stream(answer), media_type="application/x-ndjson")
    return JSONResponse(_ollama_chunk(answer, _ollama_message(answer), done=True))


# -- the app ---------------------------------------------------------------------------------------


def create_app(state: State) -> Starlette:
    """The server's ASGI app over `state`."""

    async def models(request: Request) -> Response:
        model = {"id": MODEL, "object": "model", "created": 0, "owned_by": "cryptomon-tests"}
        return JSONResponse({"object": "list", "data": [model]})

    async def script(request: Request) -> Response:
        try:
            body = await request.json()
            queued = state.script(list(body["replies"]))
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"queued": queued})

    async def reset(request: Request) -> Response:
        state.reset()
        return JSONResponse({"ok": True})

    async def requests(request: Request) -> Response:
        return JSONResponse(state.requests)

    return Starlette(
        routes=[
            Route("/v1/chat/completions", partial(openai_chat, state), methods=["POST"]),
            Route("/v1/messages", partial(anthropic_messages, state), methods=["POST"]),
            Route("/api/chat", partial(ollama_chat, state), methods=["POST"]),
            Route("/v1/models", models, methods=["GET"]),
            Route("/__script", script, methods=["POST"]),
            Route("/__reset", reset, methods=["POST"]),
            Route("/__requests", requests, methods=["GET"]),
        ]
    )


class _Quiet(logging.Filter):
    """Drops uvicorn's line about requests still running at shutdown (a `__slow__` one, typically)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Cancel ")


_QUIET = _Quiet()


def _config(state: State, host: str, port: int, *, in_process: bool = False) -> uvicorn.Config:
    """In a test process, uvicorn leaves the logging configuration alone (its logs go to pytest's)."""
    logging.getLogger("uvicorn.error").addFilter(_QUIET)
    extra: dict[str, Any] = {"log_config": None} if in_process else {}
    return uvicorn.Config(
        create_app(state),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        loop="asyncio",
        ws="none",
        timeout_graceful_shutdown=1,
        **extra,
    )


class ScriptedLLM:
    """The server on 127.0.0.1 (a free port) in a background thread: `with ScriptedLLM() as llm:` (or
    `async with`); point an OpenAI client at `llm.base_url`, an Anthropic or Ollama one at `llm.root`, queue
    replies with `llm.script(...)`."""

    def __init__(self) -> None:
        self.state = State()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self.root = f"http://127.0.0.1:{self.port}"  # Anthropic's and Ollama's base URL
        self.base_url = f"{self.root}/v1"  # OpenAI's
        self._server = uvicorn.Server(_config(self.state, "127.0.0.1", self.port, in_process=True))
        self._thread = threading.Thread(target=self._run, name="scripted-llm", daemon=True)

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._socket]))

    def start(self) -> ScriptedLLM:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the scripted LLM server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(10)
        self._socket.close()

    def script(self, *replies: dict[str, Any]) -> None:
        """Queue replies: {"content": str}, {"toolCalls": [{"name", "arguments"}]}, {"error": status},
        {"delay": seconds}."""
        self.state.script(list(replies))

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every chat request body received (any protocol, as sent), oldest first."""
        return self.state.requests

    def reset(self) -> None:
        """Empty the queue and the recorded requests."""
        self.state.reset()

    def __enter__(self) -> ScriptedLLM:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def __aenter__(self) -> ScriptedLLM:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.to_thread(self.stop)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8123)
    args = parser.parse_args()
    uvicorn.Server(_config(State(), args.host, args.port)).run()


if __name__ == "__main__":
    main()
