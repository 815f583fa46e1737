"""The default market's replayed prices keep moving: no symbol sits on one price for minutes (a daily bar's
path clipped to the day's low, or in-between ticks rounded to the recording's coarse decimals, held BCH-USD
on one price for 2.75 hours and ADA-USD for 19 minutes)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import numpy as np
import pytest

from app.market import recordings
from app.market.sources import replay

LONGEST_STILL = 300.0  # seconds; the recordings' finest bars are 1h or 1d, and real markets tick far faster


@pytest.mark.parametrize("symbol", recordings.symbols())
def test_no_replayed_price_stands_still_for_minutes(symbol: str) -> None:
    now = time.time()
    ticks = replay.live_ticks(symbol, now - 3 * 86400, now, datetime(2026, 12, 1, tzinfo=UTC))
    changes = np.flatnonzero(np.diff(ticks.price) != 0) + 1
    starts = ticks.ts[np.r_[0, changes]]
    assert float(np.diff(np.r_[starts, ticks.ts[-1]]).max()) < LONGEST_STILL
    low, high = ticks.price.min(), ticks.price.max()
    held = max((ticks.price == low).sum(), (ticks.price == high).sum())
    assert held < len(ticks.price) / 1000  # touching a bound, not held on it (clipped: hours of ticks)
