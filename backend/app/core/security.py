"""Password hashing (argon2), signed access/refresh tokens (JWT), and comparing signatures."""

from __future__ import annotations

import asyncio
import functools
import hmac
import uuid
from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any, Literal

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode

# two_factor: the short-lived step between a right password and the 2FA code (users.two_factor).
TokenType = Literal["access", "refresh", "two_factor"]

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def hash_password_off_loop(password: str) -> str:
    """`hash_password` in a thread: argon2 takes ~0.1-0.2 s of CPU (and releases the GIL), which on the
    event loop would stall every other request and WebSocket of the process (bench/cluster_load.py)."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_off_loop(password_hash: str, password: str) -> bool:
    """`verify_password` in a thread, for the same reason."""
    return await asyncio.to_thread(verify_password, password_hash, password)


def same_signature(given: str, expected: str) -> bool:
    """Constant-time comparison of a signature from a URL with the expected one. As bytes: compare_digest
    refuses str with non-ASCII characters (TypeError), and a wrong signature is a wrong signature."""
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def issue_token(
    *,
    subject: int,
    token_type: TokenType,
    ttl_seconds: int,
    secret: str,
    algorithm: str,
    version: int,
    session_id: str | None = None,
) -> str:
    """A signed token; `session_id` (claim `sid`) ties it to the sign-in it comes from, to end that alone."""
    now = utcnow()
    claims: dict[str, Any] = {
        "sub": str(subject),
        "type": token_type,
        "ver": version,
        "iat": int(now.timestamp()),
        "jti": uuid.uuid4().hex,
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
    }
    if session_id is not None:
        claims["sid"] = session_id
    return jwt.encode(claims, secret, algorithm=algorithm)


@functools.lru_cache(maxsize=4096)
def _signed_claims(token: str, secret: str, algorithm: str) -> Mapping[str, Any]:
    """The claims of a token whose signature checks out under `secret` (raises otherwise).

    Remembered per exact token text and secret: the same bytes verify the same way every time, and a
    client sends its token on every request (7% of an API request's CPU went to re-verifying it).
    Failures are not remembered. Expiry is not checked here but by the caller, on every use.
    """
    # Expiry is checked against the injectable clock in decode_token, not the wall clock inside PyJWT.
    claims = jwt.decode(
        token, secret, algorithms=[algorithm], options={"verify_exp": False, "require": ["exp", "sub"]}
    )
    return MappingProxyType(claims)


_TOKEN_NAMES: dict[TokenType, str] = {
    "access": "an access",
    "refresh": "a refresh",
    "two_factor": "a two-factor sign-in",
}


def decode_token(token: str, *, expected_type: TokenType, secret: str, algorithm: str) -> dict[str, Any]:
    """The token's claims; 401 TOKEN_EXPIRED or INVALID_TOKEN when it cannot be trusted."""
    try:
        claims = dict(_signed_claims(token, secret, algorithm))
    except jwt.PyJWTError as exc:
        raise AppError(ErrorCode.INVALID_TOKEN, "Token is invalid") from exc
    if claims.get("type") != expected_type:
        raise AppError(
            ErrorCode.INVALID_TOKEN,
            f"Expected {_TOKEN_NAMES[expected_type]} token",
        )
    if int(claims["exp"]) <= int(utcnow().timestamp()):
        raise AppError(ErrorCode.TOKEN_EXPIRED, "Token has expired")
    return claims
