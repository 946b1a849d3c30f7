"""QR codes (segno) pointing to the public verify page of a revision."""

from __future__ import annotations

import io
from functools import lru_cache

import segno


@lru_cache(maxsize=256)
def _code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_matrix(url: str) -> list[list[bool]]:
    """Rows of dark (True) and light modules, with the quiet zone of 2 modules."""
    code = _code(url)
    return [[bool(module) for module in row] for row in code.matrix_iter(scale=1, border=2)]


def qr_png(url: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def verify_url(base_url: str, code: str, revision: int) -> str:
    return f"{base_url.rstrip('/')}/verify/{code}/{revision}"
