"""Social sentiment (X when configured, otherwise Reddit and news) and the news stories about an asset;
the text of posts and stories reaches the model fenced as external data."""

from __future__ import annotations

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent.tools import provenance
from app.agent.tools.base import AgentTool, Context, Output, Symbol, ToolArgs, external_text
from app.analysis import service as analysis_service
from app.content import service as content_service

MAX_POSTS = 5


class SentimentArgs(ToolArgs):
    symbol: Symbol
    timeframe: str = Field(default="7d", max_length=6, description="1d to 365d")


async def _sentiment(ctx: Context, session: AsyncSession, args: SentimentArgs) -> Output:
    part = await analysis_service.sentiment_part(ctx.runtime, session, args.symbol, args.timeframe)
    data = part.model_dump(
        mode="json",
        by_alias=True,
        include={"symbol", "timeframe", "score", "label", "fear_greed_index", "fear_greed_classification"},
    )
    data["postsBySource"] = part.social_volume_by_source
    data["usesX"] = bool(ctx.runtime.settings.x_bearer_token)
    data["posts"] = [
        {
            "source": p.source,
            "publishedAt": p.published_at.isoformat(),
            "score": p.score,
            "text": external_text(f"{p.title or ''} {p.text}".strip(), p.source),
        }
        for p in part.posts[:MAX_POSTS]
    ]
    return Output(data, *provenance.of(part, "social"))


class NewsArgs(ToolArgs):
    symbol: Symbol | None = Field(default=None, description="Only stories about this asset")
    query: str | None = Field(default=None, max_length=200, description="Words every story must contain")
    limit: int = Field(default=5, ge=1, le=10)


async def _news(ctx: Context, session: AsyncSession, args: NewsArgs) -> Output:
    query = content_service.NewsQuery(args.symbol, args.query, "relevance", args.limit, 0)
    page = await content_service.news_page(ctx.runtime, session, ctx.user, query)
    stories = [
        {
            "outlet": i.source,
            "publishedAt": i.published_at.isoformat(),
            "symbols": i.symbols,
            "sentiment": i.sentiment,
            "url": i.url,
            "headline": external_text(f"{i.title}: {i.summary}", i.source),
        }
        for i in page.items
    ]
    source = "news feeds (bundled recordings)" if page.snapshot else "news feeds"
    return Output({"count": page.count, "stories": stories}, source, page.as_of)


SENTIMENT = AgentTool(
    name="social_sentiment",
    description="Social sentiment of an asset: a 0..1 score of recent posts (X when configured, otherwise "
    "Reddit and news; `postsBySource` says which), the Fear & Greed index, and a few posts.",
    args=SentimentArgs,
    run=_sentiment,
)
NEWS = AgentTool(
    name="news",
    description="Recent news stories, most relevant first, optionally about one asset or containing words.",
    args=NewsArgs,
    run=_news,
)
