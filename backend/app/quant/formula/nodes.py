"""The syntax tree, and the constructors that give each node its normalised text, key and lookback."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.quant.formula import ops
from app.quant.formula.errors import FormulaError
from app.quant.indicators.spec import Array

# Nodes are built bottom-up, so everything about a subtree is known when its node is made: the constant it
# folds to, the bars it needs before its first value, and a key equal for subtrees computing equal series
# (parameters replaced by their values), with which evaluation computes a shared call once.

MAX_LOOKBACK = 10_000  # bars

# Binding powers, also used to put back only the parentheses the normalised text needs.
OR, AND, NOT, COMPARE, ADD, MULTIPLY, NEGATE, POWER, ATOM = 10, 20, 25, 30, 40, 50, 60, 70, 100
BINARY = {"or": OR, "and": AND, "+": ADD, "-": ADD, "*": MULTIPLY, "/": MULTIPLY, "^": POWER}
BINARY.update(dict.fromkeys(ops.COMPARISONS, COMPARE))


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Node:
    # eq and repr off: the generated ones recurse, and a tree of 500 additions is legal.
    column: int  # where its operator or name starts, 1-based
    text: str  # normalised source
    key: str
    lookback: int  # leading bars without a value, on inputs without NaN
    constant: float | None  # its value when it reads no series
    precedence: int

    @property
    def children(self) -> tuple[Node, ...]:
        return ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text})"


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Number(Node):
    pass


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Price(Node):
    field: str  # open | high | low | close | volume


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Unary(Node):
    op: str  # - | not
    operand: Node

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Binary(Node):
    op: str
    left: Node
    right: Node

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Function(Node):
    name: str  # a key of ops.BUILTINS
    args: tuple[Node, ...]  # series arguments
    window: int

    @property
    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Indicator(Node):
    name: str  # catalog name
    params: tuple[tuple[str, float], ...]  # bound, every parameter
    output: str
    source: Node | None  # the expression it is applied to; None: the candles themselves
    call: str  # key of the call without the output: MACD's three outputs are computed once

    @property
    def children(self) -> tuple[Node, ...]:
        return () if self.source is None else (self.source,)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Reference(Node):
    name: str  # the custom indicator's upper-case name
    target: Node  # the root of its formula

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.target,)


def digest(*parts: str) -> str:
    # Fixed-size keys: a reference's key stands for its whole formula, and texts nested through references
    # would otherwise grow with every level.
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _checked(lookback: int, column: int) -> int:
    if lookback > MAX_LOOKBACK:
        raise FormulaError(f"lookback of {lookback} bars is too large (at most {MAX_LOOKBACK})", column)
    return lookback


def _fold(apply: Callable[[list[Array]], Array], *operands: Node) -> float | None:
    """The constant an elementwise operation gives on constant operands, by the kernels evaluation uses."""
    if any(node.constant is None for node in operands):
        return None
    arrays = [np.array([node.constant], dtype=np.float64) for node in operands]
    return float(apply(arrays)[0])


def number(value: float, column: int, text: str | None = None) -> Number:
    """A literal (text None) or a bound parameter (text: the parameter's name)."""
    shown = number_text(value) if text is None else text
    return Number(column, shown, digest("n", repr(value)), 0, value, ATOM)


def price(field: str, column: int) -> Price:
    return Price(column, field.upper(), digest("p", field), 0, None, ATOM, field)


def _wrap(node: Node, parenthesised: bool) -> str:
    return f"({node.text})" if parenthesised else node.text


def unary(op: str, operand: Node, column: int) -> Unary:
    precedence = NOT if op == "not" else NEGATE
    text = ("not " if op == "not" else "-") + _wrap(operand, operand.precedence < precedence)
    constant = _fold(lambda a: ops.unary(op, a[0]), operand)
    key = digest("u", op, operand.key)
    return Unary(column, text, key, operand.lookback, constant, precedence, op, operand)


def binary(op: str, left: Node, right: Node, column: int) -> Binary:
    precedence = BINARY[op]
    if op == "^" and right.constant is not None and not abs(right.constant) <= ops.MAX_EXPONENT:
        raise FormulaError(f"exponent must be between -{ops.MAX_EXPONENT:g} and {ops.MAX_EXPONENT:g}", column)
    # ^ groups to the right; comparisons do not group at all.
    left_tight = op == "^" or precedence == COMPARE
    right_tight = op != "^"
    text = (
        f"{_wrap(left, left.precedence < precedence or (left_tight and left.precedence == precedence))} {op} "
        f"{_wrap(right, right.precedence < precedence or (right_tight and right.precedence == precedence))}"
    )
    constant = _fold(lambda a: ops.binary(op, a[0], a[1]), left, right)
    key = digest("b", op, left.key, right.key)
    lookback = max(left.lookback, right.lookback)
    return Binary(column, text, key, lookback, constant, precedence, op, left, right)


def function(name: str, args: tuple[Node, ...], window: int | None, column: int) -> Function:
    builtin = ops.BUILTINS[name]
    shown = [node.text for node in args] + ([] if window is None else [str(window)])
    text = f"{name}({', '.join(shown)})"
    size = window or 0
    constant = _fold(lambda a: ops.function(name, a, size), *args) if builtin.elementwise else None
    key = digest("f", name, str(size), *(node.key for node in args))
    lookback = _checked(max(node.lookback for node in args) + builtin.extra(size), column)
    return Function(column, text, key, lookback, constant, ATOM, name, args, size)


def indicator(
    name: str,
    params: dict[str, float],
    output: str,
    source: Node | None,
    own_lookback: int,
    column: int,
    text: str,
) -> Indicator:
    """`text` is the call as written (normalised); `params` every parameter, bound and checked."""
    bound = tuple(sorted(params.items()))
    call = digest("i", name, repr(bound), "" if source is None else source.key)
    lookback = _checked(own_lookback + (0 if source is None else source.lookback), column)
    return Indicator(
        column, text, digest(call, output), lookback, None, ATOM, name, bound, output, source, call
    )


def reference(name: str, target: Node, column: int) -> Reference:
    lookback = _checked(target.lookback, column)
    return Reference(column, name, target.key, lookback, target.constant, ATOM, name, target)
