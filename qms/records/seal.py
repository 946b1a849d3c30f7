"""The agency's seal image, uploaded by the administrator: a PNG with transparency that the
agency's signature shows over the signer's block (Decree 30/2020, Appendix I).

Only a real PNG whose alpha channel (or tRNS transparency) leaves the background see-through
is kept, so that the seal never hides the name and signature beneath it. It is stored in the
data folder, replaced whole on each upload.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.accounts.policy import can_manage_accounts
from qms.audit import service as audit
from qms.core.errors import ValidationFailed
from qms.core.i18n import _
from qms.records.certificates import DEMO_FOLDER, sha256_hex

SEAL_FILE = "agency-seal.png"
MAX_SEAL_BYTES = 1024 * 1024
MIN_SIDE, MAX_SIDE = 100, 2000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class SealImage:
    path: Path
    width: int
    height: int
    size: int
    updated_at: datetime


def seal_path(data_dir: Path) -> Path:
    """Where the seal image lives; the signing code reads it from here."""
    return data_dir / DEMO_FOLDER / SEAL_FILE


def _refuse(message: str, status_code: int = 422) -> ValidationFailed:
    error = ValidationFailed("file", message)
    error.status_code = status_code
    return error


def check_seal(data: bytes, filename: str) -> tuple[int, int]:
    """(width, height) of an acceptable seal image; a 4xx naming the reason otherwise."""
    return check_transparent_png(data, filename, _("the seal"), MAX_SEAL_BYTES)


def check_transparent_png(data: bytes, filename: str, subject: str, max_bytes: int) -> tuple[int, int]:
    """(width, height) of a PNG of ``subject`` (a seal, a signature) whose background lets
    what lies beneath show through; a 4xx at ``file`` naming the reason otherwise."""
    name = filename[:100] or "?"
    if not data:
        raise _refuse(_("Choose a PNG image of %(subject)s.", subject=subject))
    if len(data) > max_bytes:
        raise _refuse(_("The image of %(subject)s is larger than %(kb)s KB.", subject=subject,
                        kb=max_bytes // 1024), 413)
    if not data.startswith(PNG_SIGNATURE):
        raise _refuse(_("The file %(name)s is not a PNG image.", name=name), 415)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != "PNG":
                    raise _refuse(_("The file %(name)s is not a PNG image.", name=name), 415)
                width, height = probe.size
                if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
                    raise _refuse(_("Each side of the image of %(subject)s must be between %(low)s and "
                                    "%(high)s pixels.", subject=subject, low=MIN_SIDE, high=MAX_SIDE))
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
                lowest_alpha = image.convert("RGBA").getchannel("A").getextrema()[0] if transparent else 255
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        raise _refuse(_("The file %(name)s is not a readable PNG image.", name=name), 415) from None
    if not transparent:
        raise _refuse(_("The image of %(subject)s has no alpha channel: save it as a PNG with a transparent "
                        "background.", subject=subject))
    if lowest_alpha == 255:
        raise _refuse(_("The image of %(subject)s has no transparent area: its background would hide what "
                        "lies beneath it.", subject=subject))
    return width, height


def save_seal(session: Session, actor: Principal, data_dir: Path, data: bytes, filename: str) -> SealImage:
    can_manage_accounts.require(actor)
    width, height = check_seal(data, filename)
    path = seal_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    draft.write_bytes(data)
    os.replace(draft, path)
    audit.record(session, actor=actor, action="agency.seal.update", object_type="agency", object_id=1,
                 details={"sha256": sha256_hex(data), "size": len(data), "width": width, "height": height})
    return current_seal(data_dir)  # type: ignore[return-value]


def current_seal(data_dir: Path) -> SealImage | None:
    path = seal_path(data_dir)
    try:
        stat = path.stat()
        with Image.open(path) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError):
        return None
    return SealImage(path=path, width=width, height=height, size=stat.st_size,
                     updated_at=datetime.fromtimestamp(stat.st_mtime, UTC))
