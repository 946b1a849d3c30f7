"""Refuse a JSON body larger than ``QMS_MAX_JSON_KB`` before anything parses it (plain ASGI).

Every JSON body (``application/json`` or ``…+json``, and a body without a content type to
``/api/``, which FastAPI would read as JSON) is measured here, before the route, the CSRF
check or the sign-in: a declared ``Content-Length`` over the limit is answered 413 at once,
without reading; an undeclared (chunked) one is read and counted up to the limit, kept, and
handed to the app only if it stays within it. Uploads have their own limit
(``library/upload_limit.py``); forms of pages are small and are not counted here.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qms.core.i18n import _

WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _is_json(scope: Scope) -> bool:
    media_type = _header(scope, b"content-type").split(";")[0].strip().lower()
    if not media_type:
        return scope.get("path", "").startswith("/api/")
    return media_type == "application/json" or (media_type.startswith("application/")
                                                and media_type.endswith("+json"))


class JsonBodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WITH_BODY or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, send: Send) -> None:
        message = _("The request body is larger than the limit of %(kb)s KB (QMS_MAX_JSON_KB).",
                    kb=self.max_bytes // 1024)
        body = json.dumps({"detail": message}, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read here, once, as one message; then whatever the server says next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
