"""Static files under fingerprinted addresses, cached by browsers for a year.

``static_url("app.css")`` gives ``/static/app.css?v=<hash>``, the hash being the first
twelve hex digits of the file's SHA-256, computed once per process (all files at
start-up, a file added later on its first use). A request that carries the file's
current hash is answered ``Cache-Control: public, max-age=31536000, immutable``: a
changed file has another address, so nothing stale is ever used. Any other request
(no ``v``, or a stale one) gets a short max-age and revalidates with the ETag.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from qms.core.paths import STATIC_DIR

PREFIX = "/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=300, must-revalidate"
_HASH_LENGTH = 12

_fingerprints: dict[tuple[Path, str], str] = {}
_lock = threading.Lock()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:_HASH_LENGTH]


def load_fingerprints(directory: Path = STATIC_DIR) -> None:
    """Hash every file under ``directory`` once (called at start-up)."""
    found = {(directory, path.relative_to(directory).as_posix()): _digest(path)
             for path in directory.rglob("*") if path.is_file()}
    with _lock:
        _fingerprints.update(found)


def fingerprint(name: str, directory: Path = STATIC_DIR) -> str | None:
    """The hash of ``qms/static/<name>``, or None when there is no such file."""
    known = _fingerprints.get((directory, name))
    if known is not None:
        return known
    path = (directory / name).resolve()
    if not path.is_file() or directory.resolve() not in path.parents:
        return None
    digest = _digest(path)
    with _lock:
        return _fingerprints.setdefault((directory, name), digest)


def static_url(name: str) -> str:
    """The address of a file under ``qms/static``; templates never spell ``/static/`` themselves."""
    digest = fingerprint(name)
    return f"{PREFIX}{name}?v={digest}" if digest else PREFIX + name


class FingerprintedStaticFiles(StaticFiles):
    """``StaticFiles`` with the cache headers described above."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            wanted = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
            current = fingerprint(Path(path).as_posix())
            response.headers["Cache-Control"] = IMMUTABLE if current and wanted == current else REVALIDATE
        return response


router = APIRouter()


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> RedirectResponse:
    """What browsers ask for where a page names no icon (a PDF in the browser's viewer)."""
    return RedirectResponse(static_url("favicon.svg"), status_code=301)
