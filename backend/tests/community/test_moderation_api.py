"""Moderation on both deployments: automatic checks on create and edit (REJECT refused, HOLD kept for the
moderators), flags, the queue, hide / approve / lock, bans, reputation penalties, rate limits."""

from __future__ import annotations

from typing import Any

import httpx

from tests.community.conftest import POSTS, get, make_moderator, write
from tests.conftest import Account, assert_error, make_admin, register

MODERATION = "/api/community/moderation"


async def _moderator(client: httpx.AsyncClient, settings: Any) -> Account:
    moderator = await register(client)
    await make_moderator(settings, moderator.id)
    return moderator


async def test_scams_are_rejected_and_nothing_is_saved(client: httpx.AsyncClient) -> None:
    author = await register(client)
    for content in (
        "Giveaway! Send 1 ETH to my address and get 2 ETH back instantly",
        "Support here: DM me your 12 word seed phrase to validate your wallet",
    ):
        body = {"userId": author.id, "title": "free money", "content": content}
        rejected = assert_error(
            await client.post(POSTS, json=body, headers=author.headers), 422, "CONTENT_REJECTED"
        )
        assert rejected["field"] == "content"
        assert rejected["details"] and all(d["field"].startswith("SCAM") for d in rejected["details"])
    assert (await get(client, author, POSTS))["items"] == []
    lesson = await write(
        client, author, content="Never share your seed phrase with anyone, support included."
    )
    assert lesson["moderation"]["status"] == "ALLOW"


async def test_held_posts_wait_for_a_moderator(client: httpx.AsyncClient, settings: Any) -> None:
    author, reader = await register(client), await register(client)
    moderator = await _moderator(client, settings)
    held = await write(
        client,
        author,
        title="rant",
        content="This fucking exchange froze my withdrawal again.",
        tags=["rants"],
    )
    assert held["moderation"]["status"] == "HOLD_FOR_REVIEW"
    assert [r["code"] for r in held["moderation"]["reasons"]] == ["PROFANITY"]
    url = f"{POSTS}/{held['postId']}"
    assert_error(await client.get(url, headers=reader.headers), 404, "NOT_FOUND")
    assert (await get(client, reader, POSTS))["items"] == []
    queue = await get(client, moderator, f"{MODERATION}/queue")
    assert [(i["target"], i["targetId"]) for i in queue["items"]] == [("POST", held["postId"])]
    assert_error(await client.get(f"{MODERATION}/queue", headers=reader.headers), 403, "FORBIDDEN")
    fan = await register(client)
    follow = {"kind": "TAG", "target": "rants"}
    assert (await client.post("/api/community/follows", json=follow, headers=fan.headers)).status_code == 201
    unusable = await client.delete("/api/community/follows/TAG/%21%21%21", headers=fan.headers)
    assert unusable.status_code == 204
    approve = {"action": "APPROVE", "reason": "venting, not abuse"}
    assert (
        await client.post(f"{MODERATION}/posts/{held['postId']}", json=approve, headers=moderator.headers)
    ).status_code == 200
    assert (await get(client, reader, url))["moderation"] == {"status": "ALLOW", "reasons": []}
    assert (await get(client, moderator, f"{MODERATION}/queue"))["items"] == []
    inbox = await get(client, fan, "/api/notifications", channel="IN_APP")
    assert [(n["event"]["kind"], n["event"]["postId"]) for n in inbox["notifications"]] == [
        ("TAG", held["postId"])
    ]
    spam = await write(client, author, title="again", content="This shit again, second time this week.")
    assert spam["moderation"]["status"] == "HOLD_FOR_REVIEW"
    hide = {"action": "HIDE", "reason": "abusive"}
    hidden = await client.post(f"{MODERATION}/posts/{spam['postId']}", json=hide, headers=moderator.headers)
    assert hidden.status_code == 200 and hidden.json()["data"]["postId"] == spam["postId"]
    assert (await get(client, moderator, f"{MODERATION}/queue"))["items"] == []  # dealt with


async def test_flags_hide_lock_and_reputation(client: httpx.AsyncClient, settings: Any) -> None:
    author, reader = await register(client), await register(client)
    moderator = await _moderator(client, settings)
    post_id = (await write(client, author))["postId"]
    for _ in range(2):  # once per member
        flagged = await client.post(
            f"{POSTS}/{post_id}/flags", json={"reason": "off topic"}, headers=reader.headers
        )
        assert flagged.status_code == 200, flagged.text
    [item] = (await get(client, moderator, f"{MODERATION}/queue"))["items"]
    assert (item["flags"], item["flagReasons"]) == (1, ["off topic"])

    lock = {"action": "LOCK", "reason": "heated"}
    assert (
        await client.post(f"{MODERATION}/posts/{post_id}", json=lock, headers=moderator.headers)
    ).status_code == 200
    refused = await client.post(
        f"{POSTS}/{post_id}/comments", json={"content": "late"}, headers=reader.headers
    )
    assert_error(refused, 409, "CONFLICT")
    hide = {"action": "HIDE", "reason": "spam"}
    assert (
        await client.post(f"{MODERATION}/posts/{post_id}", json=hide, headers=moderator.headers)
    ).status_code == 200
    assert_error(await client.get(f"{POSTS}/{post_id}", headers=reader.headers), 404, "NOT_FOUND")
    assert (await get(client, author, f"{POSTS}/{post_id}"))["status"] == "HIDDEN"
    member = await get(client, reader, f"/api/community/members/{author.id}")
    assert (member["penalties"], member["reputation"]) == (1, -10)
    assert (await get(client, moderator, f"{MODERATION}/queue"))["items"] == []
    log = await get(client, moderator, f"{MODERATION}/log")
    assert [a["action"] for a in log["items"]] == ["HIDE", "LOCK"]
    assert {(a["postId"], a["actorId"], a["target"]) for a in log["items"]} == {
        (post_id, moderator.id, "POST")
    }
    assert log["items"][0]["actor"] == f"user{moderator.id}"
    own = await client.post(f"{POSTS}/{post_id}/flags", json={"reason": "mine"}, headers=author.headers)
    assert_error(own, 422, "VALIDATION_ERROR")
    edit = await client.patch(f"{POSTS}/{post_id}", json={"title": "changed"}, headers=author.headers)
    assert_error(edit, 409, "CONFLICT")
    no_reason = await client.post(
        f"{MODERATION}/posts/{post_id}", json={"action": "HIDE"}, headers=moderator.headers
    )
    assert assert_error(no_reason, 422, "VALIDATION_ERROR")["field"] == "reason"


async def test_banned_members_cannot_write(client: httpx.AsyncClient, settings: Any) -> None:
    member, other = await register(client), await register(client)
    moderator = await _moderator(client, settings)
    post_id = (await write(client, other))["postId"]
    ban = {"reason": "repeated scams", "days": 7}
    assert_error(
        await client.post(f"{MODERATION}/members/{member.id}/ban", json=ban, headers=other.headers),
        403,
        "FORBIDDEN",
    )
    banned = await client.post(f"{MODERATION}/members/{member.id}/ban", json=ban, headers=moderator.headers)
    assert banned.status_code == 200, banned.text
    body = {"userId": member.id, "title": "hi", "content": "hello"}
    assert (
        "repeated scams"
        in assert_error(await client.post(POSTS, json=body, headers=member.headers), 403, "FORBIDDEN")[
            "message"
        ]
    )
    assert_error(
        await client.post(f"{POSTS}/{post_id}/votes", json={"value": 1}, headers=member.headers),
        403,
        "FORBIDDEN",
    )
    lift = {"reason": "appeal accepted"}
    assert (
        await client.post(f"{MODERATION}/members/{member.id}/unban", json=lift, headers=moderator.headers)
    ).status_code == 200
    await write(client, member)


async def test_posting_rate_is_limited_per_member(client: httpx.AsyncClient) -> None:
    author = await register(client)
    statuses = []
    for n in range(7):
        body = {"userId": author.id, "title": f"post {n}", "content": f"different text number {n}"}
        statuses.append((await client.post(POSTS, json=body, headers=author.headers)).status_code)
    assert statuses[:5] == [201] * 5 and statuses[5:] == [429, 429]


async def test_admins_appoint_moderators(client: httpx.AsyncClient, settings: Any) -> None:
    admin, member, other = await register(client), await register(client), await register(client)
    await make_admin(settings, admin.id)
    url = f"/api/users/{member.id}/role"
    assert_error(await client.put(url, json={"role": "moderator"}, headers=other.headers), 403, "FORBIDDEN")
    assert_error(await client.get(f"{MODERATION}/queue", headers=member.headers), 403, "FORBIDDEN")
    appointed = await client.put(url, json={"role": "moderator"}, headers=admin.headers)
    assert appointed.status_code == 200 and appointed.json()["data"]["role"] == "moderator"
    assert (await client.get(f"{MODERATION}/queue", headers=member.headers)).status_code == 200
    bad = await client.put(url, json={"role": "king"}, headers=admin.headers)
    assert assert_error(bad, 422, "VALIDATION_ERROR")["field"] == "role"
    own = await client.put(f"/api/users/{admin.id}/role", json={"role": "user"}, headers=admin.headers)
    assert assert_error(own, 422, "VALIDATION_ERROR")["field"] == "userId"
    missing = await client.put("/api/users/999999/role", json={"role": "user"}, headers=admin.headers)
    assert_error(missing, 404, "NOT_FOUND")
