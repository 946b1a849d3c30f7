"""The Jinja environment over ``templates/`` and helpers to render pages and fragments."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments.fastapi import Jinja2Blocks

from qms.core import config, dates, i18n
from qms.core.errors import QMSError
from qms.core.markup import render_markdown
from qms.core.paths import TEMPLATES_DIR
from qms.core.print_sheet import print_header_url
from qms.core.roles import role_label
from qms.core.static_files import static_url

FLASH_COOKIE = "qms_flash"

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=select_autoescape(("html", "xml")),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Blocks(env=_env)
_env.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=lambda message, **kw: i18n.gettext(message, **kw),
    ngettext=lambda s, p, n, **kw: i18n.ngettext(s, p, n, **kw),
    newstyle=True,
)


def _zone(request: Request | None = None) -> Any:
    if request is not None:
        return request.app.state.settings.zone
    return config.current().zone


def format_datetime(value: datetime | None, request: Request | None = None) -> str:
    if value is None:
        return ""
    return value.astimezone(_zone(request)).strftime("%d/%m/%Y %H:%M")


_env.filters["date"] = dates.format_day
_env.filters["day_input"] = dates.format_day
_env.globals["date_pattern"] = dates.INPUT_PATTERN
_env.filters["markdown"] = render_markdown
_env.globals["role_label"] = role_label
_env.globals["static_url"] = static_url
_env.globals["print_header_url"] = print_header_url
_env.globals["languages"] = i18n.LANGUAGES

#: What every page's layout reads that a capability provides (the agency's name), by name:
#: ``provider(request)``, called once per page.
_page_context: dict[str, Callable[[Request], Any]] = {}


def add_template_globals(names: Mapping[str, Any]) -> None:
    """Functions and values the templates may use: each capability's door adds its own."""
    _env.globals.update(names)


def include_routers(app: FastAPI, *routers: APIRouter) -> None:
    """A capability's pages now and its JSON API (paths under ``/api/``) once every page is in,
    by :func:`include_api_routers`: a request is matched route by route, and pages are asked
    for far more often than the API."""
    for router in routers:
        if router.prefix.startswith("/api/"):
            app.state.api_routers.append(router)
        else:
            app.include_router(router)


def include_api_routers(app: FastAPI) -> None:
    for router in app.state.api_routers:
        app.include_router(router)
    app.state.api_routers = []


def add_page_context(name: str, provider: Callable[[Request], Any]) -> None:
    """A value every full page gets as ``name``, made by ``provider(request)``."""
    _page_context[name] = provider


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.secret_key, salt="flash")


def _store_flash(response: Response, request: Request, message: str, category: str) -> None:
    pending = [*_read_flashes(request), {"message": message, "category": category}]
    response.set_cookie(FLASH_COOKIE, _serializer(request).dumps(pending), httponly=True,
                        samesite="lax", secure=request.app.state.settings.secure_cookies)


def _read_flashes(request: Request) -> list[dict[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        value = _serializer(request).loads(raw)
    except BadSignature:
        return []
    return value if isinstance(value, list) else []


def flash(response: Response, request: Request, message: str, category: str = "success") -> None:
    """Show a message: at once for htmx (an HX-Trigger toast), else on the next page."""
    if request.headers.get("hx-request") == "true":
        response.headers["HX-Trigger"] = json.dumps(
            {"qms:toast": {"message": message, "category": category}}, ensure_ascii=True
        )
    else:
        _store_flash(response, request, message, category)


def redirect(url: str, request: Request, message: str | None = None,
             category: str = "success") -> Response:
    """After a successful form post: 303 for browsers, HX-Redirect for htmx."""
    if request.headers.get("hx-request") == "true":
        response: Response = Response(status_code=204, headers={"HX-Redirect": url})
    else:
        response = RedirectResponse(url, status_code=303)
    if message:
        _store_flash(response, request, message, category)
    return response


def refused(response: Response, error: QMSError) -> Response:
    """A page that answers a refused write: the refusal's status and headers (``Retry-After``
    when a password prompt must wait)."""
    response.status_code = error.status_code
    response.headers.update(error.headers)
    return response


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    principal = getattr(request.state, "principal", None)
    flashes = [] if block else _read_flashes(request)
    ctx: dict[str, Any] = {
        "request": request,
        "user": principal,
        "csrf_token": request.state.csrf_token,
        "lang": i18n.current_language(),
        "flashes": flashes,
        "fmt_dt": lambda value: format_datetime(value, request),
        "current_path": request.url.path,
        "quote": quote,
    }
    ctx.update({name: provider(request) for name, provider in _page_context.items()})
    if context:
        ctx.update(context)
    if block:
        response = templates.TemplateResponse(request, template, ctx, status_code=status_code,
                                              block_name=block)
    else:
        response = templates.TemplateResponse(request, template, ctx, status_code=status_code)
    if flashes:
        response.delete_cookie(FLASH_COOKIE)
    response.headers.setdefault("Cache-Control", "no-store")
    return response
