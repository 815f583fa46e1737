"""Tokens of the formula language: numbers, names, operators; length and number limits enforced here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from app.quant.formula.errors import FormulaError

MAX_LENGTH = 1000  # characters in a formula
MAX_NUMBER = 1e15  # magnitude of a literal
MAX_NUMBER_CHARS = 30

Kind = Literal["number", "name", "op", "end"]

# ASCII only on purpose: str.isdigit()/isalpha() accept other scripts' digits and letters, which float()
# or the catalog would then have to make sense of.
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_DIGITS = frozenset("0123456789")
_NAME_CHARS = _LETTERS | _DIGITS
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_MANTISSA_E = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)[eE]", re.ASCII)
_WHITESPACE = frozenset(" \t\r\n")
_TWO_CHAR_OPS = frozenset({"<=", ">=", "==", "!="})
_ONE_CHAR_OPS = frozenset("+-*/^(),.<>=")
_HINTS = {"&": " (use and)", "|": " (use or)", "!": " (use not)", "'": " (there are no strings)"}
_HINTS['"'] = _HINTS["'"]


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str
    column: int  # 1-based
    value: float = 0.0  # numbers only

    def describe(self) -> str:
        if self.kind == "end":
            return "end of formula"
        if self.kind == "number":
            return f"number {self.text}"
        if self.kind == "name":
            return f"name {self.text}"
        return f"'{self.text}'"


def _shown(text: str) -> str:
    return text if len(text) <= MAX_NUMBER_CHARS else text[:MAX_NUMBER_CHARS] + "..."


def _number(text: str, start: int) -> tuple[Token, int]:
    # Take the whole run a reader would see as one word (`1.2.3`, `12abc`, `1e+`), then require all of it
    # to be a number: a message about the word beats one about whatever follows its first valid prefix.
    end = start
    while end < len(text):
        char = text[end]
        exponent_sign = char in "+-" and _MANTISSA_E.fullmatch(text[start:end]) is not None
        if char in _NAME_CHARS or char == "." or exponent_sign:
            end += 1
        else:
            break
    raw = text[start:end]
    column = start + 1
    if len(raw) > MAX_NUMBER_CHARS:
        raise FormulaError(
            f"number {_shown(raw)} is too long (at most {MAX_NUMBER_CHARS} characters)", column
        )
    if not _NUMBER.fullmatch(raw):
        raise FormulaError(f"bad number {raw}", column)
    value = float(raw)
    if value > MAX_NUMBER:
        raise FormulaError(f"number {raw} is too large (at most {MAX_NUMBER:g})", column)
    return Token("number", raw, column, value), end


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`, ending with an `end` token; FormulaError on the first thing that is none."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"formula is too long ({len(text)} characters, at most {MAX_LENGTH})", MAX_LENGTH + 1
        )
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in _WHITESPACE:
            index += 1
        elif char in _DIGITS or (char == "." and text[index + 1 : index + 2] in _DIGITS):
            token, index = _number(text, index)
            tokens.append(token)
        elif char in _LETTERS:
            end = index
            while end < len(text) and text[end] in _NAME_CHARS:
                end += 1
            tokens.append(Token("name", text[index:end], index + 1))
            index = end
        elif text[index : index + 2] in _TWO_CHAR_OPS:
            tokens.append(Token("op", text[index : index + 2], index + 1))
            index += 2
        elif char in _ONE_CHAR_OPS:
            tokens.append(Token("op", char, index + 1))
            index += 1
        else:
            raise FormulaError(f"unexpected character {char!r}{_HINTS.get(char, '')}", index + 1)
    tokens.append(Token("end", "", len(text) + 1))
    return tokens
