"""Request-scoped dependencies: the runtime, one database session per request, and storable parameters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from app.core.bounds import unstorable_at, unstorable_message
from app.core.errors import AppError, ErrorCode
from app.core.runtime import Runtime


async def get_runtime(connection: HTTPConnection) -> Runtime:
    # async: FastAPI runs a plain `def` dependency in its thread pool, a thread hop on every request.
    runtime: Runtime = connection.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed after the route returns and before the response is sent."""
    async with runtime.db.session() as session:
        yield session


# scope="function": commit before the response goes out, so a failed commit is the client's error
# and a client that reads right after a write sees it.
DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def storable_parameters(connection: HTTPConnection) -> None:
    """Every route's path and query parameters carry no text a database cannot store (U+0000 above all):
    a 422 naming the parameter, before any route looks one up. (Bodies: RequestModel checks them.) Async,
    though it never waits: FastAPI runs a plain def dependency on a worker thread, a hop on every request."""
    named = [*connection.path_params.items(), *connection.query_params.multi_items()]
    for name, value in named:
        found = unstorable_at(value) or unstorable_at(name)
        if found is not None:
            message = unstorable_message(found[0], "")
            details = [{"field": name, "message": message}]
            raise AppError(ErrorCode.VALIDATION_ERROR, f"{name}: {message}", field=name, details=details)
