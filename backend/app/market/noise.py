"""Counter-based random numbers: a pure function of (key, counters), so any slice of a synthetic
series can be regenerated alone, in any batch, and come out the same (no generator state to carry)."""

from __future__ import annotations

import hashlib

import numpy as np
from numpy.typing import ArrayLike, NDArray

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL2 = np.uint64(0x94D049BB133111EB)
_TWO_PI = 2.0 * np.pi


def key(*parts: str | int) -> int:
    """A stable 64-bit key for a tuple of names and numbers (Python's hash() changes per process)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _as_u64(values: ArrayLike) -> NDArray[np.uint64]:
    # Negative counters (times before an origin) wrap to distinct unsigned values on purpose.
    return np.atleast_1d(np.asarray(values)).astype(np.int64).astype(np.uint64)


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """splitmix64's finaliser: every input bit affects every output bit."""
    x = (x ^ (x >> np.uint64(30))) * _MUL1
    x = (x ^ (x >> np.uint64(27))) * _MUL2
    return x ^ (x >> np.uint64(31))


def bits(seed: int, *counters: ArrayLike) -> NDArray[np.uint64]:
    """64 random bits per element of the broadcast `counters`."""
    state = np.full(1, seed & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for counter in counters:
            state = _mix(state + _GOLDEN + _mix(_as_u64(counter) + _GOLDEN))
    return state


def uniform(seed: int, *counters: ArrayLike) -> NDArray[np.float64]:
    """Uniform in the open interval (0, 1), so logs and divisions are safe.

    >>> u = uniform(7, np.arange(100_000))
    >>> bool(0 < u.min() and u.max() < 1 and abs(u.mean() - 0.5) < 0.01)
    True
    """
    return ((bits(seed, *counters) >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0**-53


def normal(seed: int, *counters: ArrayLike) -> NDArray[np.float64]:
    """Standard normal (Box-Muller on two independent uniforms)."""
    radius = np.sqrt(-2.0 * np.log(uniform(seed, *counters, 0)))
    return radius * np.cos(_TWO_PI * uniform(seed, *counters, 1))
