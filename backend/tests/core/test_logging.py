"""Log lines are JSON and carry the id of the request they belong to."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from app.core.logging import JsonFormatter, RedactQuerySecrets, request_id_var


def test_json_formatter_includes_request_id_and_extras() -> None:
    token = request_id_var.set("req-123")
    try:
        record = logging.makeLogRecord(
            {
                "name": "app.test",
                "levelname": "WARNING",
                "levelno": 30,
                "msg": "hello %s",
                "args": ("world",),
                "jobId": "j1",
            }
        )
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))  # formatted later, outside the request
    assert line["message"] == "hello world"
    assert line["requestId"] == "req-123"
    assert line["jobId"] == "j1"
    assert line["level"] == "WARNING" and line["ts"].endswith("Z")


async def test_request_id_is_echoed_and_logged(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.access")
    response = await client.get("/health/live", headers={"X-Request-ID": "trace-abc"})
    assert response.headers["x-request-id"] == "trace-abc"
    access = [r for r in caplog.records if r.name == "app.access"]
    assert access and access[-1].status == 200  # type: ignore[attr-defined]
    assert access[-1].requestId == "trace-abc"  # type: ignore[attr-defined]


def test_tokens_in_query_strings_are_redacted() -> None:
    """uvicorn logs a WebSocket's path with its query string, where the access token may be."""
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        "",
        0,
        '%s - "WebSocket %s" [accepted]',
        (("127.0.0.1", 5000), "/ws/alerts/7?token=eyJhbGciOi.secret.part&lastEventId=12"),
        None,
    )
    record.color_message = "colored"
    assert RedactQuerySecrets().filter(record)
    line = JsonFormatter().format(record)
    assert "eyJhbGciOi" not in line and "secret.part" not in line
    assert "/ws/alerts/7?token=[redacted]&lastEventId=12" in json.loads(line)["message"]
