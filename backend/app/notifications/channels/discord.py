"""The Discord channel: one embed per message, posted to the user's channel webhook."""

from __future__ import annotations

from typing import Any

import httpx

from app.notifications.channels.base import Message, Missing, Outcome, RateLimit, Target, yours
from app.notifications.channels.render import (
    Answer,
    HttpChannel,
    body_excerpt,
    clip,
    direction,
    event_time,
    grouped_note,
    number,
    post,
)

# Discord's embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
EMBED_TOTAL_MAX = 6000

GREEN = 0x57F287
RED = 0xED4245
BLURPLE = 0x5865F2
COLOURS = {"UP": GREEN, "DOWN": RED}
FOOTER = "Cryptomon"


class DiscordChannel(HttpChannel):
    name: str = "DISCORD"
    rate_limit: RateLimit | None = RateLimit(5, 5.0)  # per webhook

    def target(self, channels: dict[str, Any]) -> Target | Missing:
        webhook = channels.get("discord_webhook")
        if isinstance(webhook, str) and webhook.strip():
            return Target(webhook)
        return Missing(f"{self.name} needs " + yours("a webhook URL", "discordWebhook", "Discord webhook"))

    async def send(self, target: Target, message: Message) -> Outcome:
        return await post(
            self._http,
            target.address,
            _read,
            timeout=self._settings.http_timeout_seconds,
            # wait=true: Discord answers with the created message (its id) instead of 204.
            params={"wait": "true"},
            json=payload(message),
            secrets=[target.address],
            public_only=not self._settings.allow_private_targets,
        )


def payload(message: Message) -> dict[str, Any]:
    """The execute-webhook body. Mentions are disabled: titles and bodies may quote user text."""
    body: dict[str, Any] = {"embeds": [embed(message)], "allowed_mentions": {"parse": []}}
    note = grouped_note(message)
    if note:
        body["content"] = note
    return body


def embed(message: Message) -> dict[str, Any]:
    title = clip(message.title, TITLE_MAX)
    fields = _fields(message.fields, EMBED_TOTAL_MAX - len(title) - len(FOOTER))
    used = len(title) + len(FOOTER) + sum(len(f["name"]) + len(f["value"]) for f in fields)
    result: dict[str, Any] = {
        "title": title,
        "description": clip(message.body, min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - used)),
        "color": COLOURS.get(direction(message) or "", BLURPLE),
        "fields": fields,
        "footer": {"text": FOOTER},
    }
    if message.url:
        result["url"] = message.url
    timestamp = event_time(message)
    if timestamp:
        result["timestamp"] = timestamp
    return result


def _fields(fields: dict[str, str], budget: int) -> list[dict[str, Any]]:
    """At most 25 fields, each clipped, stopping before the embed's total budget would be exceeded;
    Discord rejects empty names and values, so those get a placeholder."""
    result: list[dict[str, Any]] = []
    for name, value in list(fields.items())[:FIELDS_MAX]:
        field: dict[str, Any] = {
            "name": clip(name, FIELD_NAME_MAX) or "-",
            "value": clip(value, FIELD_VALUE_MAX) or "-",
            "inline": True,
        }
        budget -= len(field["name"]) + len(field["value"])
        if budget < 0:
            break
        result.append(field)
    return result


def _read(response: httpx.Response, data: dict[str, Any]) -> Answer:
    """A message object on success; errors are `{"message", "code"}`, 429s add `retry_after` (seconds)."""
    if response.is_success:
        message_id = data.get("id")
        return Answer(f"message {message_id}" if message_id else "", str(message_id) if message_id else None)
    text = data.get("message")
    summary = f"{text} ({data['code']})" if text and data.get("code") else text or body_excerpt(response)
    return Answer(str(summary), retry_after=number(data.get("retry_after")))
