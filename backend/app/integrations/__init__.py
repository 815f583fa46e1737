"""One typed client per external API: timeouts, retries with backoff, rate limits, real shapes."""
