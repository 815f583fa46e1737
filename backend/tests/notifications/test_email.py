"""EMAIL against a real local SMTP server (aiosmtpd): delivered, refused, deferred, server down."""

from __future__ import annotations

import pytest

from app.config import Settings
from app.notifications.channels.base import Message, Target
from app.notifications.channels.email import EmailChannel
from tests.notifications.conftest import Mailbox, free_port

MESSAGE = Message(
    title="BTC-USD above 50,000",
    body="BTC-USD crossed 50,000 at 50,250.",
    fields={"Price": "50,250", "Threshold": "50,000"},
    url="http://127.0.0.1:8000/alerts/101",
    grouped=3,
)


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
    outcome = await _channel(free_port()).send(Target("ali@example.com"), MESSAGE)
    assert not outcome.delivered and outcome.retryable


def test_target_needs_an_address_and_a_server() -> None:
    channel = _channel(25)
    assert channel.target({"email": "ali@example.com"}) == Target("ali@example.com")
    assert channel.target({"email": None}) is None
    unconfigured = EmailChannel(Settings(_env_file=None, secret_key="x" * 40))
    assert unconfigured.target({"email": "ali@example.com"}) is None
