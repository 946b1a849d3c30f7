"""Per-request context: language, client address and the CSRF cookie, as plain ASGI."""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qms.audit.service import client_address
from qms.i18n import LANGUAGES, set_language

CSRF_COOKIE = "qms_csrf"
LANGUAGE_COOKIE = "qms_lang"


def _cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies, read as leniently as ``request.cookies`` reads them.

    ``SimpleCookie`` gives up on the whole header at one malformed cookie (another
    application on the host may set ``a=b c``); then the CSRF cookie would look absent
    here but present to the CSRF check, and every form would be refused.
    """
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            return cookie_parser(value.decode("latin-1"))
    return {}


def _accept_language(scope: Scope) -> str | None:
    """The first language of ``Accept-Language`` (in the caller's order) that we speak."""
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            for entry in value.decode("latin-1").split(","):
                primary = entry.split(";")[0].strip().lower()[:2]
                if primary in LANGUAGES:
                    return primary
            return None
    return None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, default_language: str, secure_cookies: bool) -> None:
        self.app = app
        self.default_language = default_language
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        language = cookies.get(LANGUAGE_COOKIE)
        if language not in LANGUAGES:
            is_api = scope.get("path", "").startswith("/api/")
            language = (_accept_language(scope) if is_api else None) or self.default_language
        set_language(language)
        client = scope.get("client")
        client_address.set(client[0] if client else "")

        token = cookies.get(CSRF_COOKIE, "")
        new_token = not (20 <= len(token) <= 100 and token.isascii())
        if new_token:
            token = secrets.token_urlsafe(32)
        state = scope.setdefault("state", {})
        state["csrf_token"] = token
        state["language"] = language

        if not new_token:
            await self.app(scope, receive, send)
            return

        secure = "; Secure" if self.secure_cookies else ""
        cookie = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)
