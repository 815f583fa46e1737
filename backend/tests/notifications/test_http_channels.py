"""The HTTP channels (Discord, Telegram, Twilio SMS, signed webhooks) against a real local server playing each
provider: request shapes, and how every kind of answer or failure becomes an Outcome."""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.core.clock import FrozenClock
from app.notifications.channels.base import Channel, Message, Missing, Outcome, Target
from app.notifications.channels.discord import BLURPLE, GREEN, RED, DiscordChannel, embed
from app.notifications.channels.sms import SMS_MAX, SmsChannel
from app.notifications.channels.telegram import TelegramChannel
from app.notifications.channels.webhook import WebhookChannel, verify_signature
from tests.integrations.support import fixture_json
from tests.notifications.conftest import (
    BOT_TOKEN,
    DISCORD_PATH,
    TWILIO_FROM,
    TWILIO_SID,
    TWILIO_TOKEN,
    Providers,
    Reply,
    channel_settings,
)

CHAT_ID = "123456789"
PHONE = "+15005550006"
HOOK_SECRET = "whsec-alice-0123456789"


def alert(**overrides: Any) -> Message:
    values: dict[str, Any] = {
        "title": "BTC-USD above 50,000",
        "body": "BTC-USD crossed 50,000 USD: now 50,123.40.",
        "fields": {"Price": "50,123.40 USD", "Condition": "price above 50,000", "Change 24h": "+2.1 %"},
        "url": "http://cryptomon.test/alerts/7",
        "event": {
            "type": "ALERT_TRIGGERED",
            "alertId": 7,
            "symbol": "BTC-USD",
            "direction": "UP",
            "timestamp": "2025-11-13T12:00:00Z",
        },
    }
    return Message(**{**values, **overrides})


@dataclass(frozen=True)
class Case:
    """One channel as the generic tests drive it: its provider route and a user's channel settings."""

    route: str
    make: Callable[[Settings, httpx.AsyncClient], Channel]
    channels: Callable[[str], dict[str, Any]]  # provider origin -> the user's `channels` preferences


CASES = {
    "discord": Case("discord", DiscordChannel, lambda origin: {"discord_webhook": origin + DISCORD_PATH}),
    "telegram": Case("telegram", TelegramChannel, lambda origin: {"telegram_chat_id": CHAT_ID}),
    "sms": Case("twilio", SmsChannel, lambda origin: {"phone": PHONE}),
    "webhook": Case(
        "webhook",
        WebhookChannel,
        lambda origin: {"webhook_url": origin + "/hooks/alice", "webhook_secret": HOOK_SECRET},
    ),
}
each_channel = pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())


async def deliver(
    case: Case, origin: str, http: httpx.AsyncClient, message: Message | None = None, **settings: Any
) -> Outcome:
    """One send through `case`'s channel, with every provider (and the user's URLs) at `origin`."""
    channel = case.make(channel_settings(origin, **settings), http)
    target = channel.target(case.channels(origin))
    assert isinstance(target, Target)
    return await channel.send(target, message or alert())


# --- Shared classification: every channel ---------------------------------------------------------


@each_channel
async def test_success_is_delivered(case: Case, providers: Providers, http: httpx.AsyncClient) -> None:
    outcome = await deliver(case, providers.origin, http)
    assert outcome.delivered and not outcome.retryable
    assert [r.method for r in providers.seen(case.route)] == ["POST"]


@each_channel
@pytest.mark.parametrize("status", [500, 502, 503, 408])
async def test_server_errors_and_408_are_retried(
    case: Case, status: int, providers: Providers, http: httpx.AsyncClient
) -> None:
    html = {"Content-Type": "text/html"}
    providers.script(case.route, Reply(status, b"<html>upstream trouble</html>", html))
    outcome = await deliver(case, providers.origin, http)
    assert not outcome.delivered and outcome.retryable and outcome.retry_after is None
    assert outcome.detail.startswith(str(status))
    assert len(providers.seen(case.route)) == 1  # one attempt: retrying is the outbox's job


@each_channel
async def test_connection_refused_is_retried(case: Case, closed_origin: str, http: httpx.AsyncClient) -> None:
    outcome = await deliver(case, closed_origin, http)
    assert outcome.retryable and not outcome.delivered
    assert "ConnectError" in outcome.detail
    assert BOT_TOKEN not in outcome.detail


@each_channel
async def test_timeout_is_retried(case: Case, providers: Providers, http: httpx.AsyncClient) -> None:
    providers.script(case.route, Reply(delay=30))
    started = time.monotonic()
    outcome = await deliver(
        case, providers.origin, http, http_timeout_seconds=0.2, webhook_timeout_seconds=0.2
    )
    assert outcome.retryable and outcome.retry_after is None
    assert "Timeout" in outcome.detail
    assert time.monotonic() - started < 5  # the channel's own timeout, not the client's default


def _reason(target: Target | Missing) -> str:
    assert isinstance(target, Missing), target
    return target.reason


def _preference(key: str) -> str:
    """The setting's path as the user sets it: preferences.channels.<camelCase key>."""
    head, *rest = key.split("_")
    return "preferences.channels." + head + "".join(part.title() for part in rest)


@each_channel
async def test_without_the_users_setting_says_which_and_where(case: Case, http: httpx.AsyncClient) -> None:
    channel = case.make(channel_settings("http://127.0.0.1:9"), http)
    configured = case.channels("http://127.0.0.1:9")
    assert all(_preference(key) in _reason(channel.target({})) for key in configured)
    for key in configured:
        for without in ({**configured, key: ""}, {k: v for k, v in configured.items() if k != key}):
            reason = _reason(channel.target(without))
            assert reason.startswith(f"{channel.name} needs ") and _preference(key) in reason
            assert "Settings → Notification channels" in reason
            # What is set is never asked for, and the server's providers are configured here.
            assert all(_preference(other) not in reason for other in configured if other != key)
            assert "CRYPTOMON_" not in reason
    assert isinstance(channel.target(configured), Target)


# --- Discord --------------------------------------------------------------------------------------


async def test_discord_posts_one_embed_and_keeps_the_message_id(
    providers: Providers, http: httpx.AsyncClient
) -> None:
    outcome = await deliver(CASES["discord"], providers.origin, http, alert(grouped=3))

    message = fixture_json("discord", "execute_webhook_wait_true_message_docs_example.json")
    assert outcome == Outcome.ok(f"200 message {message['id']}", message["id"])
    [request] = providers.seen("discord")
    assert request.path == DISCORD_PATH and request.query == {"wait": "true"}
    assert request.headers["content-type"] == "application/json"
    body = request.json()
    assert body["content"] == "3 alerts"
    assert body["allowed_mentions"] == {"parse": []}
    assert body["embeds"] == [
        {
            "title": "BTC-USD above 50,000",
            "description": "BTC-USD crossed 50,000 USD: now 50,123.40.",
            "url": "http://cryptomon.test/alerts/7",
            "color": GREEN,
            "fields": [
                {"name": "Price", "value": "50,123.40 USD", "inline": True},
                {"name": "Condition", "value": "price above 50,000", "inline": True},
                {"name": "Change 24h", "value": "+2.1 %", "inline": True},
            ],
            "footer": {"text": "Cryptomon"},
            "timestamp": "2025-11-13T12:00:00Z",
        }
    ]


def test_discord_colour_follows_the_direction() -> None:
    assert embed(alert(event={"direction": "DOWN"}))["color"] == RED
    plain = embed(alert(event={}, url=None))
    assert plain["color"] == BLURPLE
    assert "timestamp" not in plain and "url" not in plain


async def test_discord_clips_to_its_limits(providers: Providers, http: httpx.AsyncClient) -> None:
    message = alert(
        title="T" * 300,
        body="B" * 5000,
        fields={"N" * 300 + str(i): "V" * 2000 for i in range(30)},
        grouped=1,
    )
    await deliver(CASES["discord"], providers.origin, http, message)

    body = providers.seen("discord")[0].json()
    assert "content" not in body  # one event: no count
    [sent] = body["embeds"]
    assert len(sent["title"]) == 256 and sent["title"].endswith("…")
    fields = sent["fields"]
    assert all(len(f["name"]) == 256 and len(f["value"]) == 1024 for f in fields)
    # An embed holds 6,000 characters in all: four full fields fit beside the title, the rest are dropped
    # and the description gets what remains.
    assert len(fields) == 4
    total = sum(len(text) for text in (sent["title"], sent["description"], sent["footer"]["text"]))
    assert total + sum(len(f["name"]) + len(f["value"]) for f in fields) == 6000
    assert sent["description"].endswith("…")


def test_discord_embed_keeps_25_short_fields_and_a_4096_description() -> None:
    sent = embed(alert(body="B" * 5000, fields={f"f{i}": "v" for i in range(30)}))
    assert len(sent["fields"]) == 25
    assert len(sent["description"]) == 4096 and sent["description"].endswith("…")


async def test_discord_429_waits_as_the_body_says(providers: Providers, http: httpx.AsyncClient) -> None:
    # Discord's rate-limit body (developers/topics/rate-limits); the header rounds the wait up.
    limited = {"message": "You are being rate limited.", "retry_after": 2.5, "global": False}
    providers.script("discord", Reply.json(429, limited, {"Retry-After": "3"}))
    outcome = await deliver(CASES["discord"], providers.origin, http)
    assert outcome == Outcome.retry(
        "429 Too Many Requests: You are being rate limited. (retry after 2.5 s)", retry_after=2.5
    )


async def test_discord_429_without_a_body_reads_the_header(
    providers: Providers, http: httpx.AsyncClient
) -> None:
    providers.script("discord", Reply(429, b"", {"Retry-After": "3"}))
    outcome = await deliver(CASES["discord"], providers.origin, http)
    assert outcome.retryable and outcome.retry_after == 3.0
    assert outcome.detail == "429 Too Many Requests (retry after 3 s)"


async def test_discord_unknown_webhook_is_final(providers: Providers, http: httpx.AsyncClient) -> None:
    providers.script("discord", Reply.json(404, {"message": "Unknown Webhook", "code": 10015}))
    outcome = await deliver(CASES["discord"], providers.origin, http)
    assert outcome == Outcome.fail("404 Not Found: Unknown Webhook (10015)")


async def test_discord_unusable_url_is_final(http: httpx.AsyncClient) -> None:
    channel = DiscordChannel(channel_settings("http://127.0.0.1:9"), http)
    target = channel.target({"discord_webhook": "ftp://discord.example/api/webhooks/1/x"})
    assert isinstance(target, Target)
    outcome = await channel.send(target, alert())
    assert not outcome.delivered and not outcome.retryable
    assert outcome.detail.startswith("invalid URL")


# --- Telegram -------------------------------------------------------------------------------------


async def test_telegram_sends_escaped_html_to_the_chat(providers: Providers, http: httpx.AsyncClient) -> None:
    message = alert(title="<BTC> & co", fields={"Price": "< 50,000"}, url="http://cryptomon.test/a?x=1&y=2")
    outcome = await deliver(CASES["telegram"], providers.origin, http, message)

    assert outcome == Outcome.ok("200 message 4242", "4242")
    [request] = providers.seen("telegram")
    assert request.path == f"/bot{BOT_TOKEN}/sendMessage"
    assert request.json() == {
        "chat_id": CHAT_ID,
        "text": (
            "<b>&lt;BTC&gt; &amp; co</b>\n"
            "BTC-USD crossed 50,000 USD: now 50,123.40.\n"
            "\n"
            "Price: &lt; 50,000\n"
            "\n"
            '<a href="http://cryptomon.test/a?x=1&amp;y=2">Open in Cryptomon</a>'
        ),
        "parse_mode": "HTML",
        "disable_web_page_preview": True,
    }


async def test_telegram_text_counts_grouped_events(providers: Providers, http: httpx.AsyncClient) -> None:
    await deliver(CASES["telegram"], providers.origin, http, alert(grouped=4, fields={}, url=None))
    text = providers.seen("telegram")[0].json()["text"]
    assert text == "<b>BTC-USD above 50,000</b> <i>(4 alerts)</i>\nBTC-USD crossed 50,000 USD: now 50,123.40."


async def test_telegram_flood_control_waits(providers: Providers, http: httpx.AsyncClient) -> None:
    providers.script("telegram", Reply.fixture(429, "telegram", "sendMessage_429_constructed.json"))
    outcome = await deliver(CASES["telegram"], providers.origin, http)
    assert outcome == Outcome.retry("429 Too Many Requests: retry after 5", retry_after=5.0)


@pytest.mark.parametrize(
    ("status", "name", "detail"),
    [
        (400, "sendMessage_400_chat_not_found_constructed.json", "400 Bad Request: chat not found"),
        (401, "sendMessage_401_unauthorized_constructed.json", "401 Unauthorized"),
    ],
)
async def test_telegram_client_errors_are_final(
    status: int, name: str, detail: str, providers: Providers, http: httpx.AsyncClient
) -> None:
    providers.script("telegram", Reply.fixture(status, "telegram", name))
    outcome = await deliver(CASES["telegram"], providers.origin, http)
    assert outcome == Outcome.fail(detail)


async def test_telegram_never_logs_the_bot_token(
    providers: Providers, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    await deliver(CASES["telegram"], providers.origin, http)
    assert any("HTTP Request: POST" in r.getMessage() for r in caplog.records)
    assert BOT_TOKEN not in caplog.text
    # Other clients' URLs (market data) are still logged whole.
    await http.get(providers.url("/unknown/path"))
    assert "/unknown/path" in caplog.text


def test_telegram_needs_a_bot_token(http: httpx.AsyncClient) -> None:
    channel = TelegramChannel(channel_settings("http://127.0.0.1:9", telegram_bot_token=None), http)
    reason = _reason(channel.target({"telegram_chat_id": CHAT_ID}))
    expected = "TELEGRAM needs the server's bot: whoever runs the server sets CRYPTOMON_TELEGRAM_BOT_TOKEN"
    assert reason == expected
    both = _reason(channel.target({}))
    assert "preferences.channels.telegramChatId" in both and "CRYPTOMON_TELEGRAM_BOT_TOKEN" in both


# --- SMS (Twilio) ---------------------------------------------------------------------------------


async def test_sms_creates_a_twilio_message(providers: Providers, http: httpx.AsyncClient) -> None:
    outcome = await deliver(CASES["sms"], providers.origin, http)

    created = fixture_json("twilio", "messages_create_201_queued_docs_example.json")
    assert outcome == Outcome.ok(f"201 queued {created['sid']}", created["sid"])
    [request] = providers.seen("twilio")
    assert request.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    credentials = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {credentials}"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form() == {
        "To": PHONE,
        "From": TWILIO_FROM,
        "Body": "BTC-USD above 50,000\nPrice: 50,123.40 USD\nhttp://cryptomon.test/alerts/7",
    }


async def test_sms_text_fits_320_characters_and_keeps_the_link(
    providers: Providers, http: httpx.AsyncClient
) -> None:
    message = alert(title="T" * 400, fields={}, body="B" * 400, grouped=2)
    await deliver(CASES["sms"], providers.origin, http, message)
    text = providers.seen("twilio")[0].form()["Body"]
    assert len(text) == SMS_MAX
    assert text.endswith("…\nhttp://cryptomon.test/alerts/7")


async def test_sms_429_waits_retry_after(providers: Providers, http: httpx.AsyncClient) -> None:
    too_many = {"code": 20429, "message": "Too Many Requests", "more_info": "", "status": 429}
    providers.script("twilio", Reply.json(429, too_many, {"Retry-After": "2"}))
    outcome = await deliver(CASES["sms"], providers.origin, http)
    assert outcome.retryable and outcome.retry_after == 2.0
    assert outcome.detail == "429 Too Many Requests: 20429 Too Many Requests (retry after 2 s)"


@pytest.mark.parametrize(
    ("status", "code", "text"),
    [
        (400, 21211, "The 'To' number +1500555000 is not a valid phone number."),
        (401, 20003, "Authenticate"),
    ],
)
async def test_sms_twilio_errors_are_final(
    status: int, code: int, text: str, providers: Providers, http: httpx.AsyncClient
) -> None:
    # Twilio's error body (twilio.com/docs/usage/twilios-response#response-formats-exceptions).
    error = {"code": code, "message": text, "more_info": f"https://www.twilio.com/docs/errors/{code}"}
    providers.script("twilio", Reply.json(status, {**error, "status": status}))
    outcome = await deliver(CASES["sms"], providers.origin, http)
    assert not outcome.delivered and not outcome.retryable
    assert outcome.detail.startswith(f"{status} ") and f"{code} {text}" in outcome.detail


@pytest.mark.parametrize("missing", ["twilio_account_sid", "twilio_auth_token", "twilio_from_number"])
def test_sms_needs_twilio_configured(missing: str, http: httpx.AsyncClient) -> None:
    channel = SmsChannel(channel_settings("http://127.0.0.1:9", **{missing: None}), http)
    reason = _reason(channel.target({"phone": PHONE}))
    # Only the unset variable is named, and the phone that is set is not asked for.
    server = "SMS needs the server's Twilio account: whoever runs the server sets"
    assert reason == f"{server} CRYPTOMON_{missing.upper()}"


def test_sms_without_a_phone_or_twilio_names_both(http: httpx.AsyncClient) -> None:
    unconfigured = channel_settings(
        "http://127.0.0.1:9", twilio_account_sid=None, twilio_auth_token=None, twilio_from_number=None
    )
    reason = _reason(SmsChannel(unconfigured, http).target({}))
    assert reason == (
        "SMS needs your phone number: set preferences.channels.phone (Settings → Notification channels → "
        "Phone (SMS)); and the server's Twilio account: whoever runs the server sets "
        "CRYPTOMON_TWILIO_ACCOUNT_SID, CRYPTOMON_TWILIO_AUTH_TOKEN and CRYPTOMON_TWILIO_FROM_NUMBER"
    )


# --- Webhook --------------------------------------------------------------------------------------


async def test_webhook_posts_signed_json(
    providers: Providers, http: httpx.AsyncClient, clock: FrozenClock
) -> None:
    outcome = await deliver(CASES["webhook"], providers.origin, http, alert(grouped=2))

    assert outcome == Outcome.ok("204")
    [request] = providers.seen("webhook")
    assert request.path == "/hooks/alice"
    assert request.headers["content-type"] == "application/json"
    timestamp = request.headers["x-cryptomon-timestamp"]
    assert timestamp == "1763035200"  # the frozen clock: 2025-11-13 12:00 UTC
    assert request.json() == {
        "type": "ALERT_TRIGGERED",
        "title": "BTC-USD above 50,000",
        "body": "BTC-USD crossed 50,000 USD: now 50,123.40.",
        "fields": {"Price": "50,123.40 USD", "Condition": "price above 50,000", "Change 24h": "+2.1 %"},
        "url": "http://cryptomon.test/alerts/7",
        "grouped": 2,
        "event": alert().event,
        "sentAt": "2025-11-13T12:00:00Z",
    }
    signature = request.headers["x-cryptomon-signature"]
    assert signature.startswith("sha256=")
    assert verify_signature(HOOK_SECRET, timestamp, request.body, signature)
    assert not verify_signature("wrong-secret", timestamp, request.body, signature)
    assert not verify_signature(HOOK_SECRET, timestamp, request.body.replace(b"50,000", b"40,000"), signature)
    assert not verify_signature(HOOK_SECRET, "1763035201", request.body, signature)
    now = 1763035200 + 60
    assert verify_signature(HOOK_SECRET, timestamp, request.body, signature, max_age_seconds=300, now=now)
    assert not verify_signature(HOOK_SECRET, timestamp, request.body, signature, max_age_seconds=30, now=now)


async def test_webhook_429_waits_retry_after(providers: Providers, http: httpx.AsyncClient) -> None:
    providers.script("webhook", Reply(429, b"slow down", {"Retry-After": "7"}))
    outcome = await deliver(CASES["webhook"], providers.origin, http)
    assert outcome == Outcome.retry("429 Too Many Requests: slow down (retry after 7 s)", retry_after=7.0)


@pytest.mark.parametrize("status", [400, 404, 410])
async def test_webhook_client_errors_are_final(
    status: int, providers: Providers, http: httpx.AsyncClient
) -> None:
    providers.script("webhook", Reply(status, b'{"error": "no such hook"}'))
    outcome = await deliver(CASES["webhook"], providers.origin, http)
    assert not outcome.delivered and not outcome.retryable
    assert outcome.detail.endswith('{"error": "no such hook"}')


def test_webhook_is_never_unsigned(http: httpx.AsyncClient) -> None:
    channel = WebhookChannel(channel_settings("http://127.0.0.1:9"), http)
    url = "http://127.0.0.1:9/hooks/a"
    for unsigned in ({"webhook_url": url}, {"webhook_url": url, "webhook_secret": ""}):
        reason = _reason(channel.target(unsigned))
        assert "preferences.channels.webhookSecret" in reason and "webhookUrl" not in reason


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "[::1]"])
async def test_user_urls_may_not_reach_private_addresses(
    providers: Providers, http: httpx.AsyncClient, address: str
) -> None:
    settings = channel_settings(providers.origin, allow_private_targets=False)
    webhook = WebhookChannel(settings, http)
    target = Target(f"http://{address}:{providers.port}/hooks/internal", secret="s" * 32)
    outcome = await webhook.send(target, Message(title="t", body="b"))
    assert not outcome.delivered and not outcome.retryable and "not a public address" in outcome.detail
    discord = DiscordChannel(settings, http)
    refused = await discord.send(
        Target(f"http://{address}:{providers.port}{DISCORD_PATH}"), Message("t", "b")
    )
    assert not refused.delivered and "not a public address" in refused.detail
    assert providers.seen("webhook") == [] and providers.seen("discord") == []  # nothing was sent
