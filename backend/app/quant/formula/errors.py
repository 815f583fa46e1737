"""The one exception the formula language raises: what is wrong and at which column."""

from __future__ import annotations


class FormulaError(ValueError):
    """A formula that cannot be parsed or bound; `column` is 1-based, counted in characters of the text.

    >>> str(FormulaError("unknown function FOO", 7))
    'unknown function FOO at column 7'
    """

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} at column {column}")
        self.message = message
        self.column = column
