"""Error codes (one enum, listed in docs/API.md) and the exception every domain raises."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    VALIDATION_ERROR = "VALIDATION_ERROR"
    CONTENT_REJECTED = "CONTENT_REJECTED"
    BAD_REQUEST = "BAD_REQUEST"
    INVALID_SYMBOL = "INVALID_SYMBOL"
    INVALID_INTERVAL = "INVALID_INTERVAL"
    INVALID_RANGE = "INVALID_RANGE"
    RANGE_TOO_LARGE = "RANGE_TOO_LARGE"
    UNAUTHORIZED = "UNAUTHORIZED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_TOKEN = "INVALID_TOKEN"
    INVALID_TWO_FACTOR_CODE = "INVALID_TWO_FACTOR_CODE"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    FORBIDDEN = "FORBIDDEN"
    TWO_FACTOR_REQUIRED = "TWO_FACTOR_REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    NO_DATA = "NO_DATA"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    CONFLICT = "CONFLICT"
    LINK_EXPIRED = "LINK_EXPIRED"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"


# The one HTTP status of each code: a code is never sent with another (tests/core/test_error_codes.py).
HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.VALIDATION_ERROR: 422,
    ErrorCode.CONTENT_REJECTED: 422,
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.INVALID_SYMBOL: 400,
    ErrorCode.INVALID_INTERVAL: 400,
    ErrorCode.INVALID_RANGE: 400,
    ErrorCode.RANGE_TOO_LARGE: 400,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.INVALID_CREDENTIALS: 401,
    ErrorCode.INVALID_TOKEN: 401,
    ErrorCode.INVALID_TWO_FACTOR_CODE: 401,
    ErrorCode.TOKEN_EXPIRED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.TWO_FACTOR_REQUIRED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.NO_DATA: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.CONFLICT: 409,
    ErrorCode.EMAIL_TAKEN: 409,
    ErrorCode.LINK_EXPIRED: 410,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.INTERNAL_ERROR: 500,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
}


class AppError(Exception):
    """A failure the caller can act on; rendered as the error envelope with its code's HTTP status."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        field: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.details = details
        self.headers = headers

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.code]


def not_found(what: str, ident: object) -> AppError:
    return AppError(ErrorCode.NOT_FOUND, f"{what} {ident} not found")


def forbidden(message: str = "You may not access this resource") -> AppError:
    return AppError(ErrorCode.FORBIDDEN, message)
