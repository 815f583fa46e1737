"""Exception handlers: every failure leaves as the error envelope, never as a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.envelope import error_body
from app.core.errors import HTTP_STATUS, AppError, ErrorCode
from app.core.outage import OUTAGE_MESSAGE, is_outage
from app.core.routes import allowed_methods

log = logging.getLogger(__name__)

_STATUS_CODES = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: ErrorCode.RATE_LIMITED,
    503: ErrorCode.SERVICE_UNAVAILABLE,
}


def error_response(
    code: ErrorCode,
    message: str,
    *,
    field: str | None = None,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        error_body(code, message, field, details), status_code=HTTP_STATUS[code], headers=headers
    )


def _body_error(message: str) -> JSONResponse:
    """A body that cannot be read as JSON: 422 on `body`, like any other invalid input."""
    details = [{"field": "body", "message": message}]
    return error_response(ErrorCode.VALIDATION_ERROR, message, field="body", details=details)


def _field_path(loc: tuple[Any, ...]) -> str:
    # ("body", "threshold") -> "threshold"; ("query", "from") -> "from"; nested -> "channels.0"
    parts = (
        [str(p) for p in loc[1:]]
        if loc and loc[0] in ("body", "query", "path", "header")
        else [str(p) for p in loc]
    )
    return ".".join(parts) or str(loc[0] if loc else "body")


def _describe(error: dict[str, Any]) -> str:
    if error.get("type") == "extra_forbidden":
        return "unknown field"
    if error.get("type") == "missing":
        return "field required"
    message = str(error.get("msg", "invalid value"))
    # A validator's own ValueError reads "Value error, <its message>": the message alone is what to show.
    return message.removeprefix("Value error, ")


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.code, exc.message, field=exc.field, details=exc.details, headers=exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        position = next(e.get("loc", ("body", "?"))[-1] for e in errors if e.get("type") == "json_invalid")
        return _body_error(f"body is not valid JSON (at character {position})")
    details = [{"field": _field_path(tuple(e.get("loc", ()))), "message": _describe(e)} for e in errors]
    first = details[0] if details else {"field": "body", "message": "invalid request"}
    message = f"{first['field']}: {first['message']}"
    if len(details) > 1:
        message += f" (and {len(details) - 1} more)"
    return error_response(ErrorCode.VALIDATION_ERROR, message, field=first["field"], details=details)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError | RecursionError):
        # FastAPI turns any failure to parse a JSON body other than a syntax error into a bare 400.
        return _body_error(_unreadable(exc.__cause__))
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:
        allowed = allowed_methods(request)
        if allowed is not None and not allowed:
            return error_response(ErrorCode.NOT_FOUND, "No such route")
        if allowed:
            headers = {**(headers or {}), "Allow": ", ".join(sorted(allowed))}
    code = _STATUS_CODES.get(
        exc.status_code, ErrorCode.BAD_REQUEST if exc.status_code < 500 else ErrorCode.INTERNAL_ERROR
    )
    message = str(exc.detail) if exc.detail else code.value
    if exc.status_code == 404 and message == "Not Found":
        message = "No such route"
    return error_response(code, message, headers=headers)


def _unreadable(cause: BaseException) -> str:
    if isinstance(cause, UnicodeDecodeError):
        return f"body is not valid UTF-8 (at byte {cause.start})"
    if isinstance(cause, RecursionError):
        return "body is not valid JSON (nested too deeply)"
    return "body is not valid JSON"


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    if is_outage(exc):
        log.warning("backing service unreachable on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(ErrorCode.SERVICE_UNAVAILABLE, OUTAGE_MESSAGE, headers={"Retry-After": "1"})
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(ErrorCode.INTERNAL_ERROR, "Internal error; it was logged with the request id")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unhandled)
