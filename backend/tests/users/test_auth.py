"""Register, login, refresh, me; wrong password; expired, tampered and revoked tokens."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from app.config import Settings
from app.core.clock import FrozenClock
from tests.conftest import assert_error, register


async def test_register_login_refresh_me(client: httpx.AsyncClient) -> None:
    account = await register(client, "Alice@Example.com", "correct-horse")
    assert account.user["email"] == "alice@example.com"
    assert account.user["role"] == "user"
    assert account.tokens["tokenType"] == "bearer"

    login = await client.post(
        "/api/auth/login", json={"email": "alice@example.com", "password": "correct-horse"}
    )
    assert login.status_code == 200
    tokens = login.json()["data"]["tokens"]

    me = await client.get("/api/users/me", headers={"Authorization": f"Bearer {tokens['accessToken']}"})
    assert me.json()["data"]["id"] == account.id

    refreshed = await client.post("/api/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert refreshed.status_code == 200
    new_access = refreshed.json()["data"]["tokens"]["accessToken"]
    again = await client.get("/api/users/me", headers={"Authorization": f"Bearer {new_access}"})
    assert again.status_code == 200


async def test_duplicate_email_is_409_and_changes_nothing(client: httpx.AsyncClient) -> None:
    await register(client, "dup@example.com", "first-password")
    response = await client.post(
        "/api/auth/register", json={"email": "DUP@example.com", "password": "other-pass"}
    )
    assert assert_error(response, 409, "EMAIL_TAKEN")["field"] == "email"
    login = await client.post(
        "/api/auth/login", json={"email": "dup@example.com", "password": "first-password"}
    )
    assert login.status_code == 200


async def test_wrong_password_and_unknown_email_look_the_same(client: httpx.AsyncClient) -> None:
    await register(client, "bob@example.com", "correct-horse")
    wrong = await client.post(
        "/api/auth/login", json={"email": "bob@example.com", "password": "battery-staple"}
    )
    unknown = await client.post("/api/auth/login", json={"email": "nobody@example.com", "password": "x"})
    assert (
        assert_error(wrong, 401, "INVALID_CREDENTIALS")["message"]
        == assert_error(unknown, 401, "INVALID_CREDENTIALS")["message"]
    )


async def test_expired_access_token(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    account = await register(client)
    clock.advance(899)
    assert (await client.get("/api/users/me", headers=account.headers)).status_code == 200
    clock.advance(2)
    assert_error(await client.get("/api/users/me", headers=account.headers), 401, "TOKEN_EXPIRED")
    refreshed = await client.post("/api/auth/refresh", json={"refreshToken": account.tokens["refreshToken"]})
    assert refreshed.status_code == 200


async def test_expired_refresh_token(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    account = await register(client)
    clock.advance(14 * 24 * 3600 + 1)
    response = await client.post("/api/auth/refresh", json={"refreshToken": account.tokens["refreshToken"]})
    assert_error(response, 401, "TOKEN_EXPIRED")


def _tamper(token: str, **claims: object) -> str:
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(claims)
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


async def test_tampered_token_is_rejected(client: httpx.AsyncClient) -> None:
    alice, bob = await register(client), await register(client)
    forged = _tamper(bob.tokens["accessToken"], sub=str(alice.id))
    response = await client.get("/api/users/me", headers={"Authorization": f"Bearer {forged}"})
    assert_error(response, 401, "INVALID_TOKEN")


@pytest.mark.parametrize("token", ["garbage", "a.b.c", ""])
async def test_malformed_tokens(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["code"] in ("INVALID_TOKEN", "UNAUTHORIZED")


async def test_refresh_token_is_not_an_access_token(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await client.get(
        "/api/users/me", headers={"Authorization": f"Bearer {account.tokens['refreshToken']}"}
    )
    assert_error(response, 401, "INVALID_TOKEN")
    response = await client.post("/api/auth/refresh", json={"refreshToken": account.tokens["accessToken"]})
    assert_error(response, 401, "INVALID_TOKEN")


async def test_logout_revokes_every_token(client: httpx.AsyncClient) -> None:
    account = await register(client)
    assert (await client.post("/api/auth/logout", headers=account.headers)).status_code == 200
    assert_error(await client.get("/api/users/me", headers=account.headers), 401, "INVALID_TOKEN")
    response = await client.post("/api/auth/refresh", json={"refreshToken": account.tokens["refreshToken"]})
    assert_error(response, 401, "INVALID_TOKEN")


async def test_update_profile_and_preferences(client: httpx.AsyncClient) -> None:
    account = await register(client)
    patch = {
        "displayName": "Ali",
        "preferences": {
            "channels": {
                "email": "alerts@example.com",
                "phone": "+14155550100",
                "discordWebhook": "https://discord.com/api/webhooks/1/abc",
            },
            "interests": ["DeFi", "BTC"],
            "riskProfile": "MEDIUM",
            "watchlist": ["BTC-USD", "ETH-USD"],
        },
    }
    response = await client.patch("/api/users/me", json=patch, headers=account.headers)
    assert response.status_code == 200, response.text
    prefs = response.json()["data"]["preferences"]
    assert prefs["channels"]["phone"] == "…0100"  # secrets are shown by their last four characters
    assert prefs["riskProfile"] == "MEDIUM"

    # Only the keys sent change; null clears one channel and keeps the others.
    response = await client.patch(
        "/api/users/me", json={"preferences": {"channels": {"phone": None}}}, headers=account.headers
    )
    prefs = response.json()["data"]["preferences"]
    assert prefs["channels"] == {
        "email": "alerts@example.com",
        "phone": None,
        "discordWebhook": "https://discord.com/…/abc",
        "telegramChatId": None,
        "webhookUrl": None,
        "webhookSecret": None,
    }
    assert prefs["interests"] == ["DeFi", "BTC"]
    me = (await client.get("/api/users/me", headers=account.headers)).json()["data"]
    assert me["displayName"] == "Ali" and me["preferences"] == prefs


async def test_webhook_and_telegram_settings_and_the_secret_is_never_shown(client: httpx.AsyncClient) -> None:
    account = await register(client)
    channels = {
        "telegramChatId": "-1001234567890",
        "webhookUrl": "https://hooks.example.com/cryptomon",
        "webhookSecret": "s3cret-s3cret-s3cret-9f2a",
    }
    response = await client.patch(
        "/api/users/me", json={"preferences": {"channels": channels}}, headers=account.headers
    )
    assert response.status_code == 200, response.text
    shown = response.json()["data"]["preferences"]["channels"]
    assert shown["telegramChatId"] == "…7890" and shown["webhookUrl"] == "https://hooks.example.com/…omon"
    assert shown["webhookSecret"] == "…9f2a" and "s3cret" not in response.text
    for bad in ({"webhookSecret": "short"}, {"telegramChatId": "not a chat"}, {"webhookUrl": "ftp://x"}):
        response = await client.patch(
            "/api/users/me", json={"preferences": {"channels": bad}}, headers=account.headers
        )
        assert_error(response, 422, "VALIDATION_ERROR")


async def test_invalid_preferences_change_nothing(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await client.patch(
        "/api/users/me",
        headers=account.headers,
        json={"displayName": "Changed", "preferences": {"channels": {"phone": "0800-not-e164"}}},
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["field"] == "preferences.channels.phone"
    me = (await client.get("/api/users/me", headers=account.headers)).json()["data"]
    assert me["displayName"] is None


async def test_password_change_needs_current_password_and_revokes_tokens(client: httpx.AsyncClient) -> None:
    account = await register(client, "carol@example.com", "old-password")
    response = await client.patch("/api/users/me", json={"password": "new-password"}, headers=account.headers)
    assert_error(response, 403, "FORBIDDEN")
    response = await client.patch(
        "/api/users/me",
        headers=account.headers,
        json={"password": "new-password", "currentPassword": "old-password"},
    )
    assert response.status_code == 200
    assert_error(await client.get("/api/users/me", headers=account.headers), 401, "INVALID_TOKEN")
    login = await client.post(
        "/api/auth/login", json={"email": "carol@example.com", "password": "new-password"}
    )
    assert login.status_code == 200


async def test_email_change_to_a_taken_address(client: httpx.AsyncClient) -> None:
    await register(client, "taken@example.com", "password-1")
    account = await register(client, "mine@example.com", "password-2")
    response = await client.patch(
        "/api/users/me",
        headers=account.headers,
        json={"email": "taken@example.com", "currentPassword": "password-2"},
    )
    assert_error(response, 409, "EMAIL_TAKEN")


async def test_refresh_token_is_spent_once_used(client: httpx.AsyncClient) -> None:
    account = await register(client)
    first = await client.post("/api/auth/refresh", json={"refreshToken": account.tokens["refreshToken"]})
    assert first.status_code == 200
    again = await client.post("/api/auth/refresh", json={"refreshToken": account.tokens["refreshToken"]})
    assert_error(again, 401, "INVALID_TOKEN")
    chained = first.json()["data"]["tokens"]["refreshToken"]
    assert (await client.post("/api/auth/refresh", json={"refreshToken": chained})).status_code == 200


async def test_successful_sign_ins_never_lock_the_owner_out(client: httpx.AsyncClient) -> None:
    await register(client, "often@example.com", "correct-horse")
    for _ in range(15):
        response = await client.post(
            "/api/auth/login", json={"email": "often@example.com", "password": "correct-horse"}
        )
        assert response.status_code == 200


@pytest.mark.parametrize("key", ["interests", "watchlist", "theme", "channels"])
async def test_null_cannot_erase_a_preference(client: httpx.AsyncClient, key: str) -> None:
    account = await register(client)
    response = await client.patch("/api/users/me", json={"preferences": {key: None}}, headers=account.headers)
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["field"] == f"preferences.{key}"


async def test_display_name_can_be_cleared(client: httpx.AsyncClient) -> None:
    account = await register(client)
    await client.patch("/api/users/me", json={"displayName": "Ali"}, headers=account.headers)
    response = await client.patch("/api/users/me", json={"displayName": None}, headers=account.headers)
    assert response.json()["data"]["displayName"] is None
    kept = await client.patch(
        "/api/users/me", json={"preferences": {"theme": "dark"}}, headers=account.headers
    )
    assert kept.json()["data"]["displayName"] is None


async def test_a_new_account_starts_with_the_deployments_default_watchlist(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """Markets and Settings show one list from the first visit: the account's, seeded from the setting."""
    first = await register(client, "first@example.com", "correct-horse")
    assert first.user["preferences"]["watchlist"] == settings.default_watchlist
    assert settings.default_watchlist[:3] == ["BTC-USD", "ETH-USD", "SOL-USD"]
    assert len(settings.default_watchlist) == 8

    settings.default_watchlist = ["ETH-USD", "BTC-USD"]
    second = await register(client, "second@example.com", "correct-horse")
    me = await client.get("/api/users/me", headers=second.headers)
    assert me.json()["data"]["preferences"]["watchlist"] == ["ETH-USD", "BTC-USD"]
