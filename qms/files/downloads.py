"""Reading an uploaded file within the size limit, and answering a download."""

from __future__ import annotations

from typing import Protocol
from urllib.parse import quote

from fastapi.responses import Response
from starlette.datastructures import UploadFile

from qms.core.config import Settings
from qms.core.i18n import _
from qms.core.search import fold
from qms.files.uploads import FileTooLarge, size_limit_text

CHUNK = 1024 * 1024


def read_limited(upload: UploadFile, settings: Settings) -> bytes:
    """The file's bytes, read in chunks; 413 as soon as it passes the limit."""
    limit = settings.max_upload_mb * 1024 * 1024
    chunks: list[bytes] = []
    size = 0
    upload.file.seek(0)
    while chunk := upload.file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise FileTooLarge(_("The file is larger than the limit of %(limit)s.",
                                 limit=size_limit_text(limit)))
        chunks.append(chunk)
    return b"".join(chunks)


def content_disposition(name: str) -> str:
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in fold(name))
    return f"attachment; filename=\"{fallback or 'file'}\"; filename*=UTF-8''{quote(name, safe='')}"


class Download(Protocol):
    """A stored file being downloaded, with the status of the version it belongs to."""

    @property
    def data(self) -> bytes: ...

    @property
    def name(self) -> str: ...

    @property
    def media_type(self) -> str: ...

    @property
    def sha256(self) -> str: ...

    @property
    def version_status(self) -> str: ...

    @property
    def obsolete(self) -> bool: ...


def file_response(download: Download) -> Response:
    """The file as an attachment that browsers never render or sniff; a revision no longer in
    force is marked obsolete in the headers."""
    headers = {
        "Content-Disposition": content_disposition(download.name),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Cache-Control": "private, no-store",
        "X-Version-Status": download.version_status,
        "X-Content-SHA256": download.sha256,
    }
    if download.obsolete:
        headers["X-Obsolete"] = "true"
    return Response(download.data, media_type=download.media_type, headers=headers)
