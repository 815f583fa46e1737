"""The numpy kernels behind every operator and built-in function, shared by evaluation and folding."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.quant.indicators.spec import Array

# One NaN rule for the whole language, so that results compose without surprises: an operation is NaN on a
# bar where any operand it reads there is NaN (comparisons and and/or/not too: no three-valued logic);
# arithmetic that is not finite (x/0, overflow, 0^-1) is NaN, so series never hold infinities that would
# poison every average after them; comparisons and logic give 1.0 or 0.0 and read non-zero as true.

MAX_EXPONENT = 100.0  # |b| in a ^ b: a bound that keeps 9^9^9 an error, not an overflow hunt

COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})


def finite(values: Array) -> Array:
    """Non-finite values (inf from 1/0 or an overflow) become NaN, in place."""
    return _finite(values)


def _finite(values: Array) -> Array:
    values[~np.isfinite(values)] = np.nan
    return values


Bools = npt.NDArray[np.bool_]


def _truth(values: Bools, nan: Bools) -> Array:
    result = values.astype(np.float64)
    result[nan] = np.nan
    return result


def unary(op: str, x: Array) -> Array:
    if op == "-":
        return -x
    return _truth(x == 0, np.isnan(x))  # not


ARITHMETIC: dict[str, np.ufunc] = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}


def binary(op: str, a: Array | float, b: Array | float, reuse: Array | None = None) -> Array:
    """`a op b`, bar by bar (a constant operand is broadcast); arithmetic may write into `reuse`, an operand
    the caller no longer needs."""
    # + - * of finite values stay finite in practice; the evaluator turns any overflow into NaN once, on
    # the result (`finite`), instead of a pass over the array after every operation.
    with np.errstate(all="ignore"):
        arithmetic = ARITHMETIC.get(op)
        if arithmetic is not None:  # x/0 is inf until the final pass makes it NaN
            result: Array = arithmetic(a, b, out=reuse) if reuse is not None else arithmetic(a, b)
            return result
        if op == "^":
            result = np.asarray(np.power(a, b), dtype=np.float64)
            result[np.abs(np.broadcast_to(b, result.shape)) > MAX_EXPONENT] = np.nan
            return _finite(result)
    nan = ~(np.isfinite(a) & np.isfinite(b))  # an overflowed operand counts as NaN here too
    if op == "and":
        return _truth(np.logical_and(a != 0, b != 0), nan)
    if op == "or":
        return _truth(np.logical_or(a != 0, b != 0), nan)
    compare: dict[str, Callable[[Array | float, Array | float], Bools]] = {
        "<": np.less,
        "<=": np.less_equal,
        ">": np.greater,
        ">=": np.greater_equal,
        "==": np.equal,
        "!=": np.not_equal,
    }
    return _truth(compare[op](a, b), nan)


def _shift(x: Array, n: int) -> Array:
    result = np.full(len(x), np.nan)
    if n < len(x):
        result[n:] = x[: len(x) - n]
    return result


def _rolling(x: Array, n: int, pick: Callable[[Array, Array], Array]) -> Array:
    """Max (or min) of each window of `n` bars ending at a bar, NaN if the window holds one.

    Doubling windows (a sparse table): O(len * log n), not O(len * n) as a sliding-window view would be.
    """
    result = np.full(len(x), np.nan)
    if n > len(x):
        return result
    table, width = x, 1
    while width * 2 <= n:
        table = pick(table[: len(table) - width], table[width:])
        width *= 2
    count = len(x) - n + 1
    result[n - 1 :] = pick(table[:count], table[n - width : n - width + count])
    return result


def _cross(a: Array, b: Array, up: bool) -> Array:
    result = np.full(len(a), np.nan)
    if len(a) < 2:
        return result
    now, before = (a[1:], b[1:]), (a[:-1], b[:-1])
    if up:
        crossed = (now[0] > now[1]) & (before[0] <= before[1])
    else:
        crossed = (now[0] < now[1]) & (before[0] >= before[1])
    nan = np.isnan(now[0]) | np.isnan(now[1]) | np.isnan(before[0]) | np.isnan(before[1])
    result[1:] = _truth(crossed, nan)
    return result


def _log(x: Array) -> Array:
    with np.errstate(all="ignore"):
        return _finite(np.log(np.where(x > 0, x, np.nan)))


@dataclass(frozen=True, slots=True)
class Builtin:
    """A function of the language itself (not of the catalog): series arguments, then maybe a window."""

    arity: tuple[int, int]  # least and most series arguments
    window: int | None  # least window length when the last argument is one (a constant), else None
    extra: Callable[[int], int]  # bars added to the arguments' lookback, given the window
    elementwise: bool  # folded at parse time when every argument is constant
    usage: str


def _none(window: int) -> int:
    return 0


BUILTINS: dict[str, Builtin] = {
    "ABS": Builtin((1, 1), None, _none, True, "ABS(x): absolute value"),
    "LOG": Builtin((1, 1), None, _none, True, "LOG(x): natural logarithm, NaN where x <= 0"),
    "MAX": Builtin((2, 10), None, _none, True, "MAX(a, b, ...): the largest, bar by bar"),
    "MIN": Builtin((2, 10), None, _none, True, "MIN(a, b, ...): the smallest, bar by bar"),
    "SHIFT": Builtin((1, 1), 0, lambda n: n, False, "SHIFT(x, n): x as it was n bars ago"),
    "HIGHEST": Builtin((1, 1), 1, lambda n: n - 1, False, "HIGHEST(x, n): highest x of the last n bars"),
    "LOWEST": Builtin((1, 1), 1, lambda n: n - 1, False, "LOWEST(x, n): lowest x of the last n bars"),
    "CROSSOVER": Builtin((2, 2), None, lambda n: 1, False, "CROSSOVER(a, b): 1 where a crosses above b"),
    "CROSSUNDER": Builtin((2, 2), None, lambda n: 1, False, "CROSSUNDER(a, b): 1 where a crosses below b"),
}
FUNCTIONS = {name: builtin.usage for name, builtin in BUILTINS.items()}  # for the API's catalog


def function(name: str, args: list[Array], window: int) -> Array:
    """Apply built-in `name`; `window` is its window argument (0 for functions without one)."""
    if name == "ABS":
        return np.abs(args[0])
    if name == "LOG":
        return _log(args[0])
    if name in ("MAX", "MIN"):
        pick = np.maximum if name == "MAX" else np.minimum  # both propagate NaN
        result = args[0]
        for other in args[1:]:
            result = pick(result, other)
        return result
    if name == "SHIFT":
        return _shift(args[0], window)
    if name in ("HIGHEST", "LOWEST"):
        return _rolling(args[0], window, np.maximum if name == "HIGHEST" else np.minimum)
    return _cross(args[0], args[1], up=name == "CROSSOVER")
