"""EMAIL against a real local SMTP server (aiosmtpd): delivered, refused, deferred, server down."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message as ParsedMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from app.config import Settings
from app.notifications.channels.base import Message, Target
from app.notifications.channels.email import EmailChannel

MESSAGE = Message(
    title="BTC-USD above 50,000",
    body="BTC-USD crossed 50,000 at 50,250.",
    fields={"Price": "50,250", "Threshold": "50,000"},
    url="http://127.0.0.1:8000/alerts/101",
    grouped=3,
)


class Mailbox:
    """An SMTP handler that keeps what it accepts and answers RCPT with a scripted reply."""

    def __init__(self) -> None:
        self.messages: list[ParsedMessage] = []
        self.rcpt_reply = "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.rcpt_reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.rcpt_reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again: free for the server, or for nobody


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    handler = Mailbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _channel(port: int) -> EmailChannel:
    settings = Settings(
        _env_file=None,
        secret_key="x" * 40,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="Cryptomon <alerts@cryptomon.test>",
        http_timeout_seconds=5,
    )
    return EmailChannel(settings)


async def test_delivered_with_text_and_html(mailbox: tuple[Mailbox, int]) -> None:
    handler, port = mailbox
    outcome = await _channel(port).send(Target("ali@example.com"), MESSAGE)
    assert outcome.delivered and "accepted" in outcome.detail
    [mail] = handler.messages
    assert mail["To"] == "ali@example.com" and mail["Subject"] == "BTC-USD above 50,000 (+2 more)"
    text, rich = (part.get_payload(decode=True).decode() for part in mail.walk() if not part.is_multipart())
    assert "Price: 50,250" in text and "http://127.0.0.1:8000/alerts/101" in text
    assert "<b>50,250</b>" in rich


@pytest.mark.parametrize(
    ("reply", "retryable"), [("550 5.1.1 No such user", False), ("451 4.3.0 Try later", True)]
)
async def test_refused_is_final_and_deferred_is_retried(
    mailbox: tuple[Mailbox, int], reply: str, retryable: bool
) -> None:
    handler, port = mailbox
    handler.rcpt_reply = reply
    outcome = await _channel(port).send(Target("nobody@example.com"), MESSAGE)
    assert not outcome.delivered and outcome.retryable is retryable and reply.split()[0] in outcome.detail


async def test_server_down_is_retried() -> None:
    outcome = await _channel(_free_port()).send(Target("ali@example.com"), MESSAGE)
    assert not outcome.delivered and outcome.retryable


def test_target_needs_an_address_and_a_server() -> None:
    channel = _channel(25)
    assert channel.target({"email": "ali@example.com"}) == Target("ali@example.com")
    assert channel.target({"email": None}) is None
    unconfigured = EmailChannel(Settings(_env_file=None, secret_key="x" * 40))
    assert unconfigured.target({"email": "ali@example.com"}) is None
