"""The formula language of custom indicators: parse a formula once, evaluate it on any candles."""

from app.quant.formula.calls import MAX_DEPTH, Resolver
from app.quant.formula.errors import FormulaError
from app.quant.formula.evaluator import Catalog, Formula
from app.quant.formula.lexer import MAX_LENGTH, MAX_NUMBER, MAX_NUMBER_CHARS
from app.quant.formula.nodes import MAX_LOOKBACK
from app.quant.formula.ops import FUNCTIONS, MAX_EXPONENT
from app.quant.formula.parser import parse

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
