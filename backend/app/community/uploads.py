"""Uploaded images: type sniffed from the bytes, size and dimensions bounded, re-encoded so that no metadata
(EXIF location, camera) and nothing but pixels survives."""

from __future__ import annotations

import io
import secrets
import warnings

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.community.models import Upload
from app.community.schemas import UploadOut
from app.core.clock import utcnow
from app.core.errors import AppError, ErrorCode, not_found

FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/png", "WEBP": "image/webp"}
MAX_SIDE = 4096
MAX_PIXELS = 16_000_000


def url_of(public_id: str) -> str:
    return f"/api/community/uploads/{public_id}"


def reencode(data: bytes) -> tuple[bytes, str, int, int]:
    """The image's pixels written afresh (PNG, JPEG or WebP as sent; a GIF's first frame as PNG), with its
    media type and size; 415 for anything that is not one of those images, 413 for too many pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format or ""
            if kind not in FORMATS:
                raise UnidentifiedImageError(kind)
            if image.width > MAX_SIDE or image.height > MAX_SIDE or image.width * image.height > MAX_PIXELS:
                raise AppError(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    f"An image may be at most {MAX_SIDE} x {MAX_SIDE} pixels",
                    field="file",
                )
            image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
        OSError,
    ) as exc:
        raise AppError(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Upload a PNG, JPEG, GIF or WebP image", field="file"
        ) from exc
    media_type = FORMATS[kind]
    out = io.BytesIO()
    if media_type == "image/jpeg":
        image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    elif media_type == "image/webp":
        image.save(out, "WEBP", quality=90)
    else:
        pixels = image if image.mode in ("RGB", "RGBA", "L", "LA", "P") else image.convert("RGBA")
        pixels.save(out, "PNG", optimize=True)
    return out.getvalue(), media_type, image.width, image.height


async def store(session: AsyncSession, user_id: int, data: bytes, max_bytes: int) -> UploadOut:
    if len(data) > max_bytes:
        raise AppError(
            ErrorCode.PAYLOAD_TOO_LARGE, f"An image may be at most {max_bytes} bytes", field="file"
        )
    content, media_type, width, height = reencode(data)
    row = Upload(
        public_id=secrets.token_urlsafe(16),
        user_id=user_id,
        media_type=media_type,
        width=width,
        height=height,
        content=content,
        created_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    return UploadOut(
        upload_id=row.public_id,
        url=url_of(row.public_id),
        media_type=media_type,
        width=width,
        height=height,
        bytes=len(content),
    )


async def owned(session: AsyncSession, user_id: int, public_id: str) -> Upload:
    row = await session.scalar(select(Upload).where(Upload.public_id == public_id, Upload.user_id == user_id))
    if row is None:
        raise not_found("Upload", public_id)
    return row


async def get(session: AsyncSession, public_id: str) -> Upload:
    row = await session.scalar(select(Upload).where(Upload.public_id == public_id))
    if row is None:
        raise not_found("Upload", public_id)
    return row
