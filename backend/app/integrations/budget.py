"""Per-provider credit budgets: a provider's monthly (or daily) allowance, counted in the shared cache."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from app.core.clock import isoformat_z, utcnow
from app.integrations.errors import HttpError

if TYPE_CHECKING:
    from app.config import Settings
    from app.core.cache import Cache

Period = Literal["month", "day"]
Provider = Literal[
    "coingecko", "coinmarketcap", "etherscan", "defillama", "feargreed", "esplora", "reddit", "rss", "x"
]

# A counter outlives its window by a day: the key names the window, so a late expiry never merges two
# windows, while an early one (clocks a little apart) would hand out a second allowance.
GRACE_SECONDS = 86_400

# Where each provider's allowance lives in Settings, and the window it is counted over.
LIMITS: dict[Provider, tuple[str, Period]] = {
    "coingecko": ("coingecko_monthly_credits", "month"),
    "coinmarketcap": ("coinmarketcap_monthly_credits", "month"),
    "etherscan": ("etherscan_daily_credits", "day"),
    "defillama": ("defillama_monthly_credits", "month"),
    "feargreed": ("feargreed_monthly_credits", "month"),
    "esplora": ("esplora_monthly_credits", "month"),
    "reddit": ("reddit_monthly_credits", "month"),
    "rss": ("rss_monthly_credits", "month"),
    "x": ("x_monthly_credits", "month"),
}


class BudgetExhausted(HttpError):
    """The provider's allowance for this window is spent: refused before any request was sent."""

    def __init__(self, provider: str, used: int, limit: int, resets_at: datetime) -> None:
        self.provider = provider
        self.used = used
        self.limit = limit
        self.resets_at = resets_at
        wait = max(0.0, (resets_at - utcnow()).total_seconds())
        super().__init__(
            f"{provider}: credit budget spent ({used} of {limit}); resets at {isoformat_z(resets_at)}",
            status=None,
            retry_after=wait,
        )


def window(now: datetime, period: Period) -> tuple[str, datetime]:
    """The label of the UTC calendar window holding `now` and the moment the next one starts.

    >>> window(datetime(2025, 12, 31, 23, 59, tzinfo=UTC), "month")
    ('2025-12', datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.timezone.utc))
    >>> window(datetime(2025, 11, 13, 12, 0, tzinfo=UTC), "day")[0]
    '2025-11-13'
    """
    now = now.astimezone(UTC)
    if period == "day":
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return start.strftime("%Y-%m-%d"), start + timedelta(days=1)
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (start + timedelta(days=32)).replace(day=1)
    return start.strftime("%Y-%m"), following


def per_hundred(items: int) -> int:
    """CoinMarketCap's charge for a quotes call: 1 credit per 100 cryptocurrencies, rounded up.

    >>> [per_hundred(n) for n in (1, 100, 101, 250)]
    [1, 1, 2, 3]
    """
    return max(1, math.ceil(items / 100))


@dataclass(frozen=True, slots=True)
class CreditBudget:
    """`limit` credits per UTC `period` for `provider`, counted under one cache key so every process
    sharing the cache shares the allowance. A limit of 0 or less is no limit."""

    provider: str
    limit: int
    cache: Cache
    period: Period = "month"

    def key(self, now: datetime | None = None) -> str:
        label, _ = window(now or utcnow(), self.period)
        return f"integrations:credits:{self.provider}:{label}"

    async def spend(self, credits: int = 1) -> int:
        """Take `credits` from this window's allowance and return the count used so far; BudgetExhausted,
        with nothing taken, if they do not fit."""
        if self.limit <= 0 or credits <= 0:
            return 0
        now = utcnow()
        label, resets_at = window(now, self.period)
        key = f"integrations:credits:{self.provider}:{label}"
        ttl = (resets_at - now).total_seconds() + GRACE_SECONDS
        used = await self.cache.incr(key, ttl, amount=credits)
        if used > self.limit:
            # Given back, so that a refused call costs nothing and a smaller one may still fit.
            await self.cache.incr(key, ttl, amount=-credits)
            raise BudgetExhausted(self.provider, used - credits, self.limit, resets_at)
        return used

    async def refund(self, credits: int) -> None:
        """Give back credits spent in advance but not charged (X counts the posts it actually returned)."""
        if self.limit <= 0 or credits <= 0:
            return
        now = utcnow()
        _, resets_at = window(now, self.period)
        await self.cache.incr(
            self.key(now), (resets_at - now).total_seconds() + GRACE_SECONDS, amount=-credits
        )

    async def used(self) -> int:
        """Credits spent in the current window."""
        count = await self.cache.get(self.key())
        return int(count) if count is not None else 0


def budget_for(provider: Provider, settings: Settings, cache: Cache) -> CreditBudget | None:
    """The budget the settings give `provider`, or None when its limit is 0 (unlimited)."""
    field, period = LIMITS[provider]
    limit = int(getattr(settings, field))
    return CreditBudget(provider, limit, cache, period) if limit > 0 else None
