"""The audit log: what it records, who may read which events, paging, and retention."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from app.config import Settings
from app.core.clock import FrozenClock
from app.core.tasks.registry import JobContext
from app.users.tasks import prune_security_history
from tests.conftest import Account, assert_error, register, set_role


async def _events(client: httpx.AsyncClient, account: Account, query: str = "") -> list[dict[str, object]]:
    response = await client.get(f"/api/users/me/audit{query}", headers=account.headers)
    assert response.status_code == 200, response.text
    events: list[dict[str, object]] = response.json()["data"]["events"]
    return events


async def test_account_events_are_recorded_with_their_origin(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    account = await register(client)
    email = account.user["email"]
    wrong = await client.post(
        "/api/auth/login", json={"email": email, "password": "wrong-horse"}, headers={"User-Agent": "curl/8"}
    )
    assert_error(wrong, 401, "INVALID_CREDENTIALS")
    change = {"password": "new-correct-horse", "currentPassword": "correct-horse"}
    assert (await client.patch("/api/users/me", headers=account.headers, json=change)).status_code == 200
    fresh = await client.post("/api/auth/login", json={"email": email, "password": "new-correct-horse"})
    signed_in = Account(fresh.json()["data"]["user"], fresh.json()["data"]["tokens"])
    events = await _events(client, signed_in)
    assert [e["action"] for e in events] == [
        "signin.success",
        "session.ended_all",
        "password.changed",
        "signin.failure",
        "signin.success",  # the registration's sign-in
    ]
    failure = events[3]
    assert failure["userAgent"] == "curl/8" and failure["ip"] == "127.0.0.1"
    assert failure["details"] == {"email": email} and failure["userId"] == account.id


async def test_users_see_their_own_events_and_admins_everyones(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    alice, bob, admin = await register(client), await register(client), await register(client)
    await set_role(settings, admin.id, "admin")
    unknown = await client.post("/api/auth/login", json={"email": "nobody@example.com", "password": "x" * 8})
    assert_error(unknown, 401, "INVALID_CREDENTIALS")
    assert {e["userId"] for e in await _events(client, alice)} == {alice.id}
    assert_error(await client.get("/api/admin/audit", headers=alice.headers), 403, "FORBIDDEN")
    role = await client.put(f"/api/users/{bob.id}/role", headers=admin.headers, json={"role": "moderator"})
    assert role.status_code == 200
    changed = (await _events(client, bob))[0]
    assert changed["action"] == "role.changed" and changed["actorId"] == admin.id
    assert changed["details"] == {"from": "user", "to": "moderator"}
    every = (await client.get("/api/admin/audit?limit=200", headers=admin.headers)).json()["data"]["events"]
    assert {alice.id, bob.id, admin.id, None} <= {e["userId"] for e in every}
    failed = (await client.get("/api/admin/audit?action=signin.failure", headers=admin.headers)).json()[
        "data"
    ]
    assert [e["details"] for e in failed["events"]] == [{"email": "nobody@example.com"}]
    only_bob = (await client.get(f"/api/admin/audit?userId={bob.id}", headers=admin.headers)).json()["data"]
    assert {e["userId"] for e in only_bob["events"]} == {bob.id}
    assert_error(
        await client.get("/api/admin/audit?action=nonsense", headers=admin.headers), 422, "VALIDATION_ERROR"
    )


async def test_moderation_actions_reach_the_members_log(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    moderator, member = await register(client), await register(client)
    await set_role(settings, moderator.id, "moderator")
    ban = await client.post(
        f"/api/community/moderation/members/{member.id}/ban",
        headers=moderator.headers,
        json={"reason": "spam", "days": 1},
    )
    assert ban.status_code == 200, ban.text
    seen = (await _events(client, member))[0]
    assert seen["action"] == "moderation.action" and seen["actorId"] == moderator.id
    assert seen["details"] == {"action": "BAN", "target": "USER", "targetId": member.id, "reason": "spam"}
    assert (await _events(client, moderator))[0]["action"] == "moderation.action"  # and the moderator's own


async def test_pages_and_retention(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, clock: FrozenClock
) -> None:
    account = await register(client)
    for _ in range(4):
        await client.post(
            "/api/auth/login", json={"email": account.user["email"], "password": "correct-horse"}
        )
    first = (await client.get("/api/users/me/audit?limit=3", headers=account.headers)).json()["data"]
    assert len(first["events"]) == 3 and first["nextBefore"] == first["events"][-1]["id"]
    rest = await client.get(
        f"/api/users/me/audit?limit=3&before={first['nextBefore']}", headers=account.headers
    )
    second = rest.json()["data"]
    assert len(second["events"]) == 2 and second["nextBefore"] is None
    clock.advance(settings.audit_retention_days * 86400 + 1)
    email = account.user["email"]
    await client.post("/api/auth/login", json={"email": email, "password": "wrong-horse"})
    again = await client.post("/api/auth/login", json={"email": email, "password": "correct-horse"})
    result = await prune_security_history(JobContext(app.state.runtime, "j", None))
    assert result["auditEvents"] == 5
    signed_in = Account(again.json()["data"]["user"], again.json()["data"]["tokens"])
    assert [e["action"] for e in await _events(client, signed_in)] == ["signin.success", "signin.failure"]
