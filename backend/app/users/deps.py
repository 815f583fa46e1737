"""Authentication dependencies and the rule that a caller only touches their own user id."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core.deps import DbSession, RuntimeDep
from app.core.errors import AppError, ErrorCode, forbidden
from app.core.schemas import DbId
from app.users import api_keys
from app.users import service as user_service
from app.users.auth_cache import Caller
from app.users.models import Role, User

_bearer = HTTPBearer(auto_error=False, description="Access token from POST /api/auth/login")


def _unauthorized() -> AppError:
    return AppError(
        ErrorCode.UNAUTHORIZED,
        "Sign in: send 'Authorization: Bearer <access token>'",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def get_current_session(
    runtime: RuntimeDep,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> user_service.SignedIn:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized()
    return await user_service.signed_in_from_token(
        session, runtime.settings, credentials.credentials, "access"
    )


CurrentSession = Annotated[user_service.SignedIn, Depends(get_current_session)]


async def get_caller(
    runtime: RuntimeDep,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller's id and role, for routes that need no more of the account: checked like CurrentUser, but
    a check found valid is remembered for `auth_cache_seconds` (users.auth_cache), so most requests make
    no database query for it."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized()
    return await user_service.caller_from_token(session, runtime, credentials.credentials)


SignedInCaller = Annotated[Caller, Depends(get_caller)]


async def get_current_user(signed_in: CurrentSession) -> User:
    return signed_in.user


async def get_ingest_caller(
    runtime: RuntimeDep,
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Header(alias="X-API-Key")] = None,
) -> User:
    """An admin's access token, or an API key with the `ingest` scope (header X-API-Key or Bearer cmk_...)."""
    bearer = credentials.credentials if credentials and credentials.scheme.lower() == "bearer" else None
    secret = api_key or (bearer if bearer and bearer.startswith(api_keys.KEY_PREFIX) else None)
    if secret:
        return await api_keys.authenticate(session, secret, "ingest")
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
) -> int:
    if caller.id != user_id and caller.role != Role.ADMIN and credentials is not None:
        # A remembered check may predate a promotion to admin: a refusal is decided on the account as it is.
        caller = await user_service.caller_from_token(session, runtime, credentials.credentials, fresh=True)
    ensure_can_act_for(caller, user_id)
    return user_id


OwnUserId = Annotated[int, Depends(_own_path_user_id)]
