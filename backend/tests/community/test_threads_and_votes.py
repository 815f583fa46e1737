"""Comments and votes on both deployments: threads with a depth limit, the post's count always equal to its
live comments, one changeable vote per member with counts right under concurrent voters, reputation."""

from __future__ import annotations

import asyncio

import httpx

from tests.community.conftest import POSTS, get, write
from tests.conftest import Account, assert_error, register


async def _comment(
    client: httpx.AsyncClient, who: Account, post_id: int, text: str, parent: int | None = None
) -> int:
    body = {"content": text} | ({"parentId": parent} if parent else {})
    response = await client.post(f"{POSTS}/{post_id}/comments", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    comment_id: int = response.json()["data"]["commentId"]
    return comment_id


async def test_threads_depth_and_live_count(client: httpx.AsyncClient) -> None:
    author, reader = await register(client), await register(client)
    post_id = (await write(client, author))["postId"]
    first = await _comment(client, reader, post_id, "first")
    second = await _comment(client, author, post_id, "second")
    parent = first
    for depth in range(1, 6):
        parent = await _comment(client, author if depth % 2 else reader, post_id, f"reply {depth}", parent)
    too_deep = await client.post(
        f"{POSTS}/{post_id}/comments", json={"content": "x", "parentId": parent}, headers=reader.headers
    )
    assert assert_error(too_deep, 422, "VALIDATION_ERROR")["field"] == "parentId"
    thread = await get(client, reader, f"{POSTS}/{post_id}/comments")
    assert [c["content"] for c in thread["items"]] == [
        "first",
        *(f"reply {d}" for d in range(1, 6)),
        "second",
    ]
    assert [c["depth"] for c in thread["items"]] == [0, 1, 2, 3, 4, 5, 0]
    assert thread["comments"] == 7 == (await get(client, reader, f"{POSTS}/{post_id}"))["comments"]

    assert_error(
        await client.delete(f"{POSTS}/{post_id}/comments/{second}", headers=reader.headers), 403, "FORBIDDEN"
    )
    assert (
        await client.delete(f"{POSTS}/{post_id}/comments/{first}", headers=reader.headers)
    ).status_code == 204
    thread = await get(client, reader, f"{POSTS}/{post_id}/comments")
    placeholder = thread["items"][0]
    assert (
        placeholder["status"] == "DELETED" and placeholder["content"] == "" and placeholder["author"] is None
    )
    assert thread["comments"] == 6 == (await get(client, author, f"{POSTS}/{post_id}"))["comments"]

    edited = await client.patch(
        f"{POSTS}/{post_id}/comments/{second}", json={"content": "second, edited"}, headers=author.headers
    )
    assert edited.status_code == 200 and edited.json()["data"]["updatedAt"] is not None
    missing = await client.post(
        f"{POSTS}/{post_id}/comments", json={"content": "x", "parentId": 999_999}, headers=reader.headers
    )
    assert assert_error(missing, 404, "NOT_FOUND")["field"] == "parentId"
    assert_error(
        await client.post(f"{POSTS}/{post_id}/comments", json={"content": "  "}, headers=reader.headers),
        422,
        "VALIDATION_ERROR",
    )


async def test_one_vote_per_member_changeable(client: httpx.AsyncClient) -> None:
    author, voter = await register(client), await register(client)
    post_id = (await write(client, author))["postId"]
    url = f"{POSTS}/{post_id}/votes"

    async def vote(value: int) -> dict[str, int]:
        response = await client.post(url, json={"value": value}, headers=voter.headers)
        assert response.status_code == 200, response.text
        data: dict[str, int] = response.json()["data"]
        return data

    assert await vote(1) == {"upvotes": 1, "downvotes": 0, "score": 1, "myVote": 1}
    assert await vote(1) == {"upvotes": 1, "downvotes": 0, "score": 1, "myVote": 1}  # idempotent
    assert await vote(-1) == {"upvotes": 0, "downvotes": 1, "score": -1, "myVote": -1}
    assert await vote(0) == {"upvotes": 0, "downvotes": 0, "score": 0, "myVote": 0}
    await vote(1)
    member = await get(client, voter, f"/api/community/members/{author.id}")
    assert (member["votesReceived"], member["reputation"]) == (1, 1)
    assert (await get(client, voter, f"{POSTS}/{post_id}"))["myVote"] == 1
    for bad in ({"value": 2}, {"value": "1"}, {}, {"value": 1, "extra": 1}):
        assert_error(await client.post(url, json=bad, headers=voter.headers), 422, "VALIDATION_ERROR")
    assert_error(
        await client.post(f"{POSTS}/999999/votes", json={"value": 1}, headers=voter.headers), 404, "NOT_FOUND"
    )


async def test_counts_stay_right_under_concurrent_voters(client: httpx.AsyncClient) -> None:
    author = await register(client)
    voters = [await register(client) for _ in range(16)]
    post_id = (await write(client, author))["postId"]
    comment_id = await _comment(client, author, post_id, "vote on me too")

    async def vote(who: Account, value: int) -> None:
        for url in (f"{POSTS}/{post_id}/votes", f"{POSTS}/{post_id}/comments/{comment_id}/votes"):
            response = await client.post(url, json={"value": value}, headers=who.headers)
            assert response.status_code == 200, response.text

    first = {i: 1 if i % 4 else -1 for i in range(16)}
    second = {i: 1 for i in range(4)} | {i: 0 for i in range(4, 8)}
    await asyncio.gather(*(vote(voters[i], value) for i, value in first.items()))
    await asyncio.gather(*(vote(voters[i], value) for i, value in second.items()))
    final = list((first | second).values())
    expected = (final.count(1), final.count(-1))
    assert expected == (10, 2)
    post = await get(client, author, f"{POSTS}/{post_id}")
    assert (post["upvotes"], post["downvotes"]) == expected
    thread = await get(client, author, f"{POSTS}/{post_id}/comments")
    assert (thread["items"][0]["upvotes"], thread["items"][0]["downvotes"]) == expected
    member = await get(client, author, f"/api/community/members/{author.id}")
    assert member["votesReceived"] == 2 * (10 - 2)


async def test_concurrent_comments_keep_the_count(client: httpx.AsyncClient) -> None:
    author = await register(client)
    people = [await register(client) for _ in range(10)]
    post_id = (await write(client, author))["postId"]
    await asyncio.gather(*(_comment(client, p, post_id, f"hello from {i}") for i, p in enumerate(people)))
    assert (await get(client, author, f"{POSTS}/{post_id}"))["comments"] == 10


async def test_stats_per_day(client: httpx.AsyncClient) -> None:
    author, reader = await register(client), await register(client)
    post_id = (await write(client, author))["postId"]
    await get(client, reader, f"{POSTS}/{post_id}")
    await client.post(f"{POSTS}/{post_id}/votes", json={"value": 1}, headers=reader.headers)
    stats = await get(client, author, f"{POSTS}/{post_id}/stats")
    assert (stats["views"], stats["readers"], stats["upvotes"]) == (1, 1, 1)
    [day] = stats["days"]
    assert (day["views"], day["readers"], day["upvotes"], day["downvotes"]) == (1, 1, 1, 0)
