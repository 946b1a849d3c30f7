"""Security headers on every response: pages, fragments, the API, static files, errors
and downloads (plain ASGI, outermost, so nothing the app answers goes out without them).

The Content-Security-Policy allows scripts and styles from the app's own origin only:
no inline ``<script>``, no ``on…=`` handlers, no ``style="…"`` attributes, no ``eval``.
A response that needs another policy sets its own ``Content-Security-Policy`` header,
which is kept; every other header here is only added where the response has none.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

#: Browser features the app never uses, refused to it and to anything it could embed.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "payment", "usb",
))

HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)

#: Two years, the value the HSTS preload list asks for.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"


def _forwarded_https(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-proto":
            return value.decode("latin-1").split(",")[0].strip().lower() == "https"
    return False


def came_over_https(scope: Scope, *, behind_https_proxy: bool) -> bool:
    return scope.get("scheme") == "https" or (behind_https_proxy and _forwarded_https(scope))


def add_security_headers(headers: MutableHeaders, *, https: bool) -> None:
    """Add the headers a response lacks (a response's own policy is kept)."""
    for name, value in HEADERS:
        headers.setdefault(name, value)
    if https:
        headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)


class SecurityHeadersMiddleware:
    """Adds :data:`HEADERS`, and HSTS to a request that came over https.

    "Came over https" is the request's scheme, which ``qms serve`` (uvicorn with proxy
    headers) takes from ``X-Forwarded-Proto`` of a trusted proxy; when the app's public
    address (``QMS_BASE_URL``, the setting behind secure cookies) is https, a proxy's
    ``X-Forwarded-Proto: https`` is believed too. Browsers ignore HSTS on plain http, so
    a wrong guess there costs nothing.
    """

    def __init__(self, app: ASGIApp, *, behind_https_proxy: bool) -> None:
        self.app = app
        self.behind_https_proxy = behind_https_proxy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = came_over_https(scope, behind_https_proxy=self.behind_https_proxy)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                add_security_headers(MutableHeaders(scope=message), https=https)
            await send(message)

        await self.app(scope, receive, send_with_headers)
