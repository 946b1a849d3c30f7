"""FastAPI dependencies shared by every capability."""

from __future__ import annotations

import hmac
import inspect
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from qms.core.config import Settings
from qms.core.db import new_session, roll_back
from qms.core.errors import Forbidden
from qms.core.i18n import _

SESSION_COOKIE = "qms_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: commit when the route succeeds, roll back otherwise.

    Requests that may write (any method but GET/HEAD/OPTIONS, or a GET of a router that
    declares :func:`writes_on_get`) take the write lock at BEGIN on SQLite, so concurrent
    writers queue instead of failing. The session is also the one the page layout reads
    with (the bell's count, the agency's name), so a request holds one connection at most.
    """
    writes = request.method not in SAFE_METHODS or getattr(request.state, "writes_on_get", False)
    request.state.writes = writes
    session = new_session(request.app.state.engine, write=writes)
    request.state.session = session
    try:
        yield session
        await on_database(request, session.commit)
    except Exception as error:
        await on_database(request, roll_back, session, error)
        raise
    except BaseException as error:
        roll_back(session, error)
        raise
    finally:
        # An error page rendered after this point reads with a session of its own.
        request.state.session = None
        session.close()


async def on_database(request: Request, function: Callable[..., T], *args: Any) -> T:
    """Run database work of this request on the event loop when the whole request runs there,
    else in the thread pool.

    A read-only request to an ``async def`` page (the busiest pages) does everything on the
    loop, which costs less than the trips through the pool: SQLite reads never wait in WAL
    mode and PostgreSQL reads are short. Any other request takes its connection in the pool,
    so that waiting for one (or for SQLite's write lock) never holds up the loop.
    """
    if _runs_on_loop(request):
        return function(*args)
    return await run_in_threadpool(function, *args)


def _runs_on_loop(request: Request) -> bool:
    if getattr(request.state, "writes", True):
        return False
    endpoint = request.scope.get("endpoint")
    return endpoint is not None and inspect.iscoroutinefunction(endpoint)


async def writes_on_get(request: Request) -> None:
    """A router dependency for GETs that write (a download recorded in the audit trail):
    declared on the router, it runs before the session opens, which then takes the write lock."""
    request.state.writes_on_get = True


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


async def csrf_protect(request: Request) -> None:
    """Refuse a state-changing request from a browser that lacks the CSRF token.

    Calls with a bearer token carry no ambient credentials and need no token, and
    another site cannot send a JSON body to the API without a CORS preflight, which
    this app never grants. An API call without the session cookie carries no credential
    at all: it goes on as the anonymous call it is (401 where a user is needed), not as
    a form that expired. Otherwise the token is compared with the CSRF cookie (double
    submit); it comes from the ``X-CSRF-Token`` header (htmx, scripts) or the
    ``csrf_token`` form field.
    """
    if request.method in SAFE_METHODS or bearer_token(request) is not None:
        return
    content_type = request.headers.get("content-type", "")
    if request.url.path.startswith("/api/") and (
        content_type.startswith("application/json") or SESSION_COOKIE not in request.cookies
    ):
        return
    expected = request.state.csrf_token
    supplied = request.headers.get(CSRF_HEADER)
    if not supplied and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    # The middleware replaced a cookie not bound to this session, so a token from before
    # sign-in or from another session differs from ``expected``. Compared as bytes: the
    # comparison of ``str`` accepts ASCII only, and a token is whatever the client sent.
    if not supplied or request.cookies.get("qms_csrf") != expected or not hmac.compare_digest(
        supplied.encode("utf-8", "replace"), expected.encode("utf-8")
    ):
        raise Forbidden(
            _("The form has expired or did not come from this site. Reload the page and try again.")
        )


async def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


IsHtmx = Annotated[bool, Depends(is_htmx)]

