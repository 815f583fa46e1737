"""News: items as the feed and the digest show them, and the admins' feed list."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, StringConstraints

from app.core.schemas import ApiModel, RequestModel, UtcDateTime

FeedKind = Literal["RSS", "REDDIT"]
SentimentLabel = Literal["BULLISH", "BEARISH", "NEUTRAL"]


class NewsItemOut(ApiModel):
    """One story: the seed's {title, source, relevanceScore, url} and what it was made from."""

    id: int
    title: str
    source: str = Field(description="The outlet: a feed's title (CoinDesk) or r/<subreddit>")
    relevance_score: float = Field(ge=0, le=1, description="For the caller: docs/API.md gives the formula")
    url: str
    summary: str = Field(description="Plain text, at most 500 characters")
    published_at: UtcDateTime
    symbols: list[str] = Field(description="The assets the story mentions (registry names, tickers, aliases)")
    sentiment: float | None = Field(
        description="The sentiment analyser's score in [0, 1]: 0 bearish, 0.5 no direction, 1 bullish"
    )
    sentiment_label: str | None
    provider: str = Field(description="rss or reddit")
    snapshot: bool = Field(description="Read from the bundled recordings, not live")
    fetched_at: UtcDateTime


class NewsPage(ApiModel):
    items: list[NewsItemOut]
    count: int = Field(description="How many items match (the page holds at most `limit`)")
    as_of: UtcDateTime | None = Field(description="When the newest item was fetched")
    snapshot: bool = Field(description="True when every item comes from the bundled recordings")


class FeedIn(RequestModel):
    url: AnyHttpUrl
    kind: FeedKind = "RSS"
    title: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)] | None = (
        None
    )


class FeedPatch(RequestModel):
    enabled: bool


class FeedOut(ApiModel):
    id: int
    url: str
    kind: FeedKind
    title: str | None
    enabled: bool
    created_at: UtcDateTime
    last_fetched_at: UtcDateTime | None
    last_error: str | None
    last_items: int | None


class FeedList(ApiModel):
    feeds: list[FeedOut]
    count: int


class RefreshOut(ApiModel):
    """What one run of the aggregator did."""

    feeds: int
    fetched: int = Field(description="Entries read from the feeds")
    added: int = Field(description="New stories stored (the rest were duplicates)")
    failed: list[str] = Field(description="The feeds that did not answer, with why")
