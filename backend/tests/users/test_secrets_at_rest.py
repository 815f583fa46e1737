"""Channel secrets at rest: stored sealed, shown masked, opened for delivery, sealed at start-up."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from app.config import Settings
from app.core.db import Database
from app.core.secret_box import SecretBox
from app.users import channel_secrets, service
from app.users.models import User
from app.users.schemas import Preferences
from tests.conftest import register, serve

CHANNELS = {
    "email": "ali@example.com",
    "phone": "+14155550100",
    "discordWebhook": "https://discord.com/api/webhooks/123/tok-abcd",
    "telegramChatId": "-1001234567890",
    "webhookUrl": "https://hooks.example.com/cryptomon/in-7f3e",
    "webhookSecret": "s3cret-s3cret-s3cret-9f2a",
}
MASKED = {
    "email": "ali@example.com",
    "phone": "…0100",
    "discordWebhook": "https://discord.com/…abcd",
    "telegramChatId": "…7890",
    "webhookUrl": "https://hooks.example.com/…7f3e",
    "webhookSecret": "…9f2a",
}
SECRETS = [value for key, value in CHANNELS.items() if key != "email"]


async def stored(settings: Settings, user_id: int) -> tuple[str, dict[str, Any]]:
    """The users row's preferences as the database holds them: its text, and its channels."""
    engine = create_async_engine(settings.resolved_database_url)
    try:
        async with engine.connect() as conn:
            raw = await conn.scalar(
                text("SELECT CAST(preferences AS TEXT) FROM users WHERE id = :id"), {"id": user_id}
            )
    finally:
        await engine.dispose()
    return raw, json.loads(raw)["channels"]


async def delivered_to(settings: Settings, user_id: int) -> dict[str, Any]:
    """The channel settings the notification dispatcher reads for the user."""
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as session:
            return (await service.channel_settings_of(session, {user_id}, settings=settings))[user_id]
    finally:
        await db.dispose()


async def patch_channels(
    client: httpx.AsyncClient, headers: dict[str, str], **channels: Any
) -> dict[str, Any]:
    response = await client.patch(
        "/api/users/me", json={"preferences": {"channels": channels}}, headers=headers
    )
    assert response.status_code == 200, response.text
    shown: dict[str, Any] = response.json()["data"]["preferences"]["channels"]
    return shown


async def test_secrets_are_stored_sealed_and_shown_masked(
    settings: Settings, client: httpx.AsyncClient
) -> None:
    account = await register(client)
    assert await patch_channels(client, account.headers, **CHANNELS) == MASKED

    raw, channels = await stored(settings, account.id)
    assert not [secret for secret in SECRETS if secret in raw]
    assert channels["email"] == "ali@example.com"
    assert all(channels[key].startswith("enc:v1:") for key in channel_secrets.SECRET_CHANNELS)

    me = await client.get("/api/users/me", headers=account.headers)
    assert me.json()["data"]["preferences"]["channels"] == MASKED
    assert not [secret for secret in SECRETS if secret in me.text]

    assert await delivered_to(settings, account.id) == {
        "email": "ali@example.com",
        "phone": "+14155550100",
        "discord_webhook": "https://discord.com/api/webhooks/123/tok-abcd",
        "telegram_chat_id": "-1001234567890",
        "webhook_url": "https://hooks.example.com/cryptomon/in-7f3e",
        "webhook_secret": "s3cret-s3cret-s3cret-9f2a",
        "user_id": account.id,
        "account_email": account.user["email"],
    }


async def test_a_masked_value_sent_back_keeps_the_secret_and_null_clears_it(
    settings: Settings, client: httpx.AsyncClient
) -> None:
    account = await register(client)
    await patch_channels(client, account.headers, **CHANNELS)
    _, sealed = await stored(settings, account.id)

    # The form sends back what GET showed, along with another change: the secrets stay as they are.
    response = await client.patch(
        "/api/users/me",
        json={"preferences": {"channels": MASKED, "theme": "dark"}},
        headers=account.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["preferences"]["theme"] == "dark"
    assert (await stored(settings, account.id))[1] == sealed
    assert (await delivered_to(settings, account.id))["webhook_secret"] == CHANNELS["webhookSecret"]

    shown = await patch_channels(
        client, account.headers, phone=None, webhookSecret="another-secret-ends-1234"
    )
    assert shown == {**MASKED, "phone": None, "webhookSecret": "…1234"}
    found = await delivered_to(settings, account.id)
    assert found["phone"] is None and found["webhook_secret"] == "another-secret-ends-1234"
    assert found["discord_webhook"] == CHANNELS["discordWebhook"]
    raw, channels = await stored(settings, account.id)
    assert channels["phone"] is None and "another-secret" not in raw


async def test_plain_secrets_of_earlier_versions_are_sealed_at_start_up(settings: Settings) -> None:
    async with serve(settings) as client:
        account = await register(client)
    # As versions before sealing stored them: the validated preferences, channels in plain text.
    legacy = Preferences.model_validate({"channels": CHANNELS}).model_dump(mode="json", by_alias=True)
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as session:
            await session.execute(update(User).where(User.id == account.id).values(preferences=legacy))
    finally:
        await db.dispose()
    assert CHANNELS["webhookSecret"] in (await stored(settings, account.id))[0]  # read as they are, too
    assert (await delivered_to(settings, account.id))["webhook_secret"] == CHANNELS["webhookSecret"]

    async with serve(settings) as client:
        raw, channels = await stored(settings, account.id)
        assert not [secret for secret in SECRETS if secret in raw]
        assert all(channels[key].startswith("enc:v1:") for key in channel_secrets.SECRET_CHANNELS)
        me = await client.get("/api/users/me", headers=account.headers)
        assert me.json()["data"]["preferences"]["channels"] == MASKED
    assert (await delivered_to(settings, account.id))["discord_webhook"] == CHANNELS["discordWebhook"]


async def test_a_rotated_key_reseals_at_start_up(settings: Settings) -> None:
    async with serve(settings) as client:
        account = await register(client)
        await patch_channels(client, account.headers, **CHANNELS)
        setup = await client.post("/api/users/me/2fa/setup", headers=account.headers)
        totp_secret = setup.json()["data"]["secret"]
    old, new = settings.resolved_secrets_key, Fernet.generate_key().decode()
    rotated = settings.model_copy(update={"secrets_key": f"{new},{old}"})
    vars(rotated).pop("resolved_secrets_key", None)  # model_copy keeps the cached key of the original

    async with serve(rotated) as client:
        me = await client.get("/api/users/me", headers=account.headers)
        assert me.json()["data"]["preferences"]["channels"] == MASKED
    _, channels = await stored(settings, account.id)
    only_new = SecretBox(new)
    assert {key: only_new.open(channels[key]) for key in channel_secrets.SECRET_CHANNELS} == {
        key: CHANNELS[key] for key in channel_secrets.SECRET_CHANNELS
    }
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as session:
            sealed = await session.scalar(select(User.totp_secret).where(User.id == account.id))
    finally:
        await db.dispose()
    assert sealed is not None and only_new.open(sealed) == totp_secret  # the 2FA secret too


def test_a_value_no_key_opens_reads_as_unset_and_is_never_lost() -> None:
    lost = SecretBox(Fernet.generate_key().decode()).seal("https://discord.com/api/webhooks/9/zzzz")
    box = SecretBox(Fernet.generate_key().decode())
    prefs = {"theme": "dark", "channels": {"discordWebhook": lost, "phone": "+14155550100", "email": None}}
    assert channel_secrets.open_channels(prefs["channels"], box)["discordWebhook"] is None
    sealed = channel_secrets.seal_channels(prefs, box)
    assert sealed["channels"]["discordWebhook"] == lost
    assert box.open(sealed["channels"]["phone"]) == "+14155550100" and sealed["theme"] == "dark"


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        (
            "webhookUrl",
            "https://user:pw@hooks.example.com:8443/in/abcdefgh",
            "https://hooks.example.com:8443/…efgh",
        ),
        ("telegramChatId", "@mychannel", "…nnel"),
        ("telegramChatId", "12345", "…"),
        ("email", "a@example.com", "a@example.com"),
        ("phone", None, None),
    ],
)
def test_masked(key: str, value: str | None, shown: str | None) -> None:
    assert channel_secrets.masked(key, value) == shown
    assert shown is None or shown == value or channel_secrets.is_masked(shown)
