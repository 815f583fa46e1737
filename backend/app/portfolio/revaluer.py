"""Every portfolio's live value, kept up to date one price at a time, and which owners to tell.

Pure (no I/O): `PortfolioWatcher` feeds it prices from the bus and sends what it returns. A tick of a symbol
revalues only the portfolios holding it, by quantity x the price's move (no full sum). An update is due when
the value moved by at least `min_change` (a fraction) since the last one sent, and at most one per portfolio
per `interval` seconds; a move held back by the interval is sent by `due` once the interval has passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class _Held:
    owner: int
    quantities: dict[str, float]
    invested: float
    value: float = 0.0
    sent_value: float = 0.0
    sent_at: float = float("-inf")


@dataclass(frozen=True, slots=True)
class Update:
    portfolio_id: int
    owner: int
    total_value: float
    total_pnl: float
    change: float  # since the last update sent
    change_percent: float | None  # of the value last sent; None when that was 0


@dataclass(slots=True)
class Revaluer:
    """Portfolio values under live prices.

    >>> r = Revaluer(min_change=0.001, interval=5.0)
    >>> btc = {"BTC-USD": 0.5}
    >>> r.load(1, owner=7, quantities=btc, invested=24000.0, prices={"BTC-USD": 50000.0}, now=0.0)
    >>> r.on_price("BTC-USD", 50010.0, now=10.0)  # +0.02%: below 0.1%
    []
    >>> [(u.total_value, u.total_pnl, u.change) for u in r.on_price("BTC-USD", 50100.0, now=11.0)]
    [(25050.0, 1050.0, 50.0)]
    """

    min_change: float
    interval: float
    prices: dict[str, float] = field(default_factory=dict)
    _held: dict[int, _Held] = field(default_factory=dict)
    _holders: dict[str, dict[int, _Held]] = field(default_factory=dict)
    _pending: set[int] = field(default_factory=set)

    def load(
        self,
        portfolio_id: int,
        *,
        owner: int,
        quantities: dict[str, float],
        invested: float,
        prices: dict[str, float],
        now: float,
    ) -> None:
        """Take a portfolio's holdings as they are now; its value then is the baseline (the change a
        transaction makes is announced by the transaction itself)."""
        self.drop(portfolio_id)
        self.prices.update(prices)
        held = _Held(owner, dict(quantities), invested)
        held.value = sum(q * self.prices.get(s, 0.0) for s, q in quantities.items())
        held.sent_value, held.sent_at = held.value, now
        self._held[portfolio_id] = held
        for symbol in quantities:
            self._holders.setdefault(symbol, {})[portfolio_id] = held

    def drop(self, portfolio_id: int) -> None:
        held = self._held.pop(portfolio_id, None)
        self._pending.discard(portfolio_id)
        if held is not None:
            for symbol in held.quantities:
                self._holders.get(symbol, {}).pop(portfolio_id, None)

    def __len__(self) -> int:
        return len(self._held)

    def holders(self, symbol: str) -> list[int]:
        """The portfolios holding `symbol`."""
        return list(self._holders.get(symbol, ()))

    def worth(self, portfolio_id: int) -> tuple[float, dict[str, float], dict[str, float]] | None:
        """A portfolio's live value, each holding's value and quantity (None: not watched)."""
        held = self._held.get(portfolio_id)
        if held is None:
            return None
        values = {s: q * self.prices.get(s, 0.0) for s, q in held.quantities.items()}
        return held.value, values, held.quantities

    def on_price(self, symbol: str, price: float, now: float) -> list[Update]:
        """Revalue the portfolios holding `symbol`; the updates due now."""
        move = price - self.prices.get(symbol, 0.0)
        self.prices[symbol] = price
        holders = self._holders.get(symbol)
        if not holders or move == 0.0:
            return []
        due = []
        for portfolio_id, held in holders.items():
            held.value += held.quantities[symbol] * move
            update = self._check(portfolio_id, held, now)
            if update is not None:
                due.append(update)
        return due

    def due(self, now: float) -> list[Update]:
        """Moves held back by the interval whose interval has now passed."""
        out = []
        for portfolio_id in list(self._pending):
            update = self._check(portfolio_id, self._held[portfolio_id], now)
            if update is not None:
                out.append(update)
        return out

    def _check(self, portfolio_id: int, held: _Held, now: float) -> Update | None:
        base = held.sent_value
        change = held.value - base
        if abs(change) < self.min_change * abs(base) or change == 0.0:
            self._pending.discard(portfolio_id)
            return None
        if now - held.sent_at < self.interval:
            self._pending.add(portfolio_id)
            return None
        self._pending.discard(portfolio_id)
        held.sent_value, held.sent_at = held.value, now
        return Update(
            portfolio_id,
            held.owner,
            held.value,
            held.value - held.invested,
            change,
            change / base * 100 if base else None,
        )
