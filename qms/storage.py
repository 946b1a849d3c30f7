"""Content-addressed file storage: a file is named by the SHA-256 of its bytes.

The local implementation keeps files under ``<data folder>/files/ab/cd/<sha256>``;
an S3-compatible store can implement the same four methods. No name a user gives
ever reaches the filesystem: only the hex digest does, and it is checked.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from qms.config import Settings

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class Storage(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, digest: str) -> bytes: ...

    def exists(self, digest: str) -> bool: ...

    def size(self, digest: str) -> int: ...


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, digest: str) -> Path:
        if not _DIGEST.match(digest):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, data: bytes) -> str:
        """Store once; writing the same bytes again is a no-op. Atomic: a reader never
        sees a partial file."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, digest: str) -> bytes:
        try:
            return self._path(digest).read_bytes()
        except FileNotFoundError:
            raise KeyError(digest) from None

    def exists(self, digest: str) -> bool:
        return _DIGEST.match(digest) is not None and self._path(digest).exists()

    def size(self, digest: str) -> int:
        return self._path(digest).stat().st_size


def files_root(settings: Settings) -> Path:
    return settings.data_dir / "files"


def get_storage(settings: Settings) -> Storage:
    return LocalStorage(files_root(settings))
