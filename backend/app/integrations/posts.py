"""The one result type of the social and news clients (Reddit, RSS/Atom feeds, X): a post."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PostSource = Literal["reddit", "rss", "x"]


@dataclass(frozen=True, slots=True)
class Post:
    """A Reddit link, a feed entry or a tweet; `created` is UTC epoch seconds."""

    source: PostSource
    id: str  # the provider's id, unique within `source`
    title: str | None
    text: str  # title and body (Reddit, feeds) or the tweet: what a sentiment scorer reads
    url: str
    author: str | None
    created: float
    score: int | None = None  # Reddit score, X like count
    comments: int | None = None
    outlet: str | None = None  # the feed's title, or r/<subreddit>

    @property
    def key(self) -> str:
        """Identity across fetches, for de-duplication."""
        return f"{self.source}:{self.id}"


def join_text(title: str | None, body: str | None) -> str:
    """Title and body as one text, a blank line between them; either may be missing."""
    return "\n\n".join(part for part in (title, body) if part)
