"""Routes: register, login, refresh, sign out, and the caller's own profile."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from app.core.client_address import client_address
from app.core.deps import DbSession, RuntimeDep
from app.core.envelope import ERROR_RESPONSES, Envelope, ok
from app.core.errors import AppError, ErrorCode
from app.core.schemas import ApiModel, DbId
from app.users import api_keys, policy, signin_limits, two_factor_flow
from app.users import service as user_service
from app.users.audit import AuditAction, Origin, record_now
from app.users.deps import AdminUser, CurrentSession, CurrentUser, OwnUserId
from app.users.key_scopes import CATALOGUE
from app.users.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    ApiKeyScopeOut,
    AuthResult,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    RoleIn,
    TwoFactorChallenge,
    TwoFactorLoginIn,
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


def origin_of(runtime: RuntimeDep, request: Request) -> Origin:
    """The address and user agent of a request, as sessions and the audit log keep them."""
    return Origin(ip=_address(runtime, request), user_agent=request.headers.get("user-agent"))


async def _signed_in(
    session: DbSession, runtime: RuntimeDep, user: user_service.User, origin: Origin
) -> AuthResult:
    tokens = user_service.start_session(session, runtime.settings, user, origin)
    policy.apply(user, await policy.cached(session, runtime.settings))
    return AuthResult(user=user_service.to_out(user, settings=runtime.settings), tokens=tokens)


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
    return ok(await _signed_in(session, runtime, user, origin_of(runtime, request)))


@router.post("/auth/login", response_model=Envelope[AuthResult | TwoFactorChallenge], tags=["auth"])
async def login(
    body: LoginRequest, request: Request, runtime: RuntimeDep, session: DbSession
) -> Envelope[AuthResult | TwoFactorChallenge]:
    """Email and password. With 2FA on, the answer is a challenge: send a code to /api/auth/login/2fa."""
    s, cache, origin = runtime.settings, runtime.cache, origin_of(runtime, request)
    email = user_service.normalize_email(body.email)
    await signin_limits.limit_address(cache, s, origin.ip or "")
    try:
        async with signin_limits.attempt(cache, s, email, origin.ip or ""):
            user = await user_service.authenticate(session, body.email, body.password)
    except AppError as error:
        if error.code == ErrorCode.INVALID_CREDENTIALS:
            known = await user_service.get_by_email(session, email)
            known_id = known.id if known else None
            await session.rollback()  # the request fails; SQLite allows one writer at a time
            details = {"email": email}
            await record_now(
                runtime.db, AuditAction.SIGNIN_FAILURE, user_id=known_id, origin=origin, details=details
            )
        raise
    if user.two_factor_enabled:
        token = two_factor_flow.challenge_token(s, user)
        return ok(TwoFactorChallenge(challenge_token=token, expires_in=s.two_factor_step_seconds))
    return ok(await _signed_in(session, runtime, user, origin))


@router.post("/auth/login/2fa", response_model=Envelope[AuthResult], tags=["auth"])
async def login_second_step(
    body: TwoFactorLoginIn, request: Request, runtime: RuntimeDep, session: DbSession
) -> Envelope[AuthResult]:
    """The code step of a sign-in with 2FA: the challenge token from /api/auth/login and a current code or
    a recovery code. Wrong or reused codes: 401 INVALID_TWO_FACTOR_CODE; too many: 429."""
    origin = origin_of(runtime, request)
    user = await two_factor_flow.challenged_user(session, runtime, body.challenge_token)
    await two_factor_flow.verify(
        session, runtime, user, code=body.code, recovery_code=body.recovery_code, origin=origin
    )
    await two_factor_flow.spend_challenge(runtime.cache, runtime.settings, body.challenge_token)
    return ok(await _signed_in(session, runtime, user, origin))


@router.post("/auth/refresh", response_model=Envelope[AuthResult], tags=["auth"])
async def refresh(body: RefreshRequest, runtime: RuntimeDep, session: DbSession) -> Envelope[AuthResult]:
    return ok(await user_service.refresh(session, runtime.cache, runtime.settings, body.refresh_token))


@router.post("/auth/logout", response_model=Envelope[SignedOut], tags=["auth"])
async def logout(
    signed_in: CurrentSession, request: Request, runtime: RuntimeDep, session: DbSession
) -> Envelope[SignedOut]:
    """End this sign-in session: its access and refresh tokens are refused; other sessions keep working."""
    cache, origin = user_service.auth_cache(runtime), origin_of(runtime, request)
    await user_service.sign_out(session, cache, signed_in, origin)
    return ok(SignedOut(signed_out=True))


@router.post("/auth/logout-all", response_model=Envelope[SignedOut], tags=["auth"])
async def logout_all(
    user: CurrentUser, request: Request, runtime: RuntimeDep, session: DbSession
) -> Envelope[SignedOut]:
    """Revoke every access and refresh token of the caller, of every session and device (not API keys)."""
    cache, origin = user_service.auth_cache(runtime), origin_of(runtime, request)
    await user_service.sign_out_everywhere(session, cache, user, origin)
    return ok(SignedOut(signed_out=True))


@router.get("/users/me", response_model=Envelope[UserOut], tags=["users"])
async def me(user: CurrentUser, runtime: RuntimeDep) -> Envelope[UserOut]:
    return ok(user_service.to_out(user, settings=runtime.settings))


@router.patch("/users/me", response_model=Envelope[UserOut], tags=["users"], responses=CONFLICT)
async def update_me(
    body: UpdateMeRequest, user: CurrentUser, runtime: RuntimeDep, session: DbSession
) -> Envelope[UserOut]:
    cache, settings = user_service.auth_cache(runtime), runtime.settings
    changed = await user_service.update_me(session, cache, user, body, settings=settings)
    return ok(user_service.to_out(changed, settings=settings))


@router.get("/users/{userId}", response_model=Envelope[UserOut], tags=["users"])
async def get_user(user_id: OwnUserId, runtime: RuntimeDep, session: DbSession) -> Envelope[UserOut]:
    found = await user_service.get_user(session, user_id)
    return ok(user_service.to_out(found, settings=runtime.settings))


@router.put("/users/{userId}/role", response_model=Envelope[UserOut], tags=["users"])
async def set_role(
    user_id: Annotated[DbId, Path(alias="userId")],
    body: RoleIn,
    admin: AdminUser,
    request: Request,
    runtime: RuntimeDep,
    session: DbSession,
) -> Envelope[UserOut]:
    """Make an account a moderator, an administrator or a plain user again (administrators)."""
    cache, origin = user_service.auth_cache(runtime), origin_of(runtime, request)
    changed = await user_service.set_role(session, cache, admin, user_id, body.role, origin)
    return ok(user_service.to_out(changed, settings=runtime.settings))


@router.get("/users/me/api-keys/scopes", response_model=Envelope[list[ApiKeyScopeOut]], tags=["users"])
async def api_key_scopes(_: CurrentUser) -> Envelope[list[ApiKeyScopeOut]]:
    """The scopes a key may hold, and whether only administrators may give a key each one."""
    return ok(
        [
            ApiKeyScopeOut(scope=s.scope, title=s.title, description=s.description, admin_only=s.admin_only)
            for s in CATALOGUE.values()
        ]
    )


@router.post("/users/me/api-keys", response_model=Envelope[ApiKeyCreated], status_code=201, tags=["users"])
async def create_api_key(
    body: ApiKeyCreate, user: CurrentUser, session: DbSession, runtime: RuntimeDep, request: Request
) -> Envelope[ApiKeyCreated]:
    """A key for machines and scripts, limited to its scopes. The secret is shown once, in this response."""
    origin = origin_of(runtime, request)
    key, secret = await api_keys.create(session, user, body.name, list(body.scopes), body.expires_at, origin)
    shown = ApiKeyOut.model_validate(key).model_dump()
    return ok(ApiKeyCreated(**shown, key=secret))


@router.get("/users/me/api-keys", response_model=Envelope[list[ApiKeyOut]], tags=["users"])
async def list_api_keys(user: CurrentUser, session: DbSession) -> Envelope[list[ApiKeyOut]]:
    return ok([ApiKeyOut.model_validate(k) for k in await api_keys.list_for(session, user)])


@router.delete("/users/me/api-keys/{keyId}", response_model=Envelope[ApiKeyOut], tags=["users"])
async def revoke_api_key(
    key_id: Annotated[DbId, Path(alias="keyId")],
    user: CurrentUser,
    session: DbSession,
    runtime: RuntimeDep,
    request: Request,
) -> Envelope[ApiKeyOut]:
    key = await api_keys.revoke(session, user, key_id, origin_of(runtime, request))
    return ok(ApiKeyOut.model_validate(key))
