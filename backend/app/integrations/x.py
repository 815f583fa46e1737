"""X (Twitter) API v2 recent search (`/2/tweets/search/recent`, last 7 days) as posts."""

from __future__ import annotations

import html
import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, Unpack

import httpx
from pydantic import TypeAdapter

from app.integrations.http import ApiClient, HttpOptions, interval
from app.integrations.parsing import Shape, epoch, wall_time
from app.integrations.posts import Post

if TYPE_CHECKING:
    from app.config import Settings

SOURCE: Final = "x"
TWEET_FIELDS = "created_at,public_metrics,author_id,lang"
MIN_RESULTS, MAX_RESULTS = 10, 100  # the range /2/tweets/search/recent accepts for max_results
TWITTER_EPOCH_MS = 1288834974657  # snowflake ids: milliseconds since this, shifted left 22 bits


class _Metrics(Shape):
    like_count: int
    reply_count: int
    retweet_count: int | None = None
    quote_count: int | None = None


class _Tweet(Shape):
    id: str
    text: str
    author_id: str | None = None
    created_at: datetime | None = None
    lang: str | None = None
    public_metrics: _Metrics | None = None


class _Meta(Shape):
    result_count: int
    newest_id: str | None = None
    oldest_id: str | None = None
    next_token: str | None = None


class _Search(Shape):
    data: list[_Tweet] = []  # absent when nothing matched (meta.result_count 0)
    meta: _Meta


_SEARCH = TypeAdapter(_Search)


class XClient(ApiClient):
    """X API v2 with an app bearer token. Without a token X is unavailable: nothing stands in for it."""

    def __init__(self, settings: Settings, **options: Unpack[HttpOptions]) -> None:
        if not settings.x_bearer_token:
            raise ValueError("X needs an API bearer token (CRYPTOMON_X_BEARER_TOKEN)")
        inner = options.get("transport") or httpx.AsyncHTTPTransport()
        seams: HttpOptions = {**options, "transport": _ResetAsRetryAfter(inner)}
        # X's quotas are per 15-minute window and depend on the plan; the configured rate is Basic's.
        super().__init__(
            settings.x_api_url,
            settings,
            headers={"Authorization": f"Bearer {settings.x_bearer_token}", "Accept": "application/json"},
            min_interval=interval(settings.x_requests_per_minute),
            **seams,
        )

    async def recent_search(
        self, query: str, max_results: int = 10, since: float | None = None
    ) -> list[Post]:
        """Tweets of the last 7 days matching `query` (X search operators), newest first; `since` (epoch
        seconds, within those 7 days) is the earliest creation time wanted."""
        if not query.strip():
            raise ValueError("an empty X search")
        if not MIN_RESULTS <= max_results <= MAX_RESULTS:
            raise ValueError(f"max_results must be {MIN_RESULTS}-{MAX_RESULTS}, not {max_results}")
        params: dict[str, str | int] = {
            "query": query,
            "max_results": max_results,
            "tweet.fields": TWEET_FIELDS,
        }
        if since is not None:
            params["start_time"] = datetime.fromtimestamp(since, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        # X caps the posts read per month, not calls: the most this call can return is spent up front
        # and what it did not return is given back.
        body = await self.http.get_json(
            "/2/tweets/search/recent", _SEARCH, params=params, credits=max_results
        )
        if self.http.budget is not None:
            await self.http.budget.refund(max_results - len(body.data))
        return [_post(tweet) for tweet in body.data]


def snowflake_time(tweet_id: str) -> float:
    """The creation time (epoch seconds, millisecond precision) encoded in a tweet id.

    >>> snowflake_time("1578516068309794817")
    1665182532.752
    """
    return ((int(tweet_id) >> 22) + TWITTER_EPOCH_MS) / 1000


def _post(tweet: _Tweet) -> Post:
    metrics = tweet.public_metrics
    return Post(
        source=SOURCE,
        id=tweet.id,
        title=None,
        # X escapes &, < and > in tweet text as HTML entities.
        text=html.unescape(tweet.text),
        # Without the user expansion only the author's id is known; this form of link needs no handle.
        url=f"https://x.com/i/web/status/{tweet.id}",
        author=tweet.author_id,
        created=epoch(tweet.created_at) if tweet.created_at else snowflake_time(tweet.id),
        score=metrics.like_count if metrics else None,
        comments=metrics.reply_count if metrics else None,
    )


class _ResetAsRetryAfter(httpx.AsyncBaseTransport):
    """X answers 429 with `x-rate-limit-reset` (epoch seconds when the window reopens) and no
    Retry-After. This adds the equivalent Retry-After, so HttpClient waits out a window that reopens
    soon and raises at once, with `HttpError.retry_after` set, for one that does not, instead of
    spending its retries on a window that is still closed."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        reset = response.headers.get("x-rate-limit-reset", "").strip()
        if response.status_code == 429 and "retry-after" not in response.headers and reset.isdigit():
            response.headers["Retry-After"] = str(max(0, math.ceil(int(reset) - wall_time())))
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
