"""Which tool results an answer cites: the [T1] references in its text."""

from __future__ import annotations

import re

_REF = re.compile(r"\bT(\d{1,4})\b")
_BRACKETS = re.compile(r"\[([^\[\]]{1,60})\]")


def refs_in(text: str) -> list[str]:
    """The references cited in brackets, in order of first appearance: [T1], [T2, T3], [T4][T5].

    >>> refs_in("RSI is 71 [T2], above its band [T1, T2]; see [T10]. Not T3.")
    ['T2', 'T1', 'T10']
    """
    seen: dict[str, None] = {}
    for group in _BRACKETS.findall(text):
        for number in _REF.findall(group):
            seen.setdefault(f"T{int(number)}", None)
    return list(seen)
