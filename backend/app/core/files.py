"""Files kept for users (reports): in the data directory by default, an S3-compatible bucket when set."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

from app.config import Settings


class FileStore(Protocol):
    name: str

    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes:
        """The file's bytes; FileNotFoundError when it is gone."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the file; nothing happens when it is already gone."""
        ...


class LocalStore:
    name = "local"

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, key: str) -> Path:
        path = (self._root / key).resolve()
        if not path.is_relative_to(self._root.resolve()):
            raise ValueError(f"report key outside the report directory: {key}")
        return path

    def _write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed: a reader never sees half a file, a crash leaves no partial one.
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".part-", delete=False) as part:
            part.write(data)
        os.replace(part.name, path)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, key, data)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)


class S3Store:
    """boto3's client (thread-safe) run off the event loop; any S3 API: AWS, MinIO, Ceph, R2..."""

    name = "s3"

    def __init__(self, settings: Settings) -> None:
        import boto3
        from botocore.config import Config

        self._bucket = settings.report_s3_bucket
        self._prefix = settings.report_s3_prefix
        self._client: Any = boto3.client(
            "s3",
            endpoint_url=settings.report_s3_endpoint_url,
            region_name=settings.report_s3_region,
            aws_access_key_id=settings.report_s3_access_key,
            aws_secret_access_key=settings.report_s3_secret_key,
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=settings.http_timeout_seconds,
                read_timeout=max(settings.http_timeout_seconds, 30.0),
            ),
        )

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self._client.put_object,
            Bucket=self._bucket,
            Key=self._prefix + key,
            Body=data,
            ContentType=content_type,
        )

    async def get(self, key: str) -> bytes:
        def read() -> bytes:
            try:
                answer = self._client.get_object(Bucket=self._bucket, Key=self._prefix + key)
            except self._client.exceptions.NoSuchKey as exc:
                raise FileNotFoundError(key) from exc
            body: bytes = answer["Body"].read()
            return body

        return await asyncio.to_thread(read)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._client.delete_object, Bucket=self._bucket, Key=self._prefix + key)


_CLIENTS: dict[tuple[str | None, ...], S3Store] = {}


def store_for(settings: Settings) -> FileStore:
    if not settings.report_s3_bucket:
        return LocalStore(settings.resolved_report_dir)
    # One client per configuration: making one reads botocore's service model (tens of milliseconds).
    key = (
        settings.report_s3_endpoint_url,
        settings.report_s3_bucket,
        settings.report_s3_prefix,
        settings.report_s3_access_key,
        settings.report_s3_secret_key,
        settings.report_s3_region,
    )
    if key not in _CLIENTS:
        _CLIENTS[key] = S3Store(settings)
    return _CLIENTS[key]
