"""The error every provider client raises when a request fails for good."""

from __future__ import annotations


class HttpError(Exception):
    """A request that failed for good: a non-retryable status, or retries exhausted."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
