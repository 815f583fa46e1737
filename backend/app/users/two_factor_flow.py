"""Two-factor use cases: enrol, turn on and off, recovery codes, and the code step of a sign-in."""

from __future__ import annotations

from dataclasses import dataclass

import jwt
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.core import ratelimit
from app.core.cache import Cache
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode
from app.core.runtime import Runtime
from app.core.secret_box import UnreadableSecret, secret_box
from app.core.security import decode_token, issue_token
from app.users import qr_code, two_factor
from app.users.audit import AuditAction, Origin, record, record_now
from app.users.models import User


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_code: str  # a data: URI of the PNG


def _wrong(message: str = "The two-factor code is wrong") -> AppError:
    return AppError(ErrorCode.INVALID_TWO_FACTOR_CODE, message, field="code")


def pending_uri(settings: Settings, user: User) -> str | None:
    """The `otpauth://` URI of the enrolment under way (a secret set, 2FA not yet on), if any."""
    if user.totp_secret is None or user.two_factor_enabled:
        return None
    secret = secret_box(settings).open(user.totp_secret)
    return two_factor.provisioning_uri(secret, user.email, settings.two_factor_issuer)


def begin(settings: Settings, user: User) -> Enrolment:
    """A new secret for the user to scan; 2FA is not on until a first code confirms it (`enable`)."""
    if user.two_factor_enabled:
        raise AppError(ErrorCode.CONFLICT, "Two-factor sign-in is already on: turn it off first")
    secret = two_factor.new_secret()
    user.totp_secret = secret_box(settings).seal(secret)
    user.totp_last_step = None
    uri = two_factor.provisioning_uri(secret, user.email, settings.two_factor_issuer)
    return Enrolment(secret=secret, otpauth_uri=uri, qr_code=qr_code.png_data_uri(uri))


async def _limit(cache: Cache, settings: Settings, user: User) -> None:
    await ratelimit.ensure_below(
        cache,
        f"2fa:fail:{user.id}",
        settings.two_factor_attempt_limit,
        settings.two_factor_attempt_window_seconds,
        "wrong two-factor codes for this account",
    )


async def _check_code(session: AsyncSession, settings: Settings, user: User, code: str) -> None:
    """The code is the user's for now (±1 step) and of a step not used before, which it now uses."""
    if user.totp_secret is None:
        raise AppError(ErrorCode.CONFLICT, "Two-factor sign-in is not set up")
    secret = secret_box(settings).open(user.totp_secret)
    step = two_factor.matching_step(secret, code, utcnow())
    if step is None:
        raise _wrong()
    if not await two_factor.claim_step(session, user, step):
        raise _wrong("That code was already used: wait for the next one")


async def verify(
    session: AsyncSession,
    runtime: Runtime,
    user: User,
    *,
    code: str | None,
    recovery_code: str | None,
    origin: Origin,
    during: str = "sign-in",
) -> None:
    """A second factor: a current code, or an unused recovery code (spent). Wrong ones are counted, limited
    (429 past `two_factor_attempt_limit` per window) and logged even though the request fails."""
    settings, user_id = runtime.settings, user.id
    await _limit(runtime.cache, settings, user)
    try:
        if recovery_code is not None:
            key = settings.resolved_secret_key
            if not await two_factor.use_recovery_code(session, user, recovery_code, key):
                raise AppError(
                    ErrorCode.INVALID_TWO_FACTOR_CODE,
                    "The recovery code is wrong or was used",
                    field="recoveryCode",
                )
            record(session, AuditAction.RECOVERY_CODE_USED, user_id=user.id, origin=origin)
        else:
            await _check_code(session, settings, user, code or "")
    except AppError as error:
        if error.code == ErrorCode.INVALID_TWO_FACTOR_CODE:
            await ratelimit.record(
                runtime.cache, f"2fa:fail:{user_id}", settings.two_factor_attempt_window_seconds
            )
            details = {"reason": error.message, "during": during}
            # The request fails: end its transaction first (SQLite allows one writer at a time).
            await session.rollback()
            await record_now(
                runtime.db,
                AuditAction.SIGNIN_TWO_FACTOR_FAILURE,
                user_id=user_id,
                origin=origin,
                details=details,
            )
        raise


async def enable(session: AsyncSession, runtime: Runtime, user: User, code: str, origin: Origin) -> list[str]:
    """Turn 2FA on with a first code of the enrolment; returns the ten recovery codes (shown once)."""
    if user.two_factor_enabled:
        raise AppError(ErrorCode.CONFLICT, "Two-factor sign-in is already on")
    if user.totp_secret is None:
        raise AppError(ErrorCode.CONFLICT, "Start with POST /api/users/me/2fa/setup")
    await verify(session, runtime, user, code=code, recovery_code=None, origin=origin, during="enable")
    user.totp_enabled_at = utcnow()
    codes = await two_factor.replace_recovery_codes(session, user, runtime.settings.resolved_secret_key)
    record(session, AuditAction.TWO_FACTOR_ENABLED, user_id=user.id, origin=origin)
    return codes


def _require_on(user: User) -> None:
    if not user.two_factor_enabled:
        raise AppError(ErrorCode.CONFLICT, "Two-factor sign-in is not on")


async def disable(
    session: AsyncSession,
    runtime: Runtime,
    user: User,
    *,
    code: str | None,
    recovery_code: str | None,
    origin: Origin,
) -> None:
    """Turn 2FA off: needs a current code or a recovery code. The secret and recovery codes are dropped."""
    _require_on(user)
    await verify(
        session, runtime, user, code=code, recovery_code=recovery_code, origin=origin, during="disable"
    )
    user.totp_secret = None
    user.totp_enabled_at = None
    await two_factor.void_recovery_codes(session, user)
    record(session, AuditAction.TWO_FACTOR_DISABLED, user_id=user.id, origin=origin)


async def new_recovery_codes(
    session: AsyncSession, runtime: Runtime, user: User, code: str, origin: Origin
) -> list[str]:
    _require_on(user)
    await verify(
        session, runtime, user, code=code, recovery_code=None, origin=origin, during="new recovery codes"
    )
    codes = await two_factor.replace_recovery_codes(session, user, runtime.settings.resolved_secret_key)
    record(session, AuditAction.RECOVERY_CODES_REGENERATED, user_id=user.id, origin=origin)
    return codes


def challenge_token(settings: Settings, user: User) -> str:
    """The short-lived proof of a right password that the code step needs (type `two_factor`)."""
    return issue_token(
        subject=user.id,
        token_type="two_factor",
        ttl_seconds=settings.two_factor_step_seconds,
        secret=settings.resolved_secret_key,
        algorithm=settings.jwt_algorithm,
        version=user.token_version,
    )


async def challenged_user(session: AsyncSession, runtime: Runtime, token: str) -> User:
    """The user a challenge token was given to, if it is still good (401 TOKEN_EXPIRED / INVALID_TOKEN)."""
    settings = runtime.settings
    claims = decode_token(
        token,
        expected_type="two_factor",
        secret=settings.resolved_secret_key,
        algorithm=settings.jwt_algorithm,
    )
    user = await session.get(User, int(claims["sub"]))
    if user is None or claims.get("ver") != user.token_version or not user.two_factor_enabled:
        raise AppError(ErrorCode.INVALID_TOKEN, "The sign-in step is no longer valid: sign in again")
    return user


async def spend_challenge(cache: Cache, settings: Settings, token: str) -> None:
    """A challenge completes one sign-in only."""
    jti = jwt.decode(token, options={"verify_signature": False}).get("jti")
    if await cache.incr(f"2fa-step-spent:{jti}", ttl=settings.two_factor_step_seconds) > 1:
        raise AppError(ErrorCode.INVALID_TOKEN, "This sign-in step was already completed: sign in again")


async def reseal_totp_secrets(session: AsyncSession, settings: Settings) -> int:
    """TOTP secrets sealed with a key that is no longer the first, sealed again with the first (start-up after
    a key rotation); returns how many. One a secret no key opens is left (its owner's sign-in refuses codes
    until the key comes back, or an operator runs `cryptomon reset-2fa`)."""
    box, changed = secret_box(settings), 0
    rows = await session.execute(select(User.id, User.totp_secret).where(User.totp_secret.is_not(None)))
    for user_id, sealed in rows.all():
        if sealed is None:
            continue
        try:
            again = box.reseal(sealed)
        except UnreadableSecret:
            continue
        if again != sealed:
            result = await session.execute(
                update(User)
                .where(User.id == user_id, User.totp_secret == sealed)
                .values(totp_secret=again)
                .execution_options(synchronize_session=False)
            )
            changed += int(getattr(result, "rowcount", 0) or 0)
    return changed
