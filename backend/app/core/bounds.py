"""What a request may carry: ids within BIGINT, user JSON of bounded depth and size, only storable text."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic_core import PydanticCustomError

MAX_DB_ID = 2**63 - 1  # BIGINT (PostgreSQL) and INTEGER (SQLite) both stop here
MAX_JSON_DEPTH = 4  # {"a": {"b": {"c": {"d": 1}}}} is 4 levels
MAX_JSON_BYTES = 4096  # compact UTF-8 JSON
# PostgreSQL text cannot hold U+0000, and no UTF-8 (so no database) can hold an unpaired surrogate.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_at(value: Any) -> tuple[str, str] | None:
    """The first character no database can store (U+0000, an unpaired surrogate) in a string, or in any
    string or key inside lists and dicts, and where: "" for the value itself, ".key.0" below it; None when
    there is none. Models are skipped: each request model checks its own fields."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:  # iterative: a pushed tick may nest deeper than Python's recursion limit
        item, where = stack.pop()
        if isinstance(item, str):
            if found := _UNSTORABLE.search(item):
                return found.group(), where
        elif isinstance(item, dict):
            for key, sub in item.items():
                if isinstance(key, str) and (found := _UNSTORABLE.search(key)):
                    return found.group(), where
                stack.append((sub, f"{where}.{key}"))
        elif isinstance(item, list | tuple):
            stack.extend((sub, f"{where}.{i}") for i, sub in enumerate(item))
    return None


def unstorable_message(char: str, where: str) -> str:
    what = "the NUL character (U+0000)" if char == "\x00" else f"an unpaired surrogate (U+{ord(char):04X})"
    return f"must not contain {what}" + (f" (at {where.lstrip('.')})" if where else "")


def reject_unstorable(value: Any) -> Any:
    """A validator: text a database cannot store (PostgreSQL refuses U+0000) is a 422, not a 500."""
    found = unstorable_at(value)
    if found is not None:
        raise _error("unstorable_character", unstorable_message(*found))
    return value


def parse_db_id(text: str) -> int | None:
    """A row id written in ASCII digits (an event id a client resumes from), or None: no overflow, and
    no "²", which str.isdigit() accepts and int() refuses."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_DB_ID))):
        return None
    value = int(text)
    return value if 0 <= value <= MAX_DB_ID else None


def json_depth(value: Any) -> int:
    """Levels of nesting of objects and arrays: 0 for a scalar, 1 for {"a": 1}."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            stack.extend((sub, depth + 1) for sub in (item.values() if isinstance(item, dict) else item))
    return deepest


def bounded_user_json(value: dict[str, Any]) -> dict[str, Any]:
    """A validator for a user's free-form object: at most MAX_JSON_DEPTH levels and MAX_JSON_BYTES bytes,
    finite numbers only (the JSON a database stores cannot hold NaN or Infinity)."""
    depth = json_depth(value)
    if depth > MAX_JSON_DEPTH:
        raise _error("json_too_deep", f"nested {depth} levels deep; at most {MAX_JSON_DEPTH} are allowed")
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except ValueError as exc:
        raise _error("json_not_finite", "numbers must be finite (no NaN or Infinity)") from exc
    size = len(text.encode("utf-8", "surrogatepass"))  # surrogates are refused later, naming where
    if size > MAX_JSON_BYTES:
        raise _error("json_too_large", f"{size:,} bytes as JSON; at most {MAX_JSON_BYTES:,} are allowed")
    return value


def _error(kind: str, message: str) -> PydanticCustomError:
    # The message goes in as context: a user's key such as "{x}" must not be read as a placeholder.
    return PydanticCustomError(kind, "{message}", {"message": message})
