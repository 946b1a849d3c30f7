"""Per-request context: language, client address, the app's settings and the CSRF cookie, as
plain ASGI."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qms.core import config
from qms.core.i18n import LANGUAGES, set_language

CSRF_COOKIE = "qms_csrf"
LANGUAGE_COOKIE = "qms_lang"
SESSION_COOKIE = "qms_session"

#: The client address of the request being served, for the audit trail.
client_address: ContextVar[str] = ContextVar("qms_client_address", default="")


def _binding_mac(key: bytes, nonce: str, session_cookie: str) -> str:
    """HMAC of the nonce and of the session the token belongs to ("" before sign-in)."""
    session = hashlib.sha256(session_cookie.encode("utf-8", "replace")).hexdigest() if session_cookie else "-"
    digest = hmac.new(key, f"csrf|{nonce}|{session}".encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_csrf_token(key: bytes, session_cookie: str) -> str:
    """A CSRF token bound to ``session_cookie``: ``nonce.mac``."""
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_binding_mac(key, nonce, session_cookie)}"


def csrf_token_is_bound(key: bytes, token: str, session_cookie: str) -> bool:
    """Whether ``token`` was made for this session: one from another session, or from before
    sign-in, is not (a planted cookie cannot be paired with a victim's session)."""
    if not (20 <= len(token) <= 100 and token.isascii()):
        return False
    nonce, _sep, mac = token.partition(".")
    return hmac.compare_digest(mac.encode("ascii"), _binding_mac(key, nonce, session_cookie).encode("ascii"))


def _session_set_by(message: Message) -> str | None:
    """The session cookie a response sets ("" when it deletes it), or None when it leaves it."""
    for name, value in message.get("headers", []):
        if name.lower() == b"set-cookie" and value.startswith(SESSION_COOKIE.encode() + b"="):
            attributes = value.decode("latin-1").split(";")
            cookie = attributes[0].split("=", 1)[1].strip().strip('"')
            expired = any(part.strip().lower() == "max-age=0" for part in attributes[1:])
            return "" if expired else cookie
    return None


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
    def __init__(self, app: ASGIApp, *, default_language: str, secure_cookies: bool, csrf_key: str) -> None:
        self.app = app
        self.default_language = default_language
        self.secure_cookies = secure_cookies
        self.csrf_key = csrf_key.encode("utf-8")

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

        # The CSRF token is bound to the session cookie it came with: a token made before
        # sign-in, or for another session, is replaced (and the request carrying it refused).
        token = cookies.get(CSRF_COOKIE, "")
        new_token = not csrf_token_is_bound(self.csrf_key, token, cookies.get(SESSION_COOKIE, ""))
        if new_token:
            token = new_csrf_token(self.csrf_key, cookies.get(SESSION_COOKIE, ""))
        state = scope.setdefault("state", {})
        state["csrf_token"] = token
        state["language"] = language

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                issued = token if new_token else None
                session = _session_set_by(message)
                if session is not None:  # signed in or out: a new token for the new session
                    issued = new_csrf_token(self.csrf_key, session)
                if issued is not None:
                    MutableHeaders(scope=message).append("set-cookie", self._cookie(issued))
            await send(message)

        # Read at each request: what runs for it without the request in hand (listeners,
        # template helpers) gets the settings of the app serving it (config.current()).
        with config.using(scope["app"].state.settings):
            await self.app(scope, receive, send_with_cookie)

    def _cookie(self, token: str) -> str:
        secure = "; Secure" if self.secure_cookies else ""
        return f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"
