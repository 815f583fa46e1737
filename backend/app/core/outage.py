"""An unreachable database or Redis (restarting, failing over) told from a bug: a 503 to retry, not a 500."""

from __future__ import annotations

import asyncpg  # type: ignore[import-untyped]
import redis.exceptions
from sqlalchemy.exc import DBAPIError

OUTAGE_MESSAGE = "The database or Redis is unreachable for a moment; nothing was changed, retry shortly"

_UNREACHABLE: tuple[type[BaseException], ...] = (
    ConnectionError,  # refused, reset, broken pipe: the socket's own errors
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,  # includes "the database system is starting up"
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.AdminShutdownError,  # the server was stopped under an open connection
    asyncpg.exceptions.CannotConnectNowError,  # starting up or shutting down
)


def is_outage(exc: BaseException) -> bool:
    """True when `exc`, or what caused it, says a backing service could not be reached."""
    seen: BaseException | None = exc
    for _ in range(10):  # cause chains are short; a cycle must not hang an error handler
        if seen is None:
            return False
        if isinstance(seen, _UNREACHABLE):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
