"""Authentication dependencies and the rule that a caller only touches their own user id."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.deps import DbSession, RuntimeDep
from app.core.errors import AppError, ErrorCode, forbidden
from app.core.runtime import Runtime
from app.core.schemas import DbId
from app.users import api_keys
from app.users import service as user_service
from app.users.auth_cache import Caller
from app.users.key_scopes import required_scope
from app.users.models import Role, User

_bearer = HTTPBearer(
    auto_error=False, description="Access token from POST /api/auth/login, or an API key (cmk_…)"
)
_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key (cmk_…) from POST /api/users/me/api-keys"
)


def _unauthorized() -> AppError:
    return AppError(
        ErrorCode.UNAUTHORIZED,
        "Sign in: send 'Authorization: Bearer <access token>'",
        headers={"WWW-Authenticate": "Bearer"},
    )


def _bearer_token(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return credentials.credentials if credentials and credentials.scheme.lower() == "bearer" else None


async def _presented_key(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> str | None:
    """The API key sent as `X-API-Key: cmk_…` or `Authorization: Bearer cmk_…`, if any."""
    if api_key:
        return api_key
    bearer = _bearer_token(credentials)
    return bearer if bearer and bearer.startswith(api_keys.KEY_PREFIX) else None


PresentedKey = Annotated[str | None, Depends(_presented_key)]


async def _key_owner(request: Request, runtime: Runtime, session: AsyncSession, secret: str) -> User:
    """The owner of the key, if it holds the scope the route needs from a key (users.key_scopes)."""
    route = request.scope.get("route")
    path = getattr(route, "path", None) or request.url.path
    scope = required_scope(request.method, path)
    if scope is None:
        raise forbidden(f"API keys cannot call {request.method} {path}: sign in with your password")
    return await api_keys.authenticate(session, secret, scope, settings=runtime.settings)


async def get_current_session(
    request: Request,
    runtime: RuntimeDep,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    key: PresentedKey,
) -> user_service.SignedIn:
    """The caller of an access token, or of an API key holding the route's scope (no session then)."""
    if key is not None:
        return user_service.SignedIn(await _key_owner(request, runtime, session, key), None)
    token = _bearer_token(credentials)
    if token is None:
        raise _unauthorized()
    return await user_service.signed_in_from_token(session, runtime.settings, token, "access")


CurrentSession = Annotated[user_service.SignedIn, Depends(get_current_session)]


async def get_caller(
    request: Request,
    runtime: RuntimeDep,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    key: PresentedKey,
) -> Caller:
    """The caller's id and role, for routes that need no more of the account: checked like CurrentUser, but
    a check found valid is remembered for `auth_cache_seconds` (users.auth_cache), so most requests make
    no database query for it (an API key is checked in the database every time)."""
    if key is not None:
        user = await _key_owner(request, runtime, session, key)
        return Caller(user.id, user.role, None)
    token = _bearer_token(credentials)
    if token is None:
        raise _unauthorized()
    return await user_service.caller_from_token(session, runtime, token)


SignedInCaller = Annotated[Caller, Depends(get_caller)]


async def get_current_user(signed_in: CurrentSession) -> User:
    return signed_in.user


async def get_ingest_caller(
    request: Request,
    runtime: RuntimeDep,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    key: PresentedKey,
) -> User:
    """An admin's access token, or an API key with the `ingest` scope (header X-API-Key or Bearer cmk_...)."""
    if key is not None:
        return await _key_owner(request, runtime, session, key)
    bearer = _bearer_token(credentials)
    if bearer is None:
        raise _unauthorized()
    user = await user_service.user_from_token(session, runtime.settings, bearer, "access")
    if user.role != Role.ADMIN:
        raise forbidden("Pushing market data needs an admin or an API key with the ingest scope")
    return user


IngestCaller = Annotated[User, Depends(get_ingest_caller)]


CurrentUser = Annotated[User, Depends(get_current_user)]


async def require_admin(user: CurrentUser) -> User:
    if user.role != Role.ADMIN:
        if user.staff_locked:
            raise AppError(
                ErrorCode.TWO_FACTOR_REQUIRED,
                "Administrators must turn on two-factor sign-in first (Settings → Security)",
            )
        raise forbidden("Administrators only")
    return user


AdminUser = Annotated[User, Depends(require_admin)]


def ensure_can_act_for(caller: User | Caller, user_id: int) -> None:
    """A `userId` in a path or body must be the caller's own, unless the caller is an admin."""
    if caller.id != user_id and caller.role != Role.ADMIN:
        raise forbidden(f"userId {user_id} is not yours")


async def _own_path_user_id(
    caller: SignedInCaller,
    user_id: Annotated[DbId, Path(alias="userId")],
    runtime: RuntimeDep,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    key: PresentedKey,
) -> int:
    # A key's caller was just read from the database: only a remembered token check can be stale.
    if caller.id != user_id and caller.role != Role.ADMIN and credentials is not None and key is None:
        # A remembered check may predate a promotion to admin: a refusal is decided on the account as it is.
        caller = await user_service.caller_from_token(session, runtime, credentials.credentials, fresh=True)
    ensure_can_act_for(caller, user_id)
    return user_id


OwnUserId = Annotated[int, Depends(_own_path_user_id)]
