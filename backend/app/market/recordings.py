"""The bundled real market recordings (replay_data/): loading, listing, and one series per interval."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
from numpy.typing import NDArray

from app.core.marketdata import INTERVALS
from app.market.arrays import CandleArrays, aggregate, concat

DATA_DIR = Path(__file__).with_name("replay_data")
_FILE = re.compile(r"^(?P<symbol>[A-Z0-9]+(?:-[A-Z0-9]+)?)_(?P<interval>\w+)\.feather$")
_COLUMNS = ("ts", "open", "high", "low", "close", "volume")


class NotRecorded(LookupError):
    """No bundled recording for this symbol (or none fine enough for this interval)."""


@dataclass(frozen=True, slots=True)
class RecordingInfo:
    """One bundled file: candle open times of its first and last rows (epoch seconds UTC)."""

    interval: str
    first: int
    last: int
    rows: int

    @property
    def end(self) -> int:
        """Close time of the last candle."""
        return self.last + INTERVALS[self.interval]


@functools.cache
def _files() -> dict[str, dict[str, Path]]:
    found: dict[str, dict[str, Path]] = {}
    for path in sorted(DATA_DIR.glob("*.feather")):
        match = _FILE.match(path.name)
        if match and match["interval"] in INTERVALS:
            found.setdefault(match["symbol"], {})[match["interval"]] = path
    return found


def _column(table: pa.Table, name: str, dtype: type[np.generic]) -> NDArray[Any]:
    # Straight from the Arrow buffer: pyarrow's to_numpy() imports pandas (a second of start-up).
    chunk = table.column(name).combine_chunks()
    if chunk.null_count:
        raise ValueError(f"null values in column {name!r}")
    width = np.dtype(dtype).itemsize
    array = np.frombuffer(chunk.buffers()[1], dtype=dtype, count=len(chunk), offset=chunk.offset * width)
    array.flags.writeable = False  # cached and shared by every caller
    return array


@functools.cache
def load(symbol: str, interval: str) -> CandleArrays:
    """The recorded candles of `symbol` at `interval`, exactly as bundled (read-only arrays, cached).

    Raises NotRecorded if there is no such file.
    """
    path = _files().get(symbol, {}).get(interval)
    if path is None:
        raise NotRecorded(f"no {interval} recording of {symbol}")
    with pa.OSFile(str(path)) as source:
        table = ipc.open_file(source).read_all()
    ts = _column(table, "ts", np.int64)
    floats = [_column(table, name, np.float64) for name in _COLUMNS[1:]]
    return CandleArrays(ts, *floats)


@functools.cache
def catalog() -> dict[str, dict[str, RecordingInfo]]:
    """What is recorded: symbol -> interval -> first/last candle, finest interval first."""
    listing: dict[str, dict[str, RecordingInfo]] = {}
    for symbol, by_interval in _files().items():
        for interval in sorted(by_interval, key=INTERVALS.__getitem__):
            series = load(symbol, interval)
            listing.setdefault(symbol, {})[interval] = RecordingInfo(
                interval, int(series.ts[0]), int(series.ts[-1]), len(series)
            )
    return listing


def symbols() -> list[str]:
    return sorted(_files())


def finest(symbol: str) -> RecordingInfo:
    """The symbol's finest recording, the one the replay plays live and loops."""
    by_interval = catalog().get(symbol)
    if not by_interval:
        raise NotRecorded(f"no recording of {symbol}")
    return next(iter(by_interval.values()))


@functools.cache
def series(symbol: str, interval: str) -> CandleArrays:
    """`symbol`'s history at `interval` from every recording at least as fine, finest preferred.

    Each recording covers the buckets from its first whole bucket on; before that the next coarser
    recording takes over. So 1d BTC is rolled up from 1m over March-April 2026, from 1h back to 2023
    and is the recorded daily file before that, and it always agrees with what the live ticks build.
    Raises NotRecorded if nothing is recorded at `interval` or finer.
    """
    step = INTERVALS[interval]
    usable = [info for info in catalog().get(symbol, {}).values() if INTERVALS[info.interval] <= step]
    if not usable:
        raise NotRecorded(f"nothing recorded for {symbol} at {interval} or finer")
    parts: list[CandleArrays] = []
    cut = np.iinfo(np.int64).max
    for info in usable:
        whole_from = -(-info.first // step) * step
        part = load(symbol, info.interval).between(whole_from, cut)
        parts.append(part if info.interval == interval else aggregate(part, interval))
        cut = min(cut, whole_from)
    return concat(parts[::-1])
