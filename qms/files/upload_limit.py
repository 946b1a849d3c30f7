"""Refuse an upload that is too large before its body is read (plain ASGI).

A multipart request whose declared length passes the limit gets 413 at once; one that
sends more than the limit without declaring it is cut at the limit and answered 413,
whatever the route would have said about the truncated body.
"""

from __future__ import annotations

import json
from html import escape

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qms.core.i18n import _
from qms.files.uploads import size_limit_text

#: Room for the multipart envelope and the other fields of the form.
ENVELOPE = 1024 * 1024
WRITES = frozenset({"POST", "PUT", "PATCH"})


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


class UploadLimitMiddleware:
    def __init__(self, app: ASGIApp, max_file_bytes: int) -> None:
        self.app = app
        self.max_file_bytes = max_file_bytes
        self.max_body = max_file_bytes + ENVELOPE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in WRITES
                or not _header(scope, b"content-type").lower().startswith("multipart/")):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.max_body:
            await self._refuse(scope, send)
            return
        received = 0
        exceeded = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request" and not exceeded:
                received += len(message.get("body", b""))
                if received > self.max_body:
                    exceeded = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        refused = False

        async def guarded_send(message: Message) -> None:
            nonlocal refused
            if not exceeded:
                await send(message)
            elif not refused:
                refused = True
                await self._refuse(scope, send)

        await self.app(scope, limited_receive, guarded_send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        message = _("The file is larger than the limit of %(limit)s.",
                    limit=size_limit_text(self.max_file_bytes))
        if scope["path"].startswith("/api/"):
            body = json.dumps({"detail": message}, ensure_ascii=False).encode()
            content_type = b"application/json"
        else:
            body = (f'<!doctype html><meta charset="utf-8"><title>413</title><div class="error-page">'
                    f'<p class="error-page__code">413</p><p>{escape(message)}</p></div>').encode()
            content_type = b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
