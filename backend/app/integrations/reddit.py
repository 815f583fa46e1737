"""Reddit's public JSON listings (`/r/{subreddit}/{sort}.json`, `/search.json`) as posts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final, Literal, Unpack, get_args

from pydantic import FiniteFloat, TypeAdapter

from app.integrations.http import ApiClient, HttpOptions, Params, interval
from app.integrations.parsing import Shape
from app.integrations.posts import Post, join_text

if TYPE_CHECKING:
    from app.config import Settings

SOURCE: Final = "reddit"
WEB_URL = "https://www.reddit.com"  # permalinks point here even when the API is oauth.reddit.com
MAX_LIMIT = 100  # the most one listing page holds

Sort = Literal["hot", "new", "top"]
SearchSort = Literal["relevance", "hot", "top", "new", "comments"]
Period = Literal["hour", "day", "week", "month", "year", "all"]

_SUBREDDIT = re.compile(r"[A-Za-z0-9_]{2,21}")
_DELETED = "[deleted]"


class _Link(Shape):
    id: str
    title: str
    selftext: str = ""
    permalink: str
    author: str | None = None
    created_utc: FiniteFloat
    score: int
    num_comments: int
    subreddit: str


class _Child(Shape):
    kind: Literal["t3"]  # links only: listings and link searches hold nothing else
    data: _Link


class _ListingData(Shape):
    children: list[_Child]
    after: str | None = None


class _Listing(Shape):
    kind: Literal["Listing"]
    data: _ListingData


_LISTING = TypeAdapter(_Listing)


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")


def _check_subreddit(name: str) -> None:
    if not _SUBREDDIT.fullmatch(name):
        raise ValueError(f"not a subreddit name (2-21 letters, digits or _): {name!r}")


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1-{MAX_LIMIT}, not {limit}")


class RedditClient(ApiClient):
    """Reddit without OAuth: public `.json` listings, with the descriptive User-Agent Reddit requires."""

    def __init__(self, settings: Settings, **options: Unpack[HttpOptions]) -> None:
        # Unauthenticated clients get a tenth of an OAuth client's rate, and generic agents are blocked
        # outright; 429s are waited out by HttpClient.
        super().__init__(
            settings.reddit_api_url,
            settings,
            headers={"User-Agent": settings.reddit_user_agent, "Accept": "application/json"},
            min_interval=interval(settings.reddit_requests_per_minute),
            **options,
        )

    async def listing(
        self, subreddit: str, sort: Sort = "hot", *, limit: int = 25, t: Period = "day"
    ) -> list[Post]:
        """The first `limit` posts of `r/{subreddit}` by `sort`; `t` is the period of `top`."""
        _check_subreddit(subreddit)
        _check(sort, get_args(Sort), "sort")
        _check_limit(limit)
        # raw_json=1: without it Reddit sends titles and bodies with &, < and > HTML-escaped.
        params: dict[str, str | int] = {"limit": limit, "raw_json": 1}
        if sort == "top":
            _check(t, get_args(Period), "t")
            params["t"] = t
        return await self._posts(f"/r/{subreddit}/{sort}.json", params)

    async def search(
        self,
        query: str,
        subreddit: str | None = None,
        *,
        limit: int = 25,
        sort: SearchSort = "new",
        t: Period = "day",
    ) -> list[Post]:
        """Posts matching `query` (Reddit search syntax) in the last `t`, site-wide or in one subreddit."""
        if not query.strip():
            raise ValueError("an empty Reddit search")
        _check(sort, get_args(SearchSort), "sort")
        _check(t, get_args(Period), "t")
        _check_limit(limit)
        params: dict[str, str | int] = {"q": query, "limit": limit, "sort": sort, "t": t, "raw_json": 1}
        if subreddit is None:
            return await self._posts("/search.json", params)
        _check_subreddit(subreddit)
        params["restrict_sr"] = 1
        return await self._posts(f"/r/{subreddit}/search.json", params)

    async def _posts(self, path: str, params: Params) -> list[Post]:
        listing = await self.http.get_json(path, _LISTING, params=params)
        return [_post(child.data) for child in listing.data.children]


def _post(link: _Link) -> Post:
    return Post(
        source=SOURCE,
        id=link.id,
        title=link.title,
        text=join_text(link.title, link.selftext.strip()),
        url=WEB_URL + link.permalink,
        author=None if link.author in (None, _DELETED) else link.author,
        created=link.created_utc,
        score=link.score,
        comments=link.num_comments,
        outlet=f"r/{link.subreddit}",
    )
