"""Test helpers for the API clients and live sources: recorded fixtures, a fake sleep, mock HTTP routes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from app.config import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "api"


def fixture_path(provider: str, name: str) -> Path:
    return FIXTURES / provider / name


def fixture_text(provider: str, name: str) -> str:
    return fixture_path(provider, name).read_text()


def fixture_json(provider: str, name: str) -> Any:
    return json.loads(fixture_text(provider, name))


def fixture_lines(provider: str, name: str) -> list[str]:
    """The recorded WebSocket messages, one per line, as sent (blank lines dropped)."""
    return [line for line in fixture_text(provider, name).splitlines() if line.strip()]


def make_settings(**overrides: Any) -> Settings:
    """Settings from defaults and `overrides` only: no .env file, no environment surprises."""
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


class Stop(BaseException):
    """Raised by FakeSleep to end a `run()` loop; a BaseException so the sources' error handling
    (which keeps them alive through any Exception) lets it through."""


class FakeSleep:
    """An injectable `sleep` that records the delays it was asked for and never waits; `monotonic` is
    a matching clock that moves only by what was slept."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.delays: list[float] = []
        self.stop_after = stop_after
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        self.now += max(delay, 0.0)
        if self.stop_after is not None and len(self.delays) >= self.stop_after:
            raise Stop
        await asyncio.sleep(0)


Handler = Callable[[httpx.Request], httpx.Response]


class Routes:
    """An httpx.MockTransport whose answers are scripted per path: each path has a queue of responses
    (the last one repeats), and every request is kept for assertions."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._answers: dict[str, list[Handler]] = {}

    def add(self, path: str, *answers: Handler) -> Routes:
        self._answers.setdefault(path, []).extend(answers)
        return self

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answers = self._answers.get(request.url.path)
        if not answers:
            return httpx.Response(404, json={"error": f"no route for {request.url.path}"})
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return answer(request)


def body(content: str | bytes, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    return lambda request: httpx.Response(status, content=content, headers=headers)


def status(code: int, headers: dict[str, str] | None = None, text: str = "") -> Handler:
    return lambda request: httpx.Response(code, text=text or f"status {code}", headers=headers)


def connect_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)
