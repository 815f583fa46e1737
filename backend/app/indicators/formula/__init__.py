"""The formula language of custom indicators: parse a formula once, evaluate it on any candles."""

from app.indicators.formula.calls import MAX_DEPTH, Resolver
from app.indicators.formula.errors import FormulaError
from app.indicators.formula.evaluator import Catalog, Formula
from app.indicators.formula.lexer import MAX_LENGTH, MAX_NUMBER, MAX_NUMBER_CHARS
from app.indicators.formula.nodes import MAX_LOOKBACK
from app.indicators.formula.ops import FUNCTIONS, MAX_EXPONENT
from app.indicators.formula.parser import parse

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_LOOKBACK",
    "MAX_NUMBER",
    "MAX_NUMBER_CHARS",
    "Catalog",
    "Formula",
    "FormulaError",
    "Resolver",
    "parse",
]
