"""TOTP two-factor sign-in (RFC 6238, pyotp): secrets, codes accepted once, recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utcnow
from app.users.models import RecoveryCode, User

STEP_SECONDS = 30
DIGITS = 6
# Codes of the step before and after the server's are accepted too: phone clocks drift.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


def new_secret() -> str:
    """A 160-bit base32 secret, as RFC 4226 recommends for HMAC-SHA1."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The `otpauth://totp/...` URI authenticator apps read from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def step_of(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (within the drift) whose code `code` is, or None. Compared in constant time."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = step_of(now)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


async def claim_step(session: AsyncSession, user: User, step: int) -> bool:
    """Mark `step` used for `user` unless it (or a later one) already was: a code works once, even when two
    requests bring it at the same moment to two API processes (one conditional UPDATE decides)."""
    claimed = await session.execute(
        update(User)
        .where(User.id == user.id)
        .where((User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return False
    user.totp_last_step = step
    return True


def _normalized_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_code_hash(code: str, key: str) -> str:
    """Keyed (HMAC-SHA256 with the app's secret key): a stolen table does not give codes to brute-force."""
    return hmac.new(key.encode(), _normalized_recovery_code(code).encode(), hashlib.sha256).hexdigest()


def new_recovery_code() -> str:
    """Ten characters (~49 bits) in two groups of five, e.g. `k7q2m-x9tpa`."""
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


async def void_recovery_codes(session: AsyncSession, user: User) -> None:
    await session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def replace_recovery_codes(session: AsyncSession, user: User, key: str) -> list[str]:
    """A new set of recovery codes; the old ones stop working. Only hashes are kept."""
    await void_recovery_codes(session, user)
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=recovery_code_hash(c, key)) for c in codes)
    await session.flush()
    return codes


async def use_recovery_code(session: AsyncSession, user: User, code: str, key: str) -> bool:
    """Spend a recovery code: True when it was one of the user's unused codes (now used)."""
    spent = await session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == recovery_code_hash(code, key),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return getattr(spent, "rowcount", 0) == 1


async def recovery_codes_left(session: AsyncSession, user_id: int) -> int:
    rows = await session.scalars(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )
    return len(list(rows))
