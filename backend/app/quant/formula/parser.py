"""A Pratt parser from formula tokens to a checked syntax tree, and `parse`, the entry point."""

from __future__ import annotations

from collections.abc import Mapping

from app.quant.formula import nodes, ops
from app.quant.formula.calls import ACTIVE, MAX_DEPTH, Arg, Resolver, Scope, default_catalog, too_deep
from app.quant.formula.errors import FormulaError
from app.quant.formula.evaluator import Catalog, Formula
from app.quant.formula.lexer import Token, tokenize

_KEYWORDS = frozenset({"and", "or", "not"})
_PREFIX = {"-": nodes.NEGATE, "not": nodes.NOT}


def _operator(token: Token) -> str | None:
    """The binary operator a token is, normalised, or None."""
    if token.kind == "op" and token.text in nodes.BINARY:
        return token.text
    if token.kind == "name" and token.text.lower() in ("and", "or"):
        return token.text.lower()
    return None


class _Parser:
    def __init__(self, tokens: list[Token], scope: Scope, level: int) -> None:
        self.tokens = tokens
        self.index = 0
        self.scope = scope
        self.level = level
        self.deepest = level

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        self.index += 1
        return token

    def enter(self, column: int) -> None:
        # Every construct that makes the parser recurse without consuming input first counts a level, so
        # its recursion stays a few hundred frames whatever the text: `((((...` fails at the 33rd bracket.
        self.level += 1
        if self.level > MAX_DEPTH:
            raise too_deep(column)
        self.deepest = max(self.deepest, self.level)

    def unexpected(self, token: Token, hint: str = "") -> FormulaError:
        if token.kind == "op" and token.text == "*" and self.peek(-1).text == "*":
            hint = " (use ^ for powers)"
        return FormulaError(f"unexpected {token.describe()}{hint}", token.column)

    def expression(self, right_power: int = 0) -> nodes.Node:
        left = self.prefix(self.advance())
        while True:
            token = self.peek()
            op = _operator(token)
            if op is None or nodes.BINARY[op] <= right_power:
                return left
            self.advance()
            power = nodes.BINARY[op]
            if op == "^":  # right-associative: the right side may hold another ^
                self.enter(token.column)
                right = self.expression(power - 1)
                self.level -= 1
            else:
                right = self.expression(power)
            left = nodes.binary(op, left, right, token.column)
            if op in ops.COMPARISONS and _operator(self.peek()) in ops.COMPARISONS:
                raise FormulaError("comparisons cannot be chained (use and)", self.peek().column)

    def prefix(self, token: Token) -> nodes.Node:
        if token.kind == "number":
            return nodes.number(token.value, token.column)
        word = token.text.lower() if token.kind == "name" else token.text
        if word in ("-", "+", "not"):
            self.enter(token.column)
            operand = self.expression(_PREFIX.get(word, nodes.NEGATE))
            self.level -= 1
            # Unary plus changes nothing, so it leaves nothing in the tree or the normalised text.
            return operand if word == "+" else nodes.unary(word, operand, token.column)
        if token.kind == "op" and token.text == "(":
            self.enter(token.column)
            inner = self.expression()
            self.close(token)
            self.level -= 1
            return inner
        if token.kind == "name" and word not in _KEYWORDS:
            return self.name(token)
        raise self.unexpected(token)

    def close(self, opening: Token) -> None:
        token = self.advance()
        if token.kind == "op" and token.text == ")":
            return
        if token.kind == "end":
            raise FormulaError("unclosed '('", opening.column)
        raise self.unexpected(token, " (expected ')')")

    def name(self, token: Token) -> nodes.Node:
        args: list[Arg] | None = None
        if self.peek().kind == "op" and self.peek().text == "(":
            opening = self.advance()
            self.enter(opening.column)
            args = self.arguments(opening)
            self.level -= 1
        output = None
        if self.peek().kind == "op" and self.peek().text == ".":
            self.advance()
            output = self.advance()
            if output.kind != "name":
                raise self.unexpected(output, " (expected an output name after '.')")
        if args is None:
            return self.scope.name(token, output, self.level)
        return self.scope.call(token, args, output, self.level)

    def arguments(self, opening: Token) -> list[Arg]:
        args: list[Arg] = []
        if self.peek().kind == "op" and self.peek().text == ")":
            self.advance()
            return args
        while True:
            start = self.peek()
            named = start.kind == "name" and self.peek(1).kind == "op" and self.peek(1).text == "="
            if named:
                self.index += 2
            elif args and args[-1].name is not None:
                raise FormulaError("positional argument after a named one", start.column)
            args.append(Arg(start.text if named else None, self.expression(), start.column))
            token = self.advance()
            if token.kind == "op" and token.text == ",":
                continue
            if token.kind == "op" and token.text == ")":
                return args
            if token.kind == "end":
                raise FormulaError("unclosed '('", opening.column)
            raise self.unexpected(token, " (expected ',' or ')')")


def parse(
    text: str,
    parameters: Mapping[str, object] | None = None,
    resolve: Resolver | None = None,
    *,
    name: str | None = None,
    catalog: Catalog | None = None,
) -> Formula:
    """Parse and check `text`; FormulaError (message and 1-based column) if it is not a valid formula.

    `parameters` bind names to numbers; `resolve` maps an upper-case name to another custom indicator's
    parsed Formula (None: no such indicator); `name` is this formula's own name, if it has one, so that a
    cycle through it is found however the resolver gets its formulas. `catalog` defaults to the library.

    Grammar, loosest binding first; identifiers and keywords are case-insensitive:

        expr  := expr "or" expr | expr "and" expr | "not" expr | cmp
        cmp   := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?      comparisons do not chain
        sum   := sum ("+" | "-") term | term
        term  := term ("*" | "/") unary | unary
        unary := ("-" | "+") unary | power
        power := atom ("^" unary)?                                        right-associative, |exponent| <= 100
        atom  := number | "(" expr ")" | name | name "(" (arg ("," arg)*)? ")" | atom-with-output
        arg   := expr | name "=" expr                                     named arguments after positional
        atom-with-output := (name | name "(" ... ")") "." name            MACD(12, 26, 9).signal

    So -2^2 is -(2^2) = -4 and 2^3^2 is 2^9. A name is, in this order: a price (OPEN HIGH LOW CLOSE
    VOLUME), a parameter, a built-in function (ABS LOG MAX MIN SHIFT HIGHEST LOWEST CROSSOVER CROSSUNDER:
    they shadow catalog entries of the same name), a catalog indicator (bare: default parameters), a custom
    indicator. A one-input catalog indicator takes an expression as its first argument (SMA(RSI(14), 5));
    parameters and windows must be constants: numbers, parameters and arithmetic on them.

    Evaluation: comparisons and and/or/not give 1.0 or 0.0; a bar is NaN wherever an operand is, and
    wherever arithmetic is not finite (1/0). Limits: 1000 characters, numbers up to 1e15 and 30 characters,
    32 levels of nesting (brackets, calls, unary operators, ^, custom indicators), lookback 10000 bars.

    >>> parse("rsi(14) - RSI( period )", {"Period": 28}).text
    'RSI(14) - RSI(Period)'
    >>> parse("CLOSE + FOO(1)")
    Traceback (most recent call last):
    app.quant.formula.errors.FormulaError: unknown function FOO at column 9
    """
    tokens = tokenize(text)
    if tokens[0].kind == "end":
        raise FormulaError("empty formula", 1)
    chain, base = ACTIVE.get()
    if name is not None and name.upper() not in chain:
        chain = (*chain, name.upper())
    scope = Scope(catalog or default_catalog(), parameters or {}, resolve, chain)
    parser = _Parser(tokens, scope, base)
    root = parser.expression()
    if parser.peek().kind != "end":
        raise parser.unexpected(parser.peek())
    depth = max(parser.deepest, scope.deepest) - base
    return Formula(root.text, root, frozenset(scope.references), depth, scope.catalog)
