"""Stored files, content-addressed by SHA-256.

A file is kept under the hex digest of its bytes, so the same bytes are stored once
and a name given by a user never reaches the file system. :class:`FileStore` is the
interface; :class:`LocalFileStore` keeps files in a folder (``<QMS_DATA_DIR>/files``);
an S3-compatible object store can implement the same three methods.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import Protocol

from qms.core.config import Settings
from qms.core.private_files import FILE_MODE, private_dir

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class FileStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store ``data``; return its SHA-256 (hex)."""

    def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``; FileNotFoundError when there are none."""

    def exists(self, sha256: str) -> bool: ...


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LocalFileStore:
    """Files in ``root/ab/cd/<sha256>``, written atomically (temporary file, fsync, rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        if not _DIGEST.match(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        digest = sha256_of(data)
        target = self._path(digest)
        if target.exists():
            return digest
        private_dir(target.parent)
        draft = target.with_name(f".{digest}.{os.getpid()}.{secrets.token_hex(4)}.part")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(draft, target)
        finally:
            draft.unlink(missing_ok=True)
        return digest

    def get(self, sha256: str) -> bytes:
        return self._path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()


def file_store(settings: Settings) -> LocalFileStore:
    return LocalFileStore(settings.data_dir / "files")


#: The same, under the name the records capability uses.
get_storage = file_store
