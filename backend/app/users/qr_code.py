"""QR codes of `otpauth://` URIs, as PNG, for authenticator apps to scan (segno, no Pillow needed)."""

from __future__ import annotations

import base64
import io

import segno


def png(text: str, scale: int = 6) -> bytes:
    """`text` as a QR code PNG: error correction M, a 4-module quiet zone as the standard asks."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def png_data_uri(text: str) -> str:
    return "data:image/png;base64," + base64.b64encode(png(text)).decode("ascii")
