"""Report files in an S3-compatible bucket (moto's S3 server over HTTP, the protocol MinIO and AWS speak) and
in the data directory: written whole, read back, removed; a report made, downloaded and deleted through S3."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from app.config import Settings
from app.core import files
from tests.conftest import make_admin, register, serve
from tests.reports.conftest import finish, push_recent_candles

BUCKET = "cryptomon-reports"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{server._server.server_port}"  # port 0: the one it took
    yield endpoint
    server.stop()


def _client(endpoint: str) -> Any:
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )


@pytest.fixture
def s3_settings(embedded_settings: Settings, s3_endpoint: str) -> Settings:
    _client(s3_endpoint).create_bucket(Bucket=BUCKET)
    return embedded_settings.model_copy(
        update={
            "report_s3_bucket": BUCKET,
            "report_s3_endpoint_url": s3_endpoint,
            "report_s3_access_key": "k",
            "report_s3_secret_key": "s",
        }
    )


@pytest.mark.parametrize("kind", ["local", "s3"])
async def test_a_file_is_kept_read_and_removed(kind: str, s3_settings: Settings, tmp_path: Path) -> None:
    settings = s3_settings if kind == "s3" else s3_settings.model_copy(update={"report_s3_bucket": None})
    store = files.store_for(settings)
    assert store.name == kind
    await store.put("7/a report.pdf", b"%PDF-1.7 data", "application/pdf")
    assert await store.get("7/a report.pdf") == b"%PDF-1.7 data"
    await store.delete("7/a report.pdf")
    await store.delete("7/a report.pdf")  # already gone: nothing happens
    with pytest.raises(FileNotFoundError):
        await store.get("7/a report.pdf")
    if kind == "local":
        with pytest.raises(ValueError, match="outside"):
            await store.put("../escape.pdf", b"x", "application/pdf")
        assert not any(p.name.startswith(".part-") for p in settings.resolved_report_dir.rglob("*"))


async def test_a_report_lives_in_the_bucket(s3_settings: Settings, s3_endpoint: str) -> None:
    async with serve(s3_settings) as client:
        admin = await register(client)
        await make_admin(s3_settings, admin.id)
        await push_recent_candles(client, admin, ("BTC-USD",))
        body = {"reportType": "DAILY", "symbols": ["BTC-USD"], "format": "JSON", "includeFundamental": False}
        answer = (await client.post("/api/reports/generate", json=body, headers=admin.headers)).json()["data"]
        report = await finish(client, admin, answer["reportId"])
        assert report["status"] == "READY", report["error"]
        key = f"reports/{admin.id}/{report['fileName']}"
        stored = _client(s3_endpoint).get_object(Bucket=BUCKET, Key=key)
        assert stored["ContentType"] == "application/json"
        download = await client.get(report["downloadUrl"])
        assert download.status_code == 200 and download.content == stored["Body"].read()
        assert not s3_settings.resolved_report_dir.exists()  # nothing written locally

        assert (
            await client.delete(f"/api/reports/{answer['reportId']}", headers=admin.headers)
        ).status_code == 204
        listed = _client(s3_endpoint).list_objects_v2(Bucket=BUCKET, Prefix=f"reports/{admin.id}/")
        assert listed.get("KeyCount", 0) == 0
