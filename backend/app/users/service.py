"""Account use cases: register, authenticate, tokens, profile and preferences."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.core.cache import Cache
from app.core.clock import utcnow
from app.core.db import after_commit
from app.core.errors import AppError, ErrorCode, not_found
from app.core.runtime import Runtime
from app.core.security import (
    TokenType,
    decode_token,
    hash_password,
    hash_password_off_loop,
    issue_token,
    verify_password_off_loop,
)
from app.users import channel_secrets, policy, sessions, two_factor
from app.users.audit import AuditAction as AuditAction
from app.users.audit import Origin, record
from app.users.auth_cache import AuthCache, Caller

# The account row and its roles are the users domain's public types: other domains receive a `User` from
# `CurrentUser` and pass it to services, but never query the table themselves.
from app.users.models import Role as Role
from app.users.models import User as User
from app.users.schemas import (
    AuthResult,
    Preferences,
    PreferencesOut,
    TokenPair,
    UpdateMeRequest,
    UserOut,
)

# Other domains record their security events (moderation) through this.
record_audit = record

# Verified against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _opened(user: User, settings: Settings) -> Preferences:
    """The user's preferences with every default filled in and the secret channel settings opened."""
    prefs = user.preferences or {}
    channels = channel_secrets.open_channels(prefs.get("channels") or {}, settings)
    return Preferences.model_validate({**prefs, "channels": channels})


def channel_settings(user: User, *, settings: Settings) -> dict[str, Any]:
    """Where the user's notifications go, as channels read it: snake_case keys, plain strings (secrets
    opened), `user_id`, and `account_email` (EMAIL's address unless `email` overrides it)."""
    prefs = _opened(user, settings)
    found: dict[str, Any] = {
        k: (str(v) if v is not None else None) for k, v in prefs.channels.model_dump().items()
    }
    found["user_id"] = user.id
    found["account_email"] = user.email
    return found


def preferences_of(user: User) -> Preferences:
    """The user's preferences with every default filled in, channels left empty: their secrets need the
    key, `channel_settings` reads them."""
    return Preferences.model_validate({**(user.preferences or {}), "channels": {}})


async def users_after(session: AsyncSession, after_id: int, limit: int) -> list[User]:
    """A page of accounts by id, for jobs that visit every user."""
    rows = await session.scalars(select(User).where(User.id > after_id).order_by(User.id).limit(limit))
    return list(rows)


def to_out(user: User, *, settings: Settings) -> UserOut:
    prefs = _opened(user, settings)
    return UserOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=Role(user.stored_role),
        two_factor_enabled=user.two_factor_enabled,
        two_factor_required=user.staff_locked,
        preferences=PreferencesOut(
            channels={
                k: channel_secrets.masked(k, v) for k, v in prefs.channels.model_dump(by_alias=True).items()
            },
            interests=prefs.interests,
            risk_profile=prefs.risk_profile,
            watchlist=prefs.watchlist,
            theme=prefs.theme,
            timezone=prefs.timezone,
            digest=prefs.digest,
            learning_level=prefs.learning_level,
        ),
        created_at=user.created_at,
    )


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.scalar(select(User).where(User.email == normalize_email(email)))
    return result


async def channel_settings_of(
    session: AsyncSession, user_ids: set[int], *, settings: Settings
) -> dict[int, dict[str, Any]]:
    """Each user's channel settings, read in one query (the notification dispatcher's batch)."""
    if not user_ids:
        return {}
    users = await session.scalars(select(User).where(User.id.in_(user_ids)))
    return {user.id: channel_settings(user, settings=settings) for user in users}


def handle_of(user_id: int, display_name: str | None) -> str:
    """How a user is shown and @mentioned: the display name without spaces, or `user<id>` without one.

    >>> handle_of(7, "Ada Lovelace"), handle_of(8, None)
    ('AdaLovelace', 'user8')
    """
    name = "".join((display_name or "").split())
    return name or f"user{user_id}"


async def handles_of(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    """Each user's handle (`handle_of`), in one query; never the email."""
    if not user_ids:
        return {}
    rows = await session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {user_id: handle_of(user_id, name) for user_id, name in rows}


async def ids_by_handle(session: AsyncSession, handles: set[str]) -> dict[str, int]:
    """The users that `@handles` (lower-case) name: `user<id>`, or a display name without spaces."""
    if not handles:
        return {}
    by_id = {int(h[4:]): h for h in handles if h.startswith("user") and h[4:].isdigit()}
    found: dict[str, int] = {}
    squashed = func.lower(func.replace(User.display_name, " ", ""))
    rows = await session.execute(
        select(User.id, squashed).where(or_(squashed.in_(handles), User.id.in_(set(by_id) or {0})))
    )
    for user_id, name in rows:
        found.setdefault(name if name in handles else by_id[user_id], user_id)
    return found


async def set_role(
    session: AsyncSession,
    cache: AuthCache,
    admin: User,
    user_id: int,
    role: str,
    origin: Origin | None = None,
) -> User:
    """An administrator gives an account a role (user, moderator, admin); not their own (so that the last
    administrator cannot demote themself by mistake)."""
    if user_id == admin.id:
        raise AppError(ErrorCode.VALIDATION_ERROR, "You cannot change your own role", field="userId")
    user = await get_user(session, user_id)
    before = user.stored_role
    user.role = role
    user.updated_at = utcnow()
    if before != role:
        details = {"from": before, "to": role}
        record(
            session,
            AuditAction.ROLE_CHANGED,
            user_id=user.id,
            actor_id=admin.id,
            origin=origin,
            details=details,
        )
    _forget_after_commit(session, cache, user.id)
    return user


def set_role_by_operator(session: AsyncSession, user: User, role: str) -> None:
    """`cryptomon set-role`: the role given from the command line, in the audit log with no actor."""
    before = user.stored_role
    user.role = role
    if before != role:
        details = {"from": before, "to": role, "by": "operator (cryptomon set-role)"}
        record(session, AuditAction.ROLE_CHANGED, user_id=user.id, details=details, by_operator=True)


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise not_found("User", user_id)
    return user


async def create_user(
    session: AsyncSession,
    email: str,
    password: str,
    *,
    role: Role = Role.USER,
    display_name: str | None = None,
    watchlist: Sequence[str] = (),
) -> User:
    if await get_by_email(session, email) is not None:
        raise AppError(
            ErrorCode.EMAIL_TAKEN, f"An account with email {normalize_email(email)} exists", field="email"
        )
    user = User(
        email=normalize_email(email),
        password_hash=await hash_password_off_loop(password),
        role=role,
        display_name=display_name,
        preferences=Preferences(watchlist=list(watchlist)).model_dump(mode="json", by_alias=True),
        token_version=0,
        created_at=utcnow(),
    )
    session.add(user)
    await session.flush()
    return user


def issue_tokens(settings: Settings, user: User, sid: str) -> TokenPair:
    """A token pair of the sign-in session `sid`."""

    def token(kind: TokenType, ttl: int) -> str:
        return issue_token(
            subject=user.id,
            token_type=kind,
            ttl_seconds=ttl,
            secret=settings.resolved_secret_key,
            algorithm=settings.jwt_algorithm,
            version=user.token_version,
            session_id=sid,
        )

    return TokenPair(
        access_token=token("access", settings.access_token_ttl_seconds),
        refresh_token=token("refresh", settings.refresh_token_ttl_seconds),
        expires_in=settings.access_token_ttl_seconds,
    )


def start_session(session: AsyncSession, settings: Settings, user: User, origin: Origin) -> TokenPair:
    """A completed sign-in: a new session (device, address) with its first tokens, in the audit log."""
    sid = sessions.start(session, user.id, origin, settings.refresh_token_ttl_seconds)
    user.last_login_at = utcnow()
    record(session, AuditAction.SIGNIN_SUCCESS, user_id=user.id, origin=origin, details={"sessionId": sid})
    return issue_tokens(settings, user, sid)


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    user = await get_by_email(session, email)
    if user is None:
        await verify_password_off_loop(_DUMMY_HASH, password)
        raise AppError(ErrorCode.INVALID_CREDENTIALS, "Email or password is wrong")
    if not await verify_password_off_loop(user.password_hash, password):
        raise AppError(ErrorCode.INVALID_CREDENTIALS, "Email or password is wrong")
    return user


@dataclass(frozen=True)
class SignedIn:
    """The caller of a token and the sign-in session it belongs to (None for tokens older than sessions)."""

    user: User
    session_id: str | None


def _claims(settings: Settings, token: str, token_type: TokenType) -> tuple[dict[str, Any], int, str | None]:
    """A token's checked claims, its user id and its session id; 401 when it is not a valid token."""
    claims = decode_token(
        token, expected_type=token_type, secret=settings.resolved_secret_key, algorithm=settings.jwt_algorithm
    )
    sid = claims.get("sid")
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError) as exc:
        raise AppError(ErrorCode.INVALID_TOKEN, "Token is invalid") from exc
    if sid is not None and not isinstance(sid, str):
        raise AppError(ErrorCode.INVALID_TOKEN, "Token is invalid")
    return claims, user_id, sid


async def _live_user(
    session: AsyncSession, settings: Settings, claims: dict[str, Any], user_id: int, sid: str | None
) -> User:
    """The token's user if its session is live and its version current, with the role in force."""
    user, signed_out, last_seen = await sessions.user_of(session, user_id, sid)
    if user is None or signed_out or claims.get("ver") != user.token_version:
        raise AppError(ErrorCode.INVALID_TOKEN, "Token was revoked")
    if sid is not None:
        await sessions.touch(session, sid, last_seen)
    return policy.apply(user, await policy.cached(session, settings))


async def signed_in_from_token(
    session: AsyncSession, settings: Settings, token: str, token_type: TokenType
) -> SignedIn:
    """Who a token is for; 401 INVALID_TOKEN when it was revoked (everywhere, or its session signed out)."""
    claims, user_id, sid = _claims(settings, token, token_type)
    return SignedIn(await _live_user(session, settings, claims, user_id, sid), sid)


def auth_cache(runtime: Runtime) -> AuthCache:
    """The process's remembered sign-in checks (one per runtime: tests run several apps in one process)."""
    cache = runtime.memo.get("auth")
    if not isinstance(cache, AuthCache):
        cache = runtime.memo["auth"] = AuthCache(runtime.settings.auth_cache_seconds)
    return cache


async def caller_from_token(
    session: AsyncSession, runtime: Runtime, token: str, fresh: bool = False
) -> Caller:
    """Who an access token is for, as `signed_in_from_token` finds it; a check found valid is remembered
    for `auth_cache_seconds` (the signature and expiry are still checked on every request). `fresh`: read
    the database even when a check is remembered."""
    cache = auth_cache(runtime)
    claims, user_id, sid = _claims(runtime.settings, token, "access")
    version = claims.get("ver")
    known = None if fresh else cache.get(user_id, sid, version)
    if known is not None:
        return known

    async def check() -> Caller:
        generation = cache.generation(user_id)
        user = await _live_user(session, runtime.settings, claims, user_id, sid)
        caller = Caller(user.id, user.role, sid)
        cache.put(caller, user.token_version, generation)
        return caller

    if fresh or not isinstance(version, int):
        return await check()
    return await cache.once((user_id, sid, version), check)


def forget_checks(session: AsyncSession, runtime: Runtime, user_id: int) -> None:
    """Remembered sign-in checks of the user are dropped (their role in force may have changed)."""
    _forget_after_commit(session, auth_cache(runtime), user_id)


def _forget_after_commit(session: AsyncSession, cache: AuthCache, user_id: int) -> None:
    async def forget() -> None:
        cache.forget(user_id)

    cache.forget(user_id)
    after_commit(session, forget)  # again once committed: a check that read the old state is not kept


async def user_from_token(
    session: AsyncSession, settings: Settings, token: str, token_type: TokenType
) -> User:
    return (await signed_in_from_token(session, settings, token, token_type)).user


async def refresh(session: AsyncSession, cache: Cache, settings: Settings, refresh_token: str) -> AuthResult:
    """New tokens of the same session for a refresh token, which is spent: presenting it again is refused."""
    signed_in = await signed_in_from_token(session, settings, refresh_token, "refresh")
    claims = jwt.decode(refresh_token, options={"verify_signature": False})
    spent_key = f"refresh-spent:{claims.get('jti') or refresh_token}"
    if await cache.incr(spent_key, ttl=settings.refresh_token_ttl_seconds) > 1:
        raise AppError(ErrorCode.INVALID_TOKEN, "Refresh token was already used")
    user = signed_in.user
    if signed_in.session_id is None:  # a token older than sessions: it becomes a session of its own
        tokens = start_session(session, settings, user, Origin())
    else:
        await sessions.extend(session, signed_in.session_id, settings.refresh_token_ttl_seconds)
        tokens = issue_tokens(settings, user, signed_in.session_id)
    return AuthResult(user=to_out(user, settings=settings), tokens=tokens)


async def sign_out(
    session: AsyncSession, cache: AuthCache, signed_in: SignedIn, origin: Origin | None = None
) -> None:
    """End the caller's sign-in session only: its access and refresh tokens are refused from now on."""
    if signed_in.session_id is None:  # a token without a session can only be revoked with all the others
        await sign_out_everywhere(session, cache, signed_in.user, origin)
        return
    sid = signed_in.session_id
    await end_session(session, cache, signed_in.user, sid, sid, origin)


async def end_session(
    session: AsyncSession,
    cache: AuthCache,
    user: User,
    session_id: str,
    current: str | None,
    origin: Origin | None = None,
) -> None:
    """End one of the user's sessions (404 when it is not theirs or already over)."""
    if not await sessions.end(session, user.id, session_id):
        raise not_found("Session", session_id)
    details = {"sessionId": session_id, "current": session_id == current}
    record(session, AuditAction.SESSION_ENDED, user_id=user.id, origin=origin, details=details)
    _forget_after_commit(session, cache, user.id)


async def end_other_sessions(
    session: AsyncSession, cache: AuthCache, user: User, current: str | None, origin: Origin | None = None
) -> int:
    """End every session of the user but the caller's; returns how many ended."""
    ended = await sessions.end_all(session, user.id, keep=current)
    if ended:
        details = {"ended": ended, "kept": current}
        record(session, AuditAction.SESSION_ENDED, user_id=user.id, origin=origin, details=details)
        _forget_after_commit(session, cache, user.id)
    return ended


async def sign_out_everywhere(
    session: AsyncSession, cache: AuthCache, user: User, origin: Origin | None = None
) -> None:
    """Revoke every access and refresh token of the user, of every session (API keys are separate)."""
    user.token_version += 1
    ended = await sessions.end_all(session, user.id)
    record(
        session, AuditAction.SIGNED_OUT_EVERYWHERE, user_id=user.id, origin=origin, details={"ended": ended}
    )
    _forget_after_commit(session, cache, user.id)


async def reset_two_factor(session: AsyncSession, user: User) -> None:
    """An operator turns 2FA off for an account locked out of it (`cryptomon reset-2fa`): the secret and
    recovery codes go, and every session ends so that whoever signs in next passes the password again."""
    user.totp_secret, user.totp_enabled_at = None, None
    await two_factor.void_recovery_codes(session, user)
    user.token_version += 1
    ended = await sessions.end_all(session, user.id)
    details = {"by": "operator (cryptomon reset-2fa)", "sessionsEnded": ended}
    record(session, AuditAction.TWO_FACTOR_DISABLED, user_id=user.id, details=details, by_operator=True)


def _merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in patch.items():
        merged[key] = _merge(merged.get(key) or {}, value) if isinstance(value, dict) else value
    return merged


async def update_me(
    session: AsyncSession, cache: AuthCache, user: User, change: UpdateMeRequest, *, settings: Settings
) -> User:
    sensitive = change.email is not None or change.password is not None
    if sensitive and not (
        change.current_password
        and await verify_password_off_loop(user.password_hash, change.current_password)
    ):
        # 403, not INVALID_CREDENTIALS (401): a web client must not take it for an expired session.
        raise AppError(ErrorCode.FORBIDDEN, "currentPassword is missing or wrong", field="currentPassword")
    if change.email is not None and normalize_email(change.email) != user.email:
        if await get_by_email(session, change.email) is not None:
            raise AppError(ErrorCode.EMAIL_TAKEN, "That email belongs to another account", field="email")
        record(session, AuditAction.EMAIL_CHANGED, user_id=user.id, details={"from": user.email})
        user.email = normalize_email(change.email)
    if change.password is not None:
        user.password_hash = await hash_password_off_loop(change.password)
        record(session, AuditAction.PASSWORD_CHANGED, user_id=user.id)
        await sign_out_everywhere(session, cache, user)
    if "display_name" in change.model_fields_set:
        user.display_name = change.display_name
    if change.preferences is not None:
        patch = change.preferences.model_dump(mode="json", by_alias=True, exclude_unset=True)
        # Sealed values were validated when they were stored: the rest is validated, then they go back.
        plain, sealed = channel_secrets.set_aside_sealed(_merge(user.preferences or {}, patch))
        merged = Preferences.model_validate(plain).model_dump(mode="json", by_alias=True)
        merged["channels"].update(sealed)
        user.preferences = channel_secrets.seal_channels(merged, settings)
    user.updated_at = utcnow()
    await session.flush()
    return user


def _demo_credentials(path: Path, default_email: str) -> tuple[str, str, bool]:
    """The stored demo credentials, or new ones; the flag says whether they still need storing."""
    if path.exists():
        stored = json.loads(path.read_text())
        return stored["email"], stored["password"], False
    return default_email, secrets.token_urlsafe(12), True


def _store_demo_credentials(path: Path, email: str, password: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"email": email, "password": password}))
    path.chmod(0o600)


async def ensure_demo_account(session: AsyncSession, settings: Settings) -> tuple[str, str]:
    """The embedded demo admin: created once with a random password that is kept in the data dir."""
    path = settings.data_dir / "demo_credentials.json"
    email, password, new = _demo_credentials(path, settings.demo_email)
    user = await get_by_email(session, email)
    if user is None:
        await create_user(
            session,
            email,
            password,
            role=Role.ADMIN,
            display_name="Demo",
            watchlist=settings.default_watchlist,
        )
    elif not await verify_password_off_loop(user.password_hash, password):
        # The account exists but its password was changed by the user: keep theirs, print nothing secret.
        return email, "(changed by you)"
    if new:
        _store_demo_credentials(path, email, password)
    return email, password
