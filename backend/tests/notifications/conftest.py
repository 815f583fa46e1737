"""A real local HTTP server playing the providers (Discord, Telegram, Twilio, a user's webhook receiver),
answering from per-test scripts and recording every request it gets."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message as ParsedMessage
from typing import Any
from urllib.parse import parse_qsl

import httpx
import orjson
import pytest
import uvicorn
from aiosmtpd.controller import Controller
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.config import Settings
from tests.integrations.support import fixture_text

TWILIO_SID = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
TWILIO_TOKEN = "twilio-auth-token-not-real"
TWILIO_FROM = "+14155552345"
BOT_TOKEN = "123456:AAbot-token-not-real"
DISCORD_PATH = "/api/webhooks/1234567890/discord-webhook-token"


@dataclass(frozen=True)
class Reply:
    """One scripted answer; `delay` holds it back (released early when the server stops)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    @classmethod
    def json(cls, status: int, data: Any, headers: dict[str, str] | None = None) -> Reply:
        return cls(status, orjson.dumps(data), {"Content-Type": "application/json", **(headers or {})})

    @classmethod
    def fixture(cls, status: int, provider: str, name: str) -> Reply:
        text = fixture_text(provider, name)
        return cls(status, text.encode(), {"Content-Type": "application/json"})


@dataclass(frozen=True)
class Seen:
    """A request as the provider received it."""

    route: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode()))


DEFAULTS = {
    "discord": Reply.fixture(200, "discord", "execute_webhook_wait_true_message_docs_example.json"),
    "telegram": Reply.fixture(200, "telegram", "sendMessage_200_constructed.json"),
    "twilio": Reply.fixture(201, "twilio", "messages_create_201_queued_docs_example.json"),
    "webhook": Reply(204),
}


class Providers:
    """The routes: `/api/webhooks/{id}/{token}` (Discord), `/bot{token}/sendMessage` (Telegram),
    `/2010-04-01/Accounts/{sid}/Messages.json` (Twilio), `/hooks/{name}` (a user's receiver). Each answers
    from its script, in order, then with its recorded success."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.port = 0
        self._scripts: dict[str, deque[Reply]] = {route: deque() for route in DEFAULTS}
        self.released = asyncio.Event()
        self.app = Starlette(
            routes=[
                Route("/api/webhooks/{webhook_id}/{token}", self._handler("discord"), methods=["POST"]),
                Route("/bot{token}/sendMessage", self._handler("telegram"), methods=["POST"]),
                Route("/2010-04-01/Accounts/{sid}/Messages.json", self._handler("twilio"), methods=["POST"]),
                Route("/hooks/{name}", self._handler("webhook"), methods=["POST"]),
            ]
        )

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def script(self, route: str, *replies: Reply) -> None:
        self._scripts[route].extend(replies)

    def seen(self, route: str) -> list[Seen]:
        return [request for request in self.requests if request.route == route]

    def reset(self) -> None:
        """Forget requests and scripts, and answer any request still held back (a timeout test's)."""
        self.requests.clear()
        for script in self._scripts.values():
            script.clear()
        self.released.set()
        self.released = asyncio.Event()

    def _handler(self, route: str) -> Any:
        async def handle(request: Request) -> Response:
            self.requests.append(
                Seen(
                    route,
                    request.method,
                    request.url.path,
                    dict(request.query_params),
                    {k.lower(): v for k, v in request.headers.items()},
                    await request.body(),
                )
            )
            script = self._scripts[route]
            reply = script.popleft() if script else DEFAULTS[route]
            if reply.delay:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.released.wait(), reply.delay)
            return Response(reply.body, reply.status, reply.headers)

        return handle


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # Ctrl-C stays pytest's


@contextlib.asynccontextmanager
async def serve_providers() -> AsyncIterator[Providers]:
    providers = Providers()
    config = uvicorn.Config(
        providers.app, host="127.0.0.1", port=0, lifespan="off", log_config=None, timeout_graceful_shutdown=5
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    providers.port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield providers
    finally:
        providers.released.set()  # answer held-back requests now, so shutdown does not wait for them
        server.should_exit = True
        await asyncio.wait_for(task, 15)


@pytest.fixture(scope="module")
async def provider_server() -> AsyncIterator[Providers]:
    async with serve_providers() as server:
        yield server


@pytest.fixture
def providers(provider_server: Providers) -> Iterator[Providers]:
    """The module's provider server, with a clean script and request log for this test."""
    provider_server.reset()
    yield provider_server
    provider_server.reset()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    # The base URL must not matter: channels build absolute URLs.
    async with httpx.AsyncClient(base_url="http://base-url-unused.invalid") as client:
        yield client


def channel_settings(origin: str, **overrides: Any) -> Settings:
    """Settings with every provider configured and pointed at `origin`."""
    values: dict[str, Any] = {
        "_env_file": None,
        "secret_key": "x" * 40,
        "market_sources": [],
        "public_url": "http://cryptomon.test",
        "allow_private_targets": True,  # the providers here are a local server
        "twilio_api_url": origin,
        "twilio_account_sid": TWILIO_SID,
        "twilio_auth_token": TWILIO_TOKEN,
        "twilio_from_number": TWILIO_FROM,
        "telegram_api_url": origin,
        "telegram_bot_token": BOT_TOKEN,
        "http_timeout_seconds": 5.0,
        "webhook_timeout_seconds": 5.0,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def closed_origin() -> Iterator[str]:
    """An origin nothing listens on: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield f"http://127.0.0.1:{port}"


class Mailbox:
    """An SMTP handler that keeps what it accepts and answers RCPT with a scripted reply."""

    def __init__(self) -> None:
        self.messages: list[ParsedMessage] = []
        self.arrived = asyncio.Event()  # set when a message comes in (on the test's loop)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.rcpt_reply = "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.rcpt_reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.rcpt_reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        if self.loop is not None:  # aiosmtpd runs on a thread of its own
            self.loop.call_soon_threadsafe(self.arrived.set)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again: free for the server, or for nobody


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    handler = Mailbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
