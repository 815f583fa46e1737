"""Shared async HTTP for the API clients: timeouts, retries with backoff, 429 Retry-After, rate limiting."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypedDict, TypeVar, Unpack

import httpx
from pydantic import TypeAdapter

from app.integrations.errors import HttpError as HttpError  # re-exported: the clients raise it
from app.integrations.parsing import parse_json

if TYPE_CHECKING:
    from app.config import Settings
    from app.integrations.budget import CreditBudget

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
Params = Mapping[str, str | int | float]

log = logging.getLogger(__name__)


_ENCODING_HEADERS = {b"content-encoding", b"content-length", b"transfer-encoding"}


class ResponseTooLarge(HttpError):
    """A body over the client's `max_bytes`: refused, never retried."""


class HttpOptions(TypedDict, total=False):
    """The seams of a client: a transport instead of the network (httpx.MockTransport, ASGI), a
    `sleep`/`monotonic` pair so tests never wait real time, and the provider's credit `budget` (made by
    `budget.budget_for` from a cache; without one calls are not counted)."""

    transport: httpx.AsyncBaseTransport | None
    sleep: Sleep
    monotonic: Callable[[], float]
    budget: CreditBudget | None


def backoff_delay(
    attempt: int, *, base: float, cap: float, rng: Callable[[], float] = random.random
) -> float:
    """Exponential delay with equal jitter: half fixed, half random, so clients that failed together
    do not retry together, yet every delay still grows.

    >>> backoff_delay(0, base=1.0, cap=60.0, rng=lambda: 1.0)
    1.0
    >>> backoff_delay(10, base=1.0, cap=60.0, rng=lambda: 0.0)
    30.0
    """
    ceiling = min(cap, base * 2.0 ** min(attempt, 32))
    return ceiling / 2 + rng() * ceiling / 2


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """The delay a `Retry-After` header asks for: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _Closing:
    """`async with` support for anything with an `aclose`."""

    async def aclose(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def interval(per_minute: float) -> float:
    """The spacing, in seconds, that keeps calls within `per_minute`.

    >>> interval(30)
    2.0
    """
    return 60.0 / per_minute


class HttpClient(_Closing):
    """GET-and-parse over one `httpx.AsyncClient`. Transport errors, 5xx and 429 are retried; other
    statuses raise `HttpError` at once; a body of the wrong shape raises `MalformedMessage`. With a
    `budget`, each call first spends its credits (once, retries are not charged again) and a call that
    does not fit raises `BudgetExhausted` without a request."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        headers: Mapping[str, str] | None = None,
        min_interval: float = 0.0,
        retries: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        max_retry_after: float = 120.0,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        budget: CreditBudget | None = None,
        max_bytes: int | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            headers={"User-Agent": "cryptomon", **(headers or {})},
            transport=transport,
        )
        self._min_interval = min_interval
        self._retries = retries
        self._backoff = (backoff_base, backoff_cap)
        self._max_retry_after = max_retry_after
        self._sleep = sleep
        self._monotonic = monotonic
        self._rng = rng
        self._next_slot = float("-inf")
        self.budget = budget
        self._max_bytes = max_bytes  # a body larger than this (once decompressed) is refused

    async def get_json(
        self, path: str, adapter: TypeAdapter[T], *, params: Params | None = None, credits: int = 1
    ) -> T:
        response = await self._get(path, params, credits)
        return parse_json(adapter, response.content, f"GET {path}")

    async def get_response(
        self, path: str, *, params: Params | None = None, credits: int = 1
    ) -> httpx.Response:
        """The successful response itself, for bodies that are not JSON (feeds); same retries."""
        return await self._get(path, params, credits)

    async def _get(self, path: str, params: Params | None, credits: int) -> httpx.Response:
        if self.budget is not None:
            await self.budget.spend(credits)
        for attempt in range(self._retries + 1):
            await self._throttle()
            delay = backoff_delay(attempt, base=self._backoff[0], cap=self._backoff[1], rng=self._rng)
            try:
                response = await self._send(path, params)
            except httpx.TransportError as exc:
                # Connect errors and timeouts: GETs are idempotent, so trying again is safe.
                failure = HttpError(f"GET {path}: {type(exc).__name__}: {exc}")
            else:
                if response.is_success:
                    return response
                failure = _status_error(path, response)
                if response.status_code == 429:
                    if failure.retry_after is not None:
                        if failure.retry_after > self._max_retry_after:
                            raise failure  # the caller's own schedule handles a wait that long
                        delay = failure.retry_after
                elif response.status_code < 500:
                    raise failure
            if attempt == self._retries:
                raise failure
            # One wait that satisfies both the backoff and the rate limit.
            delay = max(delay, self._next_slot - self._monotonic())
            log.info("retrying in %.2fs (attempt %d): %s", delay, attempt + 1, failure)
            await self._sleep(delay)
        raise AssertionError("unreachable")

    async def _send(self, path: str, params: Params | None) -> httpx.Response:
        if self._max_bytes is None:
            return await self._client.get(path, params=params)
        request = self._client.build_request("GET", path, params=params)
        response = await self._client.send(request, stream=True)
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self._max_bytes:
                raise ResponseTooLarge(f"GET {path}: {declared} bytes, over the {self._max_bytes}-byte cap")
            body = bytearray()
            async for chunk in response.aiter_bytes():  # decoded: a gzip bomb counts at its real size
                body += chunk
                if len(body) > self._max_bytes:
                    raise ResponseTooLarge(f"GET {path}: over the {self._max_bytes}-byte cap")
        finally:
            await response.aclose()
        # The body is already decoded: the new response must not decode it again.
        headers = [(k, v) for k, v in response.headers.raw if k.lower() not in _ENCODING_HEADERS]
        return httpx.Response(response.status_code, headers=headers, content=bytes(body), request=request)

    async def _throttle(self) -> None:
        # The slot is reserved before awaiting, so concurrent callers queue up without a lock.
        now = self._monotonic()
        start = max(now, self._next_slot)
        self._next_slot = start + self._min_interval
        if start > now:
            await self._sleep(start - now)

    async def aclose(self) -> None:
        await self._client.aclose()


class ApiClient(_Closing):
    """Base of the provider clients: owns one `HttpClient` and closes it with the client."""

    def __init__(
        self,
        base_url: str,
        settings: Settings,
        *,
        headers: Mapping[str, str] | None = None,
        min_interval: float = 0.0,
        **options: Unpack[HttpOptions],
    ) -> None:
        self.http = HttpClient(
            base_url,
            timeout=settings.http_timeout_seconds,
            headers=headers,
            min_interval=min_interval,
            **options,
        )

    async def aclose(self) -> None:
        await self.http.aclose()


def _status_error(path: str, response: httpx.Response) -> HttpError:
    body = response.text[:200].replace("\n", " ")
    return HttpError(
        f"GET {path}: HTTP {response.status_code}: {body}",
        status=response.status_code,
        retry_after=retry_after_seconds(response.headers.get("Retry-After")),
    )
