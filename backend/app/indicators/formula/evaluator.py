"""A parsed formula and its vectorised evaluation over whole series, without recursion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from app.indicators.formula import ops
from app.indicators.formula.nodes import Binary, Function, Indicator, Node, Price, Reference, Unary
from app.indicators.spec import Array, IndicatorSpec, Series


class Catalog(Protocol):
    """What formulas need of the indicator library (app.indicators.library satisfies it)."""

    def get(self, name: str, /) -> IndicatorSpec: ...

    def compute(
        self, name: str, series: Series, params: dict[str, float] | None, positional: tuple[float, ...], /
    ) -> Mapping[str, Array]: ...


@dataclass(frozen=True, eq=False)
class Formula:
    """A checked formula: `text` normalised, `references` every custom indicator it uses (upper-case names,
    through other custom indicators too), `depth` its nesting depth counting referenced formulas.

    >>> from app.indicators.formula import parse
    >>> formula = parse("rsi(14)-rsi( 28 )")
    >>> formula.text, formula.lookback
    ('RSI(14) - RSI(28)', 28)
    """

    text: str
    root: Node
    references: frozenset[str]
    depth: int
    catalog: Catalog

    @property
    def lookback(self) -> int:
        """Leading bars without a value (on inputs without NaN): load this many before the first wanted."""
        return self.root.lookback

    def evaluate(self, series: Series) -> Array:
        """The formula on every bar of `series`: a new float64 array as long as it, NaN where undefined."""
        return evaluate(self.root, series, self.catalog)


def evaluate(root: Node, series: Series, catalog: Catalog) -> Array:
    # Post-order walk with an explicit stack: left-deep trees (a 500-term sum) are legal and would take
    # Python's recursion limit with them. Indicator calls and references are computed once per distinct
    # key, so MACD(...).signal next to MACD(...).macd, or a custom indicator used twice, cost one call.
    size = len(series)
    prices = {
        "open": series.open,
        "high": series.high,
        "low": series.low,
        "close": series.close,
        "volume": series.volume,
    }
    shared: dict[str, Array] = {}
    calls: dict[str, Mapping[str, Array]] = {}
    values: list[Array] = []
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if not ready:
            if node.constant is not None:
                values.append(np.full(size, node.constant, dtype=np.float64))
            elif node.key in shared:
                values.append(shared[node.key])
            else:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.children))
            continue
        start = len(values) - len(node.children)
        args = values[start:]
        del values[start:]
        if isinstance(node, Price):
            result = prices[node.field]
        elif isinstance(node, Unary):
            result = ops.unary(node.op, args[0])
        elif isinstance(node, Binary):
            result = ops.binary(node.op, args[0], args[1])
        elif isinstance(node, Function):
            result = ops.function(node.name, args, node.window)
        elif isinstance(node, Indicator):
            result = _indicator(node, args, series, catalog, calls)
            shared[node.key] = result
        elif isinstance(node, Reference):
            result = shared[node.key] = args[0]
        else:  # pragma: no cover - constants never get here
            raise TypeError(f"cannot evaluate {node!r}")
        values.append(result)
    # A copy: the result may be an input column (CLOSE) or a cached array.
    return ops.finite(np.array(values[0], dtype=np.float64, copy=True))


def _indicator(
    node: Indicator,
    args: list[Array],
    series: Series,
    catalog: Catalog,
    calls: dict[str, Mapping[str, Array]],
) -> Array:
    if args and np.isnan(args[0]).all():
        # TA-Lib raises on an input with no number at all (SMA(SHIFT(CLOSE, 500), 5) on 400 bars).
        return np.full(len(series), np.nan)
    outputs = calls.get(node.call)
    if outputs is None:
        if args:
            # Only one-input indicators take an expression (the parser checks): whichever column the
            # indicator reads, it reads the expression.
            column = np.ascontiguousarray(args[0], dtype=np.float64)
            series = Series(series.ts, column, column, column, column, column)
        outputs = calls[node.call] = catalog.compute(node.name, series, dict(node.params), ())
    return np.asarray(outputs[node.output], dtype=np.float64)
