"""Account service on both databases: uniqueness, preferences merge, demo account kept across restarts."""

from __future__ import annotations

import pytest

from app.config import Settings
from app.core.db import Database
from app.core.errors import AppError, ErrorCode
from app.users import service
from app.users.auth_cache import AuthCache
from app.users.schemas import UpdateMeRequest


async def test_email_is_unique_case_insensitively(settings: Settings) -> None:
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as session:
            await service.create_user(session, "Same@Example.com", "password-1")
        with pytest.raises(AppError) as raised:
            async with db.session() as session:
                await service.create_user(session, "same@example.COM", "password-2")
        assert raised.value.code == ErrorCode.EMAIL_TAKEN
    finally:
        await db.dispose()


async def test_failed_update_rolls_back(settings: Settings) -> None:
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as session:
            await service.create_user(session, "a@example.com", "password-1")
            user_b = await service.create_user(session, "b@example.com", "password-2")
            b_id = user_b.id
        with pytest.raises(AppError):
            async with db.session() as session:
                b = await service.get_user(session, b_id)
                change = UpdateMeRequest.model_validate(
                    {"displayName": "B", "email": "a@example.com", "currentPassword": "password-2"}
                )
                await service.update_me(session, AuthCache(0), b, change, settings=settings)
        async with db.session() as session:
            b = await service.get_user(session, b_id)
            assert b.display_name is None and b.email == "b@example.com"
    finally:
        await db.dispose()


async def test_demo_account_is_created_once(settings: Settings) -> None:
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as session:
            first = await service.ensure_demo_account(session, settings)
        async with db.session() as session:
            second = await service.ensure_demo_account(session, settings)
            user = await service.authenticate(session, first[0], first[1])
        assert first == second
        assert user.role == "admin"
    finally:
        await db.dispose()
