"""The daily digest in the seed's shape: GET /api/content/daily-digest/{userId}."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.core.schemas import ApiModel, UtcDateTime

MarketSentiment = Literal["BULLISH", "BEARISH", "NEUTRAL"]


class Mover(ApiModel):
    symbol: str
    # An explicit alias: the generator would write "change24H", the seed writes "change24h".
    change24h: float = Field(alias="change24h", description="The 24h change as a fraction: 0.08 is +8%")
    price: float | None = None
    mine: bool = Field(default=False, description="On the user's watchlist or in a portfolio")


class FearGreed(ApiModel):
    value: int
    classification: str
    change: int | None = Field(description="Against the reading a day earlier")
    day: str = Field(description="The day the reading is for (UTC)")
    source: str
    as_of: UtcDateTime
    snapshot: bool


class Breadth(ApiModel):
    advancers: int
    decliners: int
    unchanged: int
    market_change: float | None = Field(description="The equal-weighted mean of the assets' 24h changes")


class MarketOverview(ApiModel):
    summary: str
    sentiment: MarketSentiment
    top_movers: list[Mover]
    breadth: Breadth
    fear_greed: FearGreed | None
    sources: list[str] = Field(description="Where the figures come from, each with its as-of time")


class DigestLesson(ApiModel):
    id: int
    title: str
    type: str
    difficulty: str
    url: str
    reason: str | None = None


class DigestNews(ApiModel):
    id: int
    title: str
    source: str
    relevance_score: float
    url: str
    published_at: UtcDateTime
    symbols: list[str]


class PortfolioMove(ApiModel):
    portfolio_id: int
    name: str
    value: float | None
    day_change: float | None = Field(description="Since the last daily close (00:00 UTC), as a fraction")
    currency: str


class DigestOut(ApiModel):
    user_id: int
    date: str = Field(description="The user's local date (YYYY-MM-DD) in preferences.timezone")
    market_overview: MarketOverview
    educational_content: list[DigestLesson]
    personalized_news: list[DigestNews]
    alerts_triggered: int = Field(description="The user's alert triggers in the 24 hours before it was built")
    portfolios: list[PortfolioMove]
    generated_at: UtcDateTime
    sent_at: UtcDateTime | None
