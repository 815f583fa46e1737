"""What a name in a formula stands for: price, parameter, built-in, catalog indicator or custom indicator."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field

from app.quant.formula import nodes, ops
from app.quant.formula.errors import FormulaError
from app.quant.formula.evaluator import Catalog, Formula
from app.quant.formula.lexer import MAX_NUMBER, Token
from app.quant.indicators.spec import PRICE_INPUTS, IndicatorError, IndicatorSpec

MAX_DEPTH = 32  # nesting levels, counted through referenced custom indicators too

Resolver = Callable[[str], Formula | None]

# Custom indicators being resolved, outermost first, and the nesting level of the innermost reference: a
# resolver that parses the referenced text calls parse() again, which continues from here.
ACTIVE: ContextVar[tuple[tuple[str, ...], int]] = ContextVar("formula_references", default=((), 0))


class ReferenceCycle(FormulaError):
    """A custom indicator that uses itself, directly or through others."""


def default_catalog() -> Catalog:
    # Imported when first needed, not with this package: the library loads TA-Lib and builds ~120 specs.
    from app.quant.indicators import library

    return library


@dataclass(frozen=True, slots=True)
class Arg:
    name: str | None  # for `name=value`
    node: nodes.Node
    column: int  # where the argument starts


def too_deep(column: int) -> FormulaError:
    return FormulaError(f"formula is nested too deeply (at most {MAX_DEPTH} levels)", column)


@dataclass
class Scope:
    catalog: Catalog
    parameters: Mapping[str, object]
    resolve: Resolver | None
    chain: tuple[str, ...]
    references: set[str] = field(default_factory=set)
    deepest: int = 0  # deepest level a referenced formula reaches
    _resolved: dict[str, Formula | None] = field(default_factory=dict)
    _by_lower: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key in self.parameters:
            self._by_lower.setdefault(key.lower(), []).append(key)

    def _spec(self, name: str) -> IndicatorSpec | None:
        if name in ops.BUILTINS:  # built-ins shadow catalog entries of the same name (TA-Lib's MAX, MIN)
            return None
        try:
            return self.catalog.get(name)
        except IndicatorError:
            return None

    def name(self, token: Token, output: Token | None, level: int) -> nodes.Node:
        """A bare name: price, parameter, indicator with default parameters, or custom indicator."""
        upper, lower = token.text.upper(), token.text.lower()
        if lower in PRICE_INPUTS:
            node: nodes.Node = nodes.price(lower, token.column)
        elif lower in self._by_lower:
            node = self._parameter(token)
        elif upper in ops.BUILTINS:
            raise FormulaError(f"{upper} needs arguments", token.column)
        elif (spec := self._spec(upper)) is not None:
            return self._indicator(spec, token, None, output)
        elif (reference := self._reference(token, level)) is not None:
            node = reference
        else:
            raise FormulaError(f"unbound name {token.text}", token.column)
        if output is not None:
            raise FormulaError(f"{node.text} has no outputs", output.column)
        return node

    def call(self, token: Token, args: list[Arg], output: Token | None, level: int) -> nodes.Node:
        upper, lower = token.text.upper(), token.text.lower()
        if upper in ops.BUILTINS:
            if output is not None:
                raise FormulaError(f"{upper} has no outputs", output.column)
            return self._function(upper, token, args)
        if (spec := self._spec(upper)) is not None:
            return self._indicator(spec, token, args, output)
        if lower in PRICE_INPUTS or lower in self._by_lower:
            kind = "a price" if lower in PRICE_INPUTS else "a parameter"
            raise FormulaError(f"{token.text} is {kind}, not a function", token.column)
        reference = self._reference(token, level)
        if reference is None:
            raise FormulaError(f"unknown function {token.text}", token.column)
        if args:
            raise FormulaError(f"custom indicator {upper} takes no arguments", args[0].column)
        if output is not None:
            raise FormulaError(f"{upper} has no outputs", output.column)
        return reference

    def _parameter(self, token: Token) -> nodes.Node:
        keys = self._by_lower[token.text.lower()]
        if len(keys) > 1:
            raise FormulaError(f"parameter {token.text} is given twice ({', '.join(keys)})", token.column)
        value = self.parameters[keys[0]]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise FormulaError(f"parameter {keys[0]} is not a number", token.column)
        if abs(value) > MAX_NUMBER:
            raise FormulaError(f"parameter {keys[0]} is too large (at most {MAX_NUMBER:g})", token.column)
        return nodes.number(float(value), token.column, text=keys[0])

    def _function(self, name: str, token: Token, args: list[Arg]) -> nodes.Node:
        builtin = ops.BUILTINS[name]
        for arg in args:
            if arg.name is not None:
                raise FormulaError(f"{name} takes no named arguments", arg.column)
        least, most = builtin.arity
        extra = 0 if builtin.window is None else 1
        if not least + extra <= len(args) <= most + extra:
            wanted = str(least + extra) if least == most else f"{least + extra} to {most + extra}"
            raise FormulaError(f"{name} takes {wanted} arguments, not {len(args)}", token.column)
        window = None
        if builtin.window is not None:
            last = args.pop()
            value = last.node.constant
            if value is None:
                raise FormulaError(f"{name} window must be a constant, not a series", last.column)
            if not (value.is_integer() and builtin.window <= value <= nodes.MAX_LOOKBACK):
                raise FormulaError(
                    f"{name} window must be a whole number from {builtin.window} to {nodes.MAX_LOOKBACK}",
                    last.column,
                )
            window = int(value)
        return nodes.function(name, tuple(arg.node for arg in args), window, token.column)

    def _indicator(
        self, spec: IndicatorSpec, token: Token, called: list[Arg] | None, output: Token | None
    ) -> nodes.Node:
        """`called` is None for a bare name (OBV, BBANDS.upper): every parameter at its default."""
        args = called or []
        source = None
        if args and args[0].name is None and args[0].node.constant is None:
            if len(spec.inputs) != 1:
                raise FormulaError(
                    f"{spec.name} reads {', '.join(spec.inputs)} from the candles, not an expression",
                    args[0].column,
                )
            source = args[0].node
        given: dict[str, float] = {}
        columns: dict[str, int] = {}
        by_lower = {param.name.lower(): param.name for param in spec.params}
        for index, arg in enumerate(args[1:] if source is not None else args):
            if arg.name is None:
                if index >= len(spec.params):
                    count = len(spec.params)
                    plural = "" if count == 1 else "s"
                    raise FormulaError(f"{spec.name} takes at most {count} parameter{plural}", arg.column)
                key = spec.params[index].name
            elif arg.name.lower() in by_lower:
                key = by_lower[arg.name.lower()]
            else:
                raise FormulaError(f"{spec.name} has no parameter {arg.name}", arg.column)
            if key in given:
                raise FormulaError(f"{spec.name} {key} is given twice", arg.column)
            if arg.node.constant is None:
                raise FormulaError(f"{spec.name} {key} must be a constant, not a series", arg.column)
            given[key], columns[key] = arg.node.constant, arg.column
        try:
            bound = spec.bind(given)
            own_lookback = spec.lookback(bound)
        except IndicatorError as exc:
            raise FormulaError(str(exc), columns.get(exc.field, token.column)) from exc
        chosen = spec.outputs[0]
        if output is not None:
            outputs = {name.lower(): name for name in spec.outputs}
            if output.text.lower() not in outputs:
                raise FormulaError(
                    f"{spec.name} has no output {output.text} (it has {', '.join(spec.outputs)})",
                    output.column,
                )
            chosen = outputs[output.text.lower()]
        shown = [f"{arg.name.lower()}={arg.node.text}" if arg.name else arg.node.text for arg in args]
        text = spec.name if called is None else f"{spec.name}({', '.join(shown)})"
        text += f".{chosen}" if output is not None else ""
        return nodes.indicator(spec.name, bound, chosen, source, own_lookback, token.column, text)

    def _reference(self, token: Token, level: int) -> nodes.Node | None:
        name = token.text.upper()
        if self.resolve is None:
            return None
        if name in self.chain:
            path = " -> ".join((*self.chain[self.chain.index(name) :], name))
            raise ReferenceCycle(f"reference cycle {path}", token.column)
        if level + 1 > MAX_DEPTH:
            raise too_deep(token.column)
        if name not in self._resolved:
            context = ACTIVE.set(((*self.chain, name), level + 1))
            try:
                self._resolved[name] = self.resolve(name)
            except ReferenceCycle as exc:
                raise ReferenceCycle(exc.message, token.column) from exc
            except FormulaError as exc:
                raise FormulaError(f"{name}: {exc.message}", token.column) from exc
            finally:
                ACTIVE.reset(context)
        formula = self._resolved[name]
        if formula is None:
            return None
        looping = sorted(set(self.chain) & (formula.references | {name}))
        if looping:
            raise ReferenceCycle(f"reference cycle: {name} uses {looping[0]}", token.column)
        if level + 1 + formula.depth > MAX_DEPTH:
            raise too_deep(token.column)
        self.deepest = max(self.deepest, level + 1 + formula.depth)
        self.references |= formula.references | {name}
        return nodes.reference(name, formula.root, token.column)
