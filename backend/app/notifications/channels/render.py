"""What the HTTP channels share: one POST read into an Outcome, and text helpers (clipping, event facts)."""

from __future__ import annotations

import asyncio
import contextvars
import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from app.config import Settings
from app.core.clock import isoformat_z
from app.integrations.http import retry_after_seconds
from app.notifications.channels.base import Message, Outcome

DETAIL_MAX = 300
ELLIPSIS = "…"

# httpx logs every request's full URL at INFO, and channel URLs carry secrets (the Telegram bot token,
# Discord webhook tokens, users' webhook URLs): while a channel sends, its URLs are logged as the origin only.
_sending: contextvars.ContextVar[bool] = contextvars.ContextVar("notification_sending", default=False)


class _OriginOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if _sending.get() and isinstance(args, tuple):
            record.args = tuple(_origin(arg) if isinstance(arg, httpx.URL) else arg for arg in args)
        return True


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii')}/…"


logging.getLogger("httpx").addFilter(_OriginOnly())


class HttpChannel:
    """Base of the HTTP channels: the settings and the shared client (its pool) they send with."""

    def __init__(self, settings: Settings, http: httpx.AsyncClient) -> None:
        self._settings = settings
        self._http = http


@dataclass(frozen=True)
class Answer:
    """What a channel reads from its provider's reply: a short summary (the error message on failure),
    the provider's message id and, when rate limited, the wait the body asks for."""

    summary: str = ""
    provider_id: str | None = None
    retry_after: float | None = None


Reader = Callable[[httpx.Response, dict[str, Any]], Answer]


async def post(
    http: httpx.AsyncClient,
    url: str,
    read: Reader,
    *,
    timeout: float,
    secrets: Iterable[str | None] = (),
    public_only: bool = False,
    **request: Any,
) -> Outcome:
    """One POST, never raising for the network or the provider: the reply classified by `outcome`,
    transport failures retryable, a URL that cannot be sent to final. `secrets` never reach `detail`.
    `public_only` (a URL a user gave): refused when its host resolves to a private address."""
    if public_only and (address := await private_address(url)) is not None:
        reason = (
            f"refused: the host resolves to {address}, not a public address (CRYPTOMON_ALLOW_PRIVATE_TARGETS)"
        )
        return _redacted(Outcome.fail(reason), secrets)
    token = _sending.set(True)
    try:
        response = await http.post(url, timeout=timeout, **request)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return _redacted(Outcome.fail(f"invalid URL: {exc}"), secrets)
    except httpx.HTTPError as exc:
        return _redacted(Outcome.retry(_error_text(exc)), secrets)
    finally:
        _sending.reset(token)
    return _redacted(outcome(response, read(response, json_object(response))), secrets)


async def private_address(url: str) -> str | None:
    """An address the URL's host resolves to that is not public (loopback, private, link-local, reserved):
    a user's webhook must not reach the server's own network. None when all are public or it does not resolve
    (the POST then reports the failure). The connection resolves again, so DNS rebinding is not covered."""
    try:
        parsed = httpx.URL(url)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        infos = await asyncio.get_running_loop().getaddrinfo(parsed.host, port, type=socket.SOCK_STREAM)
    except (httpx.InvalidURL, OSError, UnicodeError):
        return None
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not address.is_global:
            return str(address)
    return None


def outcome(response: httpx.Response, answer: Answer) -> Outcome:
    """2xx delivered; 429 (after the provider's wait), 408 and 5xx retryable; any other status final."""
    status = response.status_code
    if response.is_success:
        return Outcome.ok(clip(f"{status} {answer.summary}".strip(), DETAIL_MAX), answer.provider_id)
    detail = _status_text(response, answer.summary)
    if status == 429:
        wait = answer.retry_after if answer.retry_after is not None else header_retry_after(response)
        if wait is not None and "retry after" not in detail.lower():
            detail = f"{detail} (retry after {wait:g} s)"
        return Outcome.retry(clip(detail, DETAIL_MAX), wait)
    if status == 408 or status >= 500:
        return Outcome.retry(clip(detail, DETAIL_MAX))
    return Outcome.fail(clip(detail, DETAIL_MAX))


def header_retry_after(response: httpx.Response) -> float | None:
    """`Retry-After` as seconds; providers send fractions too ("2.5"), which the HTTP form does not allow."""
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return retry_after_seconds(value)


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The body as a JSON object; {} when it is empty, not JSON or not an object (an HTML error page)."""
    try:
        data = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def body_excerpt(response: httpx.Response, limit: int = 200) -> str:
    return " ".join(response.text[:limit].split())


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def grouped_note(message: Message) -> str | None:
    """The count ("3 alerts") when storm control merged several events into this message."""
    return f"{message.grouped} alerts" if message.grouped > 1 else None


def direction(message: Message) -> str | None:
    value = message.event.get("direction")
    return value if value in ("UP", "DOWN") else None


def event_time(message: Message) -> str | None:
    """The event's `timestamp` (ISO string or Unix seconds) as ISO-8601 UTC; None if absent or unreadable."""
    value = message.event.get("timestamp")
    seconds = number(value)
    try:
        if isinstance(value, str):
            when = datetime.fromisoformat(value)
        elif seconds is not None:
            when = datetime.fromtimestamp(seconds, UTC)
        else:
            return None
    except (ValueError, OverflowError, OSError):
        return None
    return isoformat_z(when)


def _status_text(response: httpx.Response, summary: str) -> str:
    status, reason = response.status_code, response.reason_phrase
    if not summary:
        return f"{status} {reason}"
    if reason and summary.startswith(reason):  # Telegram repeats it: "Too Many Requests: retry after 5"
        return f"{status} {summary}"
    return f"{status} {reason}: {summary}"


def _error_text(exc: httpx.HTTPError) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _redacted(result: Outcome, secrets: Iterable[str | None]) -> Outcome:
    detail = result.detail
    for secret in secrets:
        if secret:
            detail = detail.replace(secret, "***")
    if detail == result.detail:
        return result
    return Outcome(result.delivered, result.retryable, result.retry_after, detail, result.provider_id)
