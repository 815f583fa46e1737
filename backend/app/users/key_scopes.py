"""The scopes an API key may hold, and which scope each route needs from a key.

The rule decides by the method and the route's path template (`/api/alerts/{userId}/{alertId}`, never the
path as sent), first match wins; HEAD counts as GET:

| Routes                                                                          | Scope          |
|---------------------------------------------------------------------------------|----------------|
| anything outside /api/; every /api/auth/*, /api/admin/*; everything under       | none: no key   |
| /api/users/me/ (API keys, sessions, 2FA, audit log: the account's security)     |                |
| POST /api/data/ticks, POST /api/data/candles                                    | ingest         |
| every method under /api/agent                                                   | agent          |
| GET under /api/market, /api/data/historical, /api/indicators (not /custom),     | market:read    |
| /api/patterns, /api/fundamentals, /api/onchain, /api/sentiment, /api/charts;    |                |
| POST /api/indicators/evaluate                                                   |                |
| POST/PATCH/DELETE under /api/alerts; POST /api/portfolios/{portfolioId}/alerts  | alerts:write   |
| every other GET under /api/ (portfolios, alerts, reports, users/me, jobs, …)    | account:read   |
| every other write (PATCH /api/users/me, PUT /api/users/{userId}/role, …)        | none: no key   |
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeyScope:
    scope: str
    title: str
    description: str
    admin_only: bool = False


MARKET_READ = "market:read"
INGEST = "ingest"
ACCOUNT_READ = "account:read"
ALERTS_WRITE = "alerts:write"
AGENT = "agent"

CATALOGUE: dict[str, KeyScope] = {
    s.scope: s
    for s in (
        KeyScope(MARKET_READ, "Read market data", "Read prices, candles, indicators, patterns and research."),
        KeyScope(INGEST, "Push market data", "Push ticks and candles into the market feed.", admin_only=True),
        KeyScope(ACCOUNT_READ, "Read my data", "Read your portfolios, alerts, reports and profile."),
        KeyScope(ALERTS_WRITE, "Manage my alerts", "Create, change, pause, resume and delete your alerts."),
        KeyScope(AGENT, "Use the AI agent", "Ask the AI agent and manage your conversations with it."),
    )
}

# Never callable with a key, whatever its scopes: a leaked key must not take over the account.
_NO_KEY = ("/api/auth", "/api/admin", "/api/users/me/")
_MARKET = (
    "/api/market",
    "/api/data/historical",
    "/api/indicators",
    "/api/patterns",
    "/api/fundamentals",
    "/api/onchain",
    "/api/sentiment",
    "/api/charts",
)
# A user's own indicator definitions are their data, not market data.
_NOT_MARKET = ("/api/indicators/custom",)
_ALERT_WRITES = frozenset({"POST", "PATCH", "DELETE"})


def _under(path: str, prefix: str) -> bool:
    if prefix.endswith("/"):
        return path.startswith(prefix)
    return path == prefix or path.startswith(prefix + "/")


def required_scope(method: str, path: str) -> str | None:
    """The scope a key needs for `method` on the route template `path`; None: no key may call it."""
    method = "GET" if method.upper() == "HEAD" else method.upper()
    if not path.startswith("/api/") or any(_under(path, p) for p in _NO_KEY):
        return None
    if method == "POST" and path in ("/api/data/ticks", "/api/data/candles"):
        return INGEST
    if _under(path, "/api/agent"):
        return AGENT
    market = any(_under(path, p) for p in _MARKET) and not any(_under(path, p) for p in _NOT_MARKET)
    if (method == "GET" and market) or (method == "POST" and path == "/api/indicators/evaluate"):
        return MARKET_READ
    if method in _ALERT_WRITES and (
        _under(path, "/api/alerts") or (method == "POST" and path == "/api/portfolios/{portfolioId}/alerts")
    ):
        return ALERTS_WRITE
    if method == "GET":
        return ACCOUNT_READ
    return None
