"""Full-text search over posts: SQLite FTS5 (porter stemming) or PostgreSQL's English text search."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.community.models import Post

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


def fts5_query(q: str) -> str | None:
    """The words of `q` as an FTS5 query that matches posts holding all of them (prefixes for the last).

    User text never reaches FTS5's syntax: each word is quoted.

    >>> fts5_query('RSI "divergence" OR 4h')
    '"RSI" "divergence" "OR" "4h"*'
    >>> fts5_query("  ") is None
    True
    """
    words = _WORD.findall(q)[:MAX_TERMS]
    if not words:
        return None
    return " ".join(f'"{w}"' for w in words) + "*"


RANKED = 1000
"""Only the newest this-many matches are ranked: relevance over every match of a word in half the posts
costs ~100 ms (SQLite) to ~300 ms (PostgreSQL) at 100,000 posts, and posts ids grow with time."""


def ranked(session: AsyncSession, query: Select[Post], q: str) -> Select[Post] | None:
    """`query` narrowed to the newest `RANKED` posts matching `q`, best first; None when `q` has no words."""
    if session.get_bind().dialect.name == "postgresql":
        if not _WORD.search(q):
            return None
        terms = func.websearch_to_tsquery("english", q)
        search: ColumnElement[Any] = literal_column("community_posts.search")
        recent = select(Post.id).where(search.op("@@")(terms)).order_by(Post.id.desc()).limit(RANKED)
        return query.where(Post.id.in_(recent.scalar_subquery())).order_by(
            func.ts_rank_cd(search, terms).desc(), Post.id.desc()
        )
    match = fts5_query(q)
    if match is None:
        return None
    fts = table("community_posts_fts", column("rowid"), column("rank"))
    matching = text("community_posts_fts MATCH :match").bindparams(match=match)
    oldest_ranked = (
        select(fts.c.rowid).where(matching).order_by(fts.c.rowid.desc()).limit(1).offset(RANKED - 1)
    ).scalar_subquery()
    hits = (
        select(fts.c.rowid.label("post_id"), fts.c.rank.label("rank"))
        .where(matching, fts.c.rowid >= func.coalesce(oldest_ranked, 0))
        .subquery()
    )
    return query.join(hits, hits.c.post_id == Post.id).order_by(hits.c.rank, Post.id.desc())
