"""A parsed formula and its vectorised evaluation over whole series, without recursion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from app.quant.formula import ops
from app.quant.formula.nodes import Binary, Function, Indicator, Node, Price, Reference, Unary
from app.quant.indicators.spec import Array, IndicatorSpec, Series


class Catalog(Protocol):
    """What formulas need of the indicator library (app.quant.indicators.library satisfies it)."""

    def get(self, name: str, /) -> IndicatorSpec: ...

    def compute(
        self, name: str, series: Series, params: dict[str, float] | None, positional: tuple[float, ...], /
    ) -> Mapping[str, Array]: ...


@dataclass(frozen=True, eq=False)
class Formula:
    """A checked formula: `text` normalised, `references` every custom indicator it uses (upper-case names,
    through other custom indicators too), `depth` its nesting depth counting referenced formulas.

    >>> from app.quant.formula import parse
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
    # Each value with whether this walk allocated it (`owned`): an owned temporary may be overwritten by
    # the operation that consumes it, as numpy itself elides temporaries in `a + b + c`; a price column or
    # an indicator output that may be used again never is.
    values: list[tuple[Array | float, bool]] = []
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if not ready:
            if node.constant is not None:
                values.append((float(node.constant), False))  # broadcast, never a whole array
            elif node.key in shared:
                values.append((shared[node.key], False))
            else:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.children))
            continue
        start = len(values) - len(node.children)
        args = values[start:]
        del values[start:]
        result: Array | float
        owned = True
        if isinstance(node, Binary):
            (a, a_owned), (b, b_owned) = args
            result = ops.binary(node.op, a, b, reuse=_reusable(a, a_owned, b, b_owned))
        else:
            series_args = [_whole(value, size) for value, _ in args]
            if isinstance(node, Price):
                result, owned = prices[node.field], False
            elif isinstance(node, Unary):
                result = ops.unary(node.op, series_args[0])
            elif isinstance(node, Function):
                result = ops.function(node.name, series_args, node.window)
                owned = not any(result is arg for arg in series_args)  # MAX(x) of one argument is x
            elif isinstance(node, Indicator):
                result = shared[node.key] = _indicator(node, series_args, series, catalog, calls)
                owned = False
            elif isinstance(node, Reference):
                result = shared[node.key] = series_args[0]
                owned = False
            else:  # pragma: no cover - constants never get here
                raise TypeError(f"cannot evaluate {node!r}")
        values.append((result, owned))
    result, owned = values[0]
    if not owned:  # a copy: the result is an input column (CLOSE) or a shared array
        result = np.array(_whole(result, size), dtype=np.float64, copy=True)
    return ops.finite(np.asarray(result, dtype=np.float64))


def _whole(value: Array | float, size: int) -> Array:
    """A constant operand as a series (functions and indicators take whole series)."""
    return np.full(size, value, dtype=np.float64) if isinstance(value, float) else value


def _all_nan(x: Array) -> bool:
    """No number at all; the last bar decides it in O(1) whenever it holds one."""
    return x.size == 0 or bool(np.isnan(x[-1]) and np.isnan(x).all())


def _reusable(a: Array | float, a_owned: bool, b: Array | float, b_owned: bool) -> Array | None:
    """An operand the binary operation may write its result into, if any."""
    if a_owned and not isinstance(a, float):
        return a
    if b_owned and not isinstance(b, float):
        return b
    return None


def _indicator(
    node: Indicator,
    args: list[Array],
    series: Series,
    catalog: Catalog,
    calls: dict[str, Mapping[str, Array]],
) -> Array:
    if args and _all_nan(args[0]):
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
