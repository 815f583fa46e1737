"""Posts on both deployments: the seed's create, reading, editing with history, soft delete, visibility,
lists (NEW, TOP, TRENDING, filters), full-text search, and every bad input refused with nothing saved."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.community.conftest import POSTS, get, make_moderator, write
from tests.conftest import assert_error, register

SEED = {
    "title": "BTC bullish divergence spotted",
    "content": "4h chart showing strong RSI divergence...",
    "tags": ["BTC", "TECHNICAL_ANALYSIS"],
    "attachments": ["https://cdn.example.com/chart.png"],
}


async def test_the_seed_request_answers_the_seed_response(client: httpx.AsyncClient) -> None:
    author = await register(client)
    response = await client.post(POSTS, json={"userId": author.id, **SEED}, headers=author.headers)
    assert response.status_code == 201, response.text
    post = response.json()["data"]
    assert list(post)[:7] == ["postId", "userId", "title", "upvotes", "comments", "visibility", "createdAt"]
    assert post["userId"] == author.id and post["title"] == SEED["title"]
    assert (post["upvotes"], post["comments"], post["visibility"]) == (0, 0, "PUBLIC")
    assert post["createdAt"].endswith("Z")
    assert post["tags"] == ["BTC", "TECHNICAL_ANALYSIS"]
    assert post["moderation"] == {"status": "ALLOW", "reasons": []}
    # cdn.example.com is not an allowed image host: kept as a link, not shown as an image.
    [attachment] = post["attachments"]
    assert attachment["type"] == "LINK" and attachment["url"] == SEED["attachments"][0]
    assert attachment["embeddable"] is False

    reader = await register(client)
    read = await get(client, reader, f"{POSTS}/{post['postId']}")
    assert read["contentHtml"].strip() == "<p>4h chart showing strong RSI divergence...</p>"
    assert (read["views"], read["readers"]) == (1, 1)
    again = await get(client, reader, f"{POSTS}/{post['postId']}")
    assert (again["views"], again["readers"]) == (2, 1)
    own = await get(client, author, f"{POSTS}/{post['postId']}")
    assert own["views"] == 2  # the author's own reads are not counted


async def test_markdown_is_rendered_safely_with_assets_linked(client: httpx.AsyncClient) -> None:
    author = await register(client)
    content = "Long **$BTC** and ETH-USD <script>alert(1)</script> [x](javascript:alert(1)) `$SOL`"
    post = await write(client, author, content=content)
    html = post["contentHtml"]
    assert "<script" not in html and 'href="javascript' not in html
    assert 'class="asset">$BTC</a>' in html and 'class="asset">ETH-USD</a>' in html
    assert "<code>$SOL</code>" in html
    assert post["symbols"] == ["BTC-USD", "ETH-USD"]
    listed = await get(client, author, POSTS, symbol="ETH-USD")
    assert [p["postId"] for p in listed["items"]] == [post["postId"]]


async def test_allowed_image_hosts_are_shown(client: httpx.AsyncClient) -> None:
    author = await register(client)
    post = await write(client, author, attachments=["https://i.imgur.com/abc.png", "https://example.org/a"])
    assert [(a["type"], a["embeddable"]) for a in post["attachments"]] == [("IMAGE", True), ("LINK", False)]
    inline = {"userId": author.id, "title": "t", "content": "![chart](https://evil.example/x.png)"}
    response = await client.post(POSTS, json=inline, headers=author.headers)
    assert assert_error(response, 422, "VALIDATION_ERROR")["field"] == "content"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"content": ""}, "content"),
        ({"content": "x" * 40_001}, "content"),
        ({"tags": [f"t{i}" for i in range(11)]}, "tags"),
        ({"tags": ["!!!"]}, "tags"),
        ({"attachments": [f"https://example.org/{i}" for i in range(6)]}, "attachments"),
        ({"attachments": ["ftp://example.org/x"]}, "attachments[0]"),
        ({"attachments": [{"type": "BACKTEST", "id": "bt_nope"}]}, "attachments[0]"),
        ({"attachments": [{"type": "ALERT", "id": "999999"}]}, "attachments[0]"),
        ({"attachments": [{"type": "CHART", "id": "1"}]}, "attachments.0"),
        ({"visibility": "SECRET"}, "visibility"),
        ({"userId": 999_999}, None),
    ],
)
async def test_bad_posts_are_refused_and_nothing_is_saved(
    client: httpx.AsyncClient, change: dict[str, Any], field: str | None
) -> None:
    author = await register(client)
    body = {"userId": author.id, **SEED} | change
    response = await client.post(POSTS, json=body, headers=author.headers)
    assert response.status_code in (403, 404, 422), response.text
    if field is not None:
        assert response.json()["field"].startswith(field.split(".")[0]), response.text
    assert (await get(client, author, POSTS))["items"] == []


async def test_only_the_author_edits_and_history_is_kept(client: httpx.AsyncClient) -> None:
    author, other = await register(client), await register(client)
    post = await write(client, author, tags=["btc"])
    url = f"{POSTS}/{post['postId']}"
    assert_error(await client.patch(url, json={"title": "mine now"}, headers=other.headers), 403, "FORBIDDEN")
    edited = await client.patch(
        url, json={"content": "Updated: **$ETH** too", "tags": ["eth"]}, headers=author.headers
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()["data"]
    assert body["tags"] == ["ETH"] and body["revisions"] == 1 and body["updatedAt"] is not None
    assert body["symbols"] == ["ETH-USD"]
    history = await get(client, author, f"{url}/history")
    assert [(h["content"], h["tags"]) for h in history] == [("4h RSI divergence", ["BTC"])]
    assert (await get(client, author, POSTS, tag="btc"))["items"] == []
    assert len((await get(client, author, POSTS, tag="ETH"))["items"]) == 1


async def test_soft_delete_and_moderator_restore(client: httpx.AsyncClient, settings: Any) -> None:
    author, other, moderator = await register(client), await register(client), await register(client)
    await make_moderator(settings, moderator.id)
    post = await write(client, author)
    url = f"{POSTS}/{post['postId']}"
    assert_error(await client.delete(url, headers=other.headers), 403, "FORBIDDEN")
    assert (await client.delete(url, headers=author.headers)).status_code == 204
    for who in (author, other, moderator):
        assert_error(await client.get(url, headers=who.headers), 404, "NOT_FOUND")
    restore = {"action": "RESTORE", "reason": "deleted by mistake"}
    done = await client.post(
        f"/api/community/moderation/posts/{post['postId']}", json=restore, headers=moderator.headers
    )
    assert done.status_code == 200, done.text
    assert (await get(client, other, url))["status"] == "PUBLISHED"
    log = await get(client, moderator, "/api/community/moderation/log")
    assert [(a["action"], a["reason"]) for a in log["items"]] == [("RESTORE", "deleted by mistake")]
    assert_error(await client.get("/api/community/moderation/log", headers=author.headers), 403, "FORBIDDEN")


async def test_visibility(client: httpx.AsyncClient) -> None:
    author, follower, stranger = await register(client), await register(client), await register(client)
    private = await write(client, author, visibility="PRIVATE", title="private", content="for me")
    followers = await write(client, author, visibility="FOLLOWERS", title="followers", content="for you")
    follow = await client.post(
        "/api/community/follows", json={"kind": "USER", "target": str(author.id)}, headers=follower.headers
    )
    assert follow.status_code == 201, follow.text
    for post, who, visible in [
        (private, author, True),
        (private, follower, False),
        (followers, follower, True),
        (followers, stranger, False),
    ]:
        response = await client.get(f"{POSTS}/{post['postId']}", headers=who.headers)
        assert response.status_code == (200 if visible else 404)
    assert [p["title"] for p in (await get(client, follower, POSTS))["items"]] == ["followers"]
    assert (await get(client, stranger, POSTS))["items"] == []
    assert len((await get(client, author, POSTS))["items"]) == 2


async def test_sorting_and_filters(client: httpx.AsyncClient) -> None:
    people = [await register(client) for _ in range(4)]
    old = await write(client, people[0], title="old but loved", tags=["defi"])
    await write(client, people[1], title="new and quiet", tags=["btc"])
    for voter in people[1:]:
        response = await client.post(
            f"{POSTS}/{old['postId']}/votes", json={"value": 1}, headers=voter.headers
        )
        assert response.status_code == 200, response.text
    titles = lambda page: [p["title"] for p in page["items"]]  # noqa: E731
    assert titles(await get(client, people[0], POSTS, sort="NEW")) == ["new and quiet", "old but loved"]
    assert titles(await get(client, people[0], POSTS, sort="TOP", period="day")) == [
        "old but loved",
        "new and quiet",
    ]
    assert titles(await get(client, people[0], POSTS, sort="TRENDING")) == ["old but loved", "new and quiet"]
    assert titles(await get(client, people[0], POSTS, tag="#BTC")) == ["new and quiet"]
    assert titles(await get(client, people[0], POSTS, author=str(people[0].id))) == ["old but loved"]
    page = await get(client, people[0], POSTS, limit=1)
    assert page["hasMore"] is True and len(page["items"]) == 1


async def test_full_text_search(client: httpx.AsyncClient) -> None:
    author = await register(client)
    await write(
        client, author, title="Ethereum staking yields", content="Validators earn rewards on the beacon chain"
    )
    await write(client, author, title="Bitcoin halving", content="Miners and the supply schedule")
    found = await get(client, author, POSTS, q="validator reward", sort="RELEVANCE")
    assert [p["title"] for p in found["items"]] == ["Ethereum staking yields"]  # stemmed: validators, rewards
    assert [p["title"] for p in (await get(client, author, POSTS, q="halv"))["items"]] == ["Bitcoin halving"]
    for hostile in ['"', "NEAR(a b", "a OR", "*", "title:x", "-", "' OR 1=1 --", "\\"]:
        response = await client.get(POSTS, params={"q": hostile}, headers=author.headers)
        assert response.status_code == 200, (hostile, response.text)
