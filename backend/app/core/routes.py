"""The methods the app serves on a path: a 405 names them all, and a path no route owns is a 404."""

from __future__ import annotations

from starlette.convertors import PathConvertor
from starlette.requests import Request
from starlette.routing import BaseRoute, Match, Mount, Route

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _owns_paths(route: BaseRoute) -> bool:
    """False for a mount (every method reaches it) and for a fallback such as the web app's
    `/{path:path}`, which matches every path without making any of them known."""
    if isinstance(route, Mount):
        return False
    if isinstance(route, Route):
        convertors = route.param_convertors.items()
        return not any(
            route.path_format == f"/{{{n}}}" and isinstance(c, PathConvertor) for n, c in convertors
        )
    return True


def allowed_methods(request: Request) -> set[str] | None:
    """The methods served on the request's path (empty: no route owns it), or None when the 405 did
    not come from a route (e.g. static files under a mount)."""
    if not isinstance(request.scope.get("route"), Route):
        return None
    routes = [route for route in request.app.router.routes if _owns_paths(route)]
    allowed: set[str] = set()
    for method in METHODS:
        # A copy of the scope: matching records the router it goes through in the scope's `fastapi` dict.
        probe = {**request.scope, "method": method, "fastapi": dict(request.scope.get("fastapi", {}))}
        if any(route.matches(probe)[0] == Match.FULL for route in routes):
            allowed.add(method)
    return allowed
