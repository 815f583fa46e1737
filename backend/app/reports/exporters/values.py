"""Report values as every exporter shows them: one text per kind, times in UTC, None and NaN as missing."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from app.reports.document import ValueKind

MISSING = "—"
NUMERIC_KINDS: frozenset[str] = frozenset({"integer", "number", "money", "percent", "ratio"})
FRACTION_KINDS: frozenset[str] = frozenset({"percent", "ratio"})


def plain(value: Any) -> Any:
    """`value` as a plain Python scalar: numpy scalars unwrapped, NaN and infinities as None.

    >>> plain(np.float64(1.5)), plain(float("nan")), plain(Decimal("Infinity")), plain("x")
    (1.5, None, None, 'x')
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    return value


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime is taken to be in UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso_z(moment: datetime) -> str:
    """ISO-8601 in UTC with a `Z`.

    >>> iso_z(datetime(2026, 1, 2, 3, 4, 5))
    '2026-01-02T03:04:05Z'
    """
    return utc(moment).isoformat().replace("+00:00", "Z")


def format_datetime(moment: datetime) -> str:
    return f"{utc(moment):%Y-%m-%d %H:%M} UTC"


def decimals_for(magnitude: float) -> int:
    """Two decimals from 1 up; below 1, enough for four significant digits (small coin prices).

    >>> decimals_for(1234.5), decimals_for(0.5), decimals_for(0.000123), decimals_for(0.0)
    (2, 4, 7, 2)
    """
    if magnitude >= 1 or magnitude == 0:
        return 2
    return min(12, max(2, 3 - math.floor(math.log10(magnitude))))


def _fixed(value: int | float | Decimal, places: int) -> str:
    """`value` with thousands separators and `places` decimals; a Decimal rounds half up, as money is read."""
    if isinstance(value, Decimal):
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{value:,.{places}f}"


def format_value(value: Any, kind: ValueKind) -> str:
    """The text of a value of `kind`: percent and ratio are fractions shown as %; None is a dash.

    >>> format_value(Decimal("67432.1"), "money"), format_value(0.1234, "percent"), format_value(None, "text")
    ('67,432.10', '12.34%', '—')
    >>> format_value(Decimal("0.000012345"), "money"), format_value(Decimal("2.665"), "money")
    ('0.00001235', '2.67')
    >>> format_value(12345, "integer"), format_value(datetime(2026, 1, 2, 3, 4, tzinfo=UTC), "datetime")
    ('12,345', '2026-01-02 03:04 UTC')
    """
    value = plain(value)
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        return f"{utc(value):%Y-%m-%d}" if kind == "date" else format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if kind in FRACTION_KINDS:
        return _fixed(value * 100, 2) + "%"
    if kind == "integer" or (kind == "number" and isinstance(value, int)):
        return _fixed(value, 0)
    if kind in ("money", "number"):
        # Prices keep four significant digits below 1; other numbers only when they would round to 0.00.
        magnitude = abs(float(value))
        places = decimals_for(magnitude) if kind == "money" or magnitude < 0.01 else 2
        return _fixed(value, places)
    return str(value)
