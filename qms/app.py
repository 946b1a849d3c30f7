"""create_app(): routers, error handlers, static files."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import Engine
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from qms import __version__, capabilities
from qms.accounts.deps import PasswordChangeRequired
from qms.core import api_docs, config, print_sheet, static_files
from qms.core.body_limit import JsonBodyLimitMiddleware
from qms.core.compression import add_compression
from qms.core.config import Settings
from qms.core.db import make_engine
from qms.core.deps import csrf_protect
from qms.core.errors import NotAuthenticated, QMSError, ValidationFailed
from qms.core.forms import field_errors
from qms.core.health import router as health_router
from qms.core.i18n import _
from qms.core.middleware import RequestContextMiddleware
from qms.core.paths import STATIC_DIR
from qms.core.private_files import restrict_umask
from qms.core.scheduler import Scheduler
from qms.core.security_headers import SecurityHeadersMiddleware, add_security_headers, came_over_https
from qms.core.static_files import FingerprintedStaticFiles, load_fingerprints
from qms.core.web import redirect, render
from qms.files.upload_limit import UploadLimitMiddleware

log = logging.getLogger("qms")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def _error_page(request: Request, status_code: int, message: str) -> Response:
    titles = {
        400: _("Bad request"),
        401: _("Please sign in"),
        403: _("Access denied"),
        404: _("Page not found"),
        405: _("Action not allowed"),
        409: _("Conflict"),
        413: _("File too large"),
        415: _("Unsupported file type"),
        422: _("Invalid data"),
        429: _("Too many attempts"),
        500: _("Something went wrong"),
    }
    return render(
        request, "errors/error.html",
        {"status_code": status_code, "title": titles.get(status_code, _("Error")), "message": message},
        status_code=status_code,
    )


def _describe_validation(exc: RequestValidationError) -> tuple[str, list[dict[str, str]]]:
    errors = [{"field": field, "reason": reason} for field, reason in field_errors(exc.errors()).items()]
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
    return detail, errors


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(QMSError)
    async def qms_error(request: Request, exc: QMSError) -> Response:
        headers = dict(exc.headers)
        if _wants_json(request):
            body: dict[str, object] = {"detail": exc.detail}
            if isinstance(exc, ValidationFailed):
                body["field"] = exc.field
                body["errors"] = [{"field": field, "reason": reason}
                                  for field, reason in exc.fields.items()]
            elif field := getattr(exc, "field", None):
                body["field"] = field  # a signing password missing or wrong
            if isinstance(exc, NotAuthenticated):
                headers["WWW-Authenticate"] = "Bearer"
            return JSONResponse(body, status_code=exc.status_code, headers=headers)
        if isinstance(exc, NotAuthenticated):
            target = request.url.path
            if request.url.query:
                target += "?" + request.url.query
            if request.headers.get("hx-request") == "true":
                return Response(status_code=401, headers={"HX-Redirect": "/login"})
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        response = _error_page(request, exc.status_code, exc.detail)
        response.headers.update(headers)
        return response

    @app.exception_handler(PasswordChangeRequired)
    async def password_change_required(request: Request, exc: PasswordChangeRequired) -> Response:
        return redirect("/account/password", request)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        detail, errors = _describe_validation(exc)
        if _wants_json(request):
            return JSONResponse({"detail": detail, "errors": errors}, status_code=422)
        return _error_page(request, 422, detail)

    @app.exception_handler(DataError)
    async def value_refused_by_database(request: Request, exc: DataError) -> Response:
        """The database refused a value the checks let through (a NUL character in a
        query, a number or text beyond a column's range): bad input, already rolled back."""
        log.warning("database refused a value on %s %s: %s", request.method, request.url.path,
                    str(exc.orig).splitlines()[0] if exc.orig else exc)
        message = _("The request contains a value that cannot be stored: a control character, "
                    "or a number or text that is too large.")
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=422)
        return _error_page(request, 422, message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {
            404: _("The page or object you asked for does not exist."),
            405: _("This address does not accept that kind of request."),
        }
        message = messages.get(exc.status_code, str(exc.detail))
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        return _error_page(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        message = _("An unexpected error occurred; nothing was changed. Please try again.")
        if _wants_json(request):
            response: Response = JSONResponse({"detail": message}, status_code=500)
        else:
            response = _error_page(request, 500, message)
        # Starlette answers an unhandled error outside every middleware: add the headers here.
        add_security_headers(response.headers, https=came_over_https(
            request.scope, behind_https_proxy=request.app.state.settings.secure_cookies))
        return response


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The scheduler of due jobs runs while the app serves, unless turned off."""
    scheduler = Scheduler(app.state.engine, app.state.settings) if app.state.settings.scheduler else None
    if scheduler is not None:
        scheduler.start()
    try:
        yield
    finally:
        if scheduler is not None:
            await scheduler.stop()


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    restrict_umask()
    settings = config.use(settings or config.current())
    app = FastAPI(
        lifespan=_lifespan,
        title="qms",
        version=__version__,
        description="ISO 9001 document control — JSON API",
        dependencies=[Depends(csrf_protect)],
        docs_url=None,  # served by qms.api_docs from the files shipped with qms, not from a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.effective_database_url)
    app.state.secret_key = settings.resolved_secret_key()

    # Added first, so it runs inside the request context (language) but before any body is read.
    app.add_middleware(UploadLimitMiddleware, max_file_bytes=settings.max_upload_mb * 1024 * 1024)
    app.add_middleware(JsonBodyLimitMiddleware, max_bytes=settings.max_json_kb * 1024)
    app.add_middleware(
        RequestContextMiddleware,
        default_language=settings.default_language,
        secure_cookies=settings.secure_cookies,
        csrf_key=app.state.secret_key,
    )
    add_compression(app)
    # Added last, so it is outermost: every response gets the headers, errors included.
    app.add_middleware(SecurityHeadersMiddleware, behind_https_proxy=settings.secure_cookies)
    _install_error_handlers(app)
    load_fingerprints(STATIC_DIR)
    app.mount("/static", FingerprintedStaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(static_files.router)
    app.include_router(print_sheet.router)
    app.include_router(health_router)
    app.include_router(api_docs.router)

    # Each capability's pages and API, in the order of its door (qms/capabilities.py), the
    # pages first; the API's paths all start with /api/, so pages and API never overlap.
    capabilities.plug_in(app)
    return app
