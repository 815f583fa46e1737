"""The content domain's public use cases for other domains (the agent): the personalised news."""

from __future__ import annotations

from app.content.news import NewsQuery
from app.content.news import page as news_page

__all__ = ["NewsQuery", "news_page"]
