"""The Telegram channel: an HTML-formatted message from the server's bot to the user's chat."""

from __future__ import annotations

from html import escape
from typing import Any

import httpx

from app.notifications.channels.base import (
    Message,
    Missing,
    Outcome,
    RateLimit,
    Target,
    needs,
    servers,
    yours,
)
from app.notifications.channels.render import (
    Answer,
    HttpChannel,
    body_excerpt,
    clip,
    grouped_note,
    number,
    post,
)

# Telegram allows 4096 characters of text (counted after HTML parsing); these caps keep any message
# under it: 256 + 1024 + 25 x 100 plus the link.
TITLE_MAX = 256
BODY_MAX = 1024
FIELDS_MAX = 25
FIELD_LINE_MAX = 100
LINK_TEXT = "Open in Cryptomon"
BOT_TOKEN = "CRYPTOMON_TELEGRAM_BOT_TOKEN"


class TelegramChannel(HttpChannel):
    name: str = "TELEGRAM"
    rate_limit: RateLimit | None = RateLimit(1, 1.0)  # per chat, Telegram's documented limit

    def target(self, channels: dict[str, Any]) -> Target | Missing:
        chat_id = str(channels.get("telegram_chat_id") or "").strip()
        missing = needs(
            self.name,
            [
                *([] if chat_id else [yours("your chat id", "telegramChatId", "Telegram chat")]),
                *([] if self._settings.telegram_bot_token else [servers("the server's bot", [BOT_TOKEN])]),
            ],
        )
        return missing or Target(chat_id)

    async def send(self, target: Target, message: Message) -> Outcome:
        token = self._settings.telegram_bot_token
        if not token:
            return Outcome.fail("Telegram is not configured (no bot token)")
        return await post(
            self._http,
            f"{self._settings.telegram_api_url.rstrip('/')}/bot{token}/sendMessage",
            _read,
            timeout=self._settings.http_timeout_seconds,
            json={
                "chat_id": target.address,
                "text": text(message),
                "parse_mode": "HTML",
                "disable_web_page_preview": True,
            },
            secrets=[token],
        )


def text(message: Message) -> str:
    """Title in bold (with the grouped count), the body, one line per field, then the link; all escaped."""
    heading = f"<b>{escape(clip(message.title, TITLE_MAX), quote=False)}</b>"
    note = grouped_note(message)
    if note:
        heading += f" <i>({note})</i>"
    lines = [heading, escape(clip(message.body, BODY_MAX), quote=False)]
    fields = list(message.fields.items())[:FIELDS_MAX]
    if fields:
        lines.append("")
        lines += [escape(clip(f"{label}: {value}", FIELD_LINE_MAX), quote=False) for label, value in fields]
    if message.url:
        lines += ["", f'<a href="{escape(message.url, quote=True)}">{LINK_TEXT}</a>']
    return "\n".join(lines)


def _read(response: httpx.Response, data: dict[str, Any]) -> Answer:
    """`{"ok": true, "result": Message}`, or `{"ok": false, "error_code", "description", "parameters"}`."""
    if response.is_success and data.get("ok") is True:
        result = data.get("result")
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return Answer(f"message {message_id}", str(message_id) if message_id is not None else None)
    parameters = data.get("parameters")
    retry_after = number(parameters.get("retry_after")) if isinstance(parameters, dict) else None
    return Answer(str(data.get("description") or body_excerpt(response)), retry_after=retry_after)
