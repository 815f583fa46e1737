"""ASGI middleware: request ids, access log and metrics, and the request body size limit."""

from __future__ import annotations

import json
import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.client_address import Network, client_address
from app.core.envelope import error_body
from app.core.errors import HTTP_STATUS, ErrorCode
from app.core.logging import request_id_var
from app.core.metrics import HTTP_LATENCY, HTTP_REQUESTS
from app.core.outage import OUTAGE_MESSAGE, is_outage

log = logging.getLogger("app.access")
UNHANDLED = "Internal error; it was logged with the request id"
BODILESS = frozenset({"GET", "HEAD"})


class RequestContextMiddleware:
    """Give every request an id (kept from X-Request-ID when sane), log it, and count it."""

    def __init__(self, app: ASGIApp, trusted_proxies: tuple[Network, ...] = ()) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # WebSockets: held for hours, logged by the gateway, no response to tag
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        started_response = False

        async def send_tracked(message: Message) -> None:
            nonlocal started_response
            started_response = started_response or message["type"] == "http.response.start"
            await send_with_id(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as exc:
            # Answered here, not by Starlette's outer error middleware, so the 500 carries the request
            # id and is logged with it.
            outage = is_outage(exc)
            log.log(
                logging.WARNING if outage else logging.ERROR,
                "%s on %s %s",
                "backing service unreachable" if outage else "unhandled error",
                scope["method"],
                scope["path"],
                exc_info=True,
            )
            if started_response:
                raise
            outcome = (
                (ErrorCode.SERVICE_UNAVAILABLE, OUTAGE_MESSAGE)
                if outage
                else (ErrorCode.INTERNAL_ERROR, UNHANDLED)
            )
            await send_error(send_with_id, *outcome)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            HTTP_LATENCY.labels(scope["method"], route).observe(elapsed)
            log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "status": status,
                    "durationMs": round(elapsed * 1000, 2),
                    "client": client_address(scope, self.trusted_proxies),
                },
            )
            request_id_var.reset(token)


async def send_error(send: Send, code: ErrorCode, message: str) -> None:
    """The error envelope, with its code's status, for code that answers below the framework."""
    raw = json.dumps(error_body(code, message), separators=(",", ":")).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    await send({"type": "http.response.start", "status": HTTP_STATUS[code], "headers": headers})
    await send({"type": "http.response.body", "body": raw})


def _is_json(content_type: bytes) -> bool:
    media = content_type.split(b";")[0].strip().lower()
    return media == b"application/json" or media.endswith(b"+json")


class RequestBodyMiddleware:
    """Refuse request bodies over `max_bytes` (413, with or without Content-Length) and API bodies
    that are not JSON (415), except multipart/form-data on the `upload_paths` (file uploads, up to
    `upload_max_bytes`)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_paths: frozenset[str] = frozenset(),
        upload_max_bytes: int = 0,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_paths = upload_paths
        self.upload_max_bytes = upload_max_bytes

    async def _reject(self, send: Send, limit: int) -> None:
        await send_error(send, ErrorCode.PAYLOAD_TOO_LARGE, f"Request body is over {limit} bytes")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if scope["method"] in BODILESS and declared is None and b"transfer-encoding" not in headers:
            # HTTP/1.1: with neither header there is no body, nothing to hold back (most API traffic).
            await self.app(scope, receive, send)
            return
        limit = (
            max(self.max_bytes, self.upload_max_bytes)
            if scope["path"] in self.upload_paths
            else self.max_bytes
        )
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._reject(send, limit)
            return
        # Without a trustworthy length, read up to the limit before the app sees anything.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([], message), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._reject(send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        content_type = headers.get(b"content-type", b"")
        upload = scope["path"] in self.upload_paths and content_type.lower().startswith(
            b"multipart/form-data"
        )
        if size and scope["path"].startswith("/api/") and not _is_json(content_type) and not upload:
            shown = content_type.decode("latin-1") or "none"
            hint = f"Send the body as application/json (Content-Type was {shown})"
            await send_error(send, ErrorCode.UNSUPPORTED_MEDIA_TYPE, hint)
            return
        await self.app(scope, _replay(chunks, None, receive), send)


def _replay(chunks: list[bytes], pending: Message | None, receive: Receive | None = None) -> Receive:
    body_sent = False

    async def replay() -> Message:
        nonlocal body_sent
        if pending is not None:
            return pending
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        assert receive is not None
        return await receive()

    return replay
