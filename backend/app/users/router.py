"""Routes: register, login, refresh, sign out, and the caller's own profile."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from app.core.client_address import client_address
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.schemas import ApiModel, DbId
from app.users import api_keys, signin_limits
from app.users import service as user_service
from app.users.deps import AdminUser, CurrentSession, CurrentUser, OwnUserId
from app.users.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    AuthResult,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    RoleIn,
    UpdateMeRequest,
    UserOut,
)

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)

CONFLICT: dict[int | str, dict[str, Any]] = {
    409: ERROR_RESPONSES[400] | {"description": "The email belongs to another account (EMAIL_TAKEN)"}
}


class SignedOut(ApiModel):
    signed_out: bool


def _address(runtime: RuntimeDep, request: Request) -> str:
    return client_address(request.scope, runtime.settings.trusted_proxies)


@router.post(
    "/auth/register", response_model=Envelope[AuthResult], status_code=201, tags=["auth"], responses=CONFLICT
)
async def register(
    body: RegisterRequest, request: Request, runtime: RuntimeDep, session: DbSession
) -> Envelope[AuthResult]:
    await signin_limits.limit_address(runtime.cache, runtime.settings, _address(runtime, request))
    user = await user_service.create_user(
        session,
        body.email,
        body.password,
        display_name=body.display_name,
        watchlist=runtime.settings.default_watchlist,
    )
    return ok(
        AuthResult(user=user_service.to_out(user), tokens=user_service.issue_tokens(runtime.settings, user))
    )


@router.post("/auth/login", response_model=Envelope[AuthResult], tags=["auth"])
async def login(
    body: LoginRequest, request: Request, runtime: RuntimeDep, session: DbSession
) -> Envelope[AuthResult]:
    s, cache, address = runtime.settings, runtime.cache, _address(runtime, request)
    email = user_service.normalize_email(body.email)
    await signin_limits.limit_address(cache, s, address)
    async with signin_limits.attempt(cache, s, email, address):
        user = await user_service.authenticate(session, body.email, body.password)
    return ok(AuthResult(user=user_service.to_out(user), tokens=user_service.issue_tokens(s, user)))


@router.post("/auth/refresh", response_model=Envelope[AuthResult], tags=["auth"])
async def refresh(body: RefreshRequest, runtime: RuntimeDep, session: DbSession) -> Envelope[AuthResult]:
    return ok(await user_service.refresh(session, runtime.cache, runtime.settings, body.refresh_token))


@router.post("/auth/logout", response_model=Envelope[SignedOut], tags=["auth"])
async def logout(signed_in: CurrentSession, runtime: RuntimeDep, session: DbSession) -> Envelope[SignedOut]:
    """End this sign-in session: its access and refresh tokens are refused; other sessions keep working."""
    await user_service.sign_out(session, runtime.settings, user_service.auth_cache(runtime), signed_in)
    return ok(SignedOut(signed_out=True))


@router.post("/auth/logout-all", response_model=Envelope[SignedOut], tags=["auth"])
async def logout_all(user: CurrentUser, runtime: RuntimeDep, session: DbSession) -> Envelope[SignedOut]:
    """Revoke every access and refresh token of the caller, of every session and device (not API keys)."""
    user_service.sign_out_everywhere(session, user_service.auth_cache(runtime), user)
    return ok(SignedOut(signed_out=True))


@router.get("/users/me", response_model=Envelope[UserOut], tags=["users"])
async def me(user: CurrentUser) -> Envelope[UserOut]:
    return ok(user_service.to_out(user))


@router.patch("/users/me", response_model=Envelope[UserOut], tags=["users"], responses=CONFLICT)
async def update_me(
    body: UpdateMeRequest, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[UserOut]:
    cache = user_service.auth_cache(runtime)
    return ok(user_service.to_out(await user_service.update_me(session, cache, user, body)))


@router.get("/users/{userId}", response_model=Envelope[UserOut], tags=["users"])
async def get_user(user_id: OwnUserId, session: DbSession) -> Envelope[UserOut]:
    return ok(user_service.to_out(await user_service.get_user(session, user_id)))


@router.put("/users/{userId}/role", response_model=Envelope[UserOut], tags=["users"])
async def set_role(
    user_id: Annotated[DbId, Path(alias="userId")],
    body: RoleIn,
    admin: AdminUser,
    runtime: RuntimeDep,
    session: DbSession,
) -> Envelope[UserOut]:
    """Make an account a moderator, an administrator or a plain user again (administrators)."""
    cache = user_service.auth_cache(runtime)
    return ok(user_service.to_out(await user_service.set_role(session, cache, admin, user_id, body.role)))


@router.post("/users/me/api-keys", response_model=Envelope[ApiKeyCreated], status_code=201, tags=["users"])
async def create_api_key(
    body: ApiKeyCreate, user: CurrentUser, session: DbSession
) -> Envelope[ApiKeyCreated]:
    """A key for machines (e.g. a webhook pushing ticks). The secret is shown once, in this response."""
    key, secret = await api_keys.create(session, user, body.name, list(body.scopes))
    shown = ApiKeyOut.model_validate(key).model_dump()
    return ok(ApiKeyCreated(**shown, key=secret))


@router.get("/users/me/api-keys", response_model=Envelope[list[ApiKeyOut]], tags=["users"])
async def list_api_keys(user: CurrentUser, session: DbSession) -> Envelope[list[ApiKeyOut]]:
    return ok([ApiKeyOut.model_validate(k) for k in await api_keys.list_for(session, user)])


@router.delete("/users/me/api-keys/{keyId}", response_model=Envelope[ApiKeyOut], tags=["users"])
async def revoke_api_key(
    key_id: Annotated[DbId, Path(alias="keyId")], user: CurrentUser, session: DbSession
) -> Envelope[ApiKeyOut]:
    return ok(ApiKeyOut.model_validate(await api_keys.revoke(session, user, key_id)))
