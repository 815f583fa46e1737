"""EMAIL against a real local SMTP server (aiosmtpd): delivered, refused, deferred, server down; and without
one, into the user's local Maildir."""

from __future__ import annotations

import mailbox
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from app.config import Settings
from app.notifications import mailbox as local
from app.notifications.channels.base import Message, Missing, Target
from app.notifications.channels.email import EmailChannel, compose
from app.notifications.schemas import MailboxPage
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


def test_target_is_the_preference_else_the_account_address() -> None:
    for channel in (_channel(25), EmailChannel(Settings(_env_file=None, secret_key="x" * 40))):  # SMTP or not
        mine = {"email": None, "account_email": "me@example.com", "user_id": 7}
        assert channel.target(mine) == Target("me@example.com", user_id=7)
        assert channel.target({**mine, "email": "desk@example.com"}) == Target("desk@example.com", user_id=7)
        missing = channel.target({"email": None, "account_email": None})
        assert isinstance(missing, Missing) and "preferences.channels.email" in missing.reason


async def test_without_smtp_it_is_kept_in_the_users_maildir(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, secret_key="x" * 40, data_dir=tmp_path)
    outcome = await EmailChannel(settings).send(Target("me@example.com", user_id=7), MESSAGE)
    assert outcome.delivered and outcome.detail == "local mailbox — no SMTP server configured"
    box = mailbox.Maildir(tmp_path / "mail" / "user-7", create=False)
    [key] = box.keys()
    assert outcome.provider_id == key
    kept = BytesParser(policy=policy.default).parsebytes(box.get_bytes(key))
    sent = compose(settings, "me@example.com", MESSAGE)  # what SMTP would carry
    for header in ("Subject", "From", "To"):
        assert kept[header] == sent[header]
    assert kept["Date"] and kept["Message-ID"]
    text, rich = (part.get_content() for part in kept.walk() if not part.is_multipart())
    assert text == sent.get_body(preferencelist=("plain",)).get_content() and "<b>50,250</b>" in rich


async def test_a_mailbox_that_cannot_be_written_is_retried(tmp_path: Path) -> None:
    (tmp_path / "mail").write_text("a file where the mailboxes should be")
    settings = Settings(_env_file=None, secret_key="x" * 40, data_dir=tmp_path)
    outcome = await EmailChannel(settings).send(Target("me@example.com", user_id=7), MESSAGE)
    assert not outcome.delivered and outcome.retryable and "local mailbox" in outcome.detail


def test_the_mailbox_lists_newest_first_in_pages(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, secret_key="x" * 40, data_dir=tmp_path)
    directory = local.path_of(settings.resolved_mail_dir, 3)
    assert local.page(directory, 0, 10) == MailboxPage(messages=[], total=0, offset=0, limit=10)
    for n in range(5):
        local.deliver(directory, compose(settings, "me@example.com", Message(f"Alert {n}", f"Body {n}")))
    first = local.page(directory, 0, 2)
    assert first.total == 5 and [m.subject for m in first.messages] == ["Alert 4", "Alert 3"]
    assert [m.subject for m in local.page(directory, 4, 2).messages] == ["Alert 0"]
    assert first.messages[0].text.startswith("Body 4") and first.messages[0].to == "me@example.com"
    assert local.page(directory, 5, 2).messages == []
