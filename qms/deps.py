"""FastAPI dependencies shared by every capability."""

from __future__ import annotations

import hmac
import inspect
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from qms.accounts.auth import API, WEB, Principal, resolve_token
from qms.config import Settings
from qms.db import new_session, roll_back
from qms.errors import Forbidden, NotAuthenticated
from qms.i18n import _

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


async def get_principal(request: Request, session: SessionDep) -> Principal | None:
    """Who is calling, from a bearer token or the session cookie; cached on the request."""
    if "principal" in request.state._state:
        return request.state.principal
    principal = None
    token = bearer_token(request)
    if token is not None:
        principal = await on_database(request, resolve_token, session, token, API)
    elif cookie := request.cookies.get(SESSION_COOKIE):
        principal = await on_database(request, resolve_token, session, cookie, WEB)
    request.state.principal = principal
    return principal


OptionalUser = Annotated[Principal | None, Depends(get_principal)]


#: What a user whose password someone else set may still do: see who they are, choose a
#: new password, sign out. Every other request is refused until they have chosen one.
TEMPORARY_PASSWORD_ALLOWS = frozenset({
    ("GET", "/api/v1/me"), ("POST", "/api/v1/me/password"), ("POST", "/api/v1/auth/logout"),
    ("GET", "/account/password"), ("POST", "/account/password"),
})


class PasswordChangeRequired(Exception):
    """A page was asked for by a user who must first replace a temporary password."""


#: Declared on every operation that needs a signed-in caller, so that the OpenAPI document
#: names the bearer scheme there; the token itself is read by ``get_principal``.
BEARER = HTTPBearer(auto_error=False, scheme_name="bearer", bearerFormat="opaque",
                    description="A token from POST /api/v1/auth/token, sent as "
                                "`Authorization: Bearer <token>`.")


async def get_current_user(request: Request, principal: OptionalUser,
                           _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
                           ) -> Principal:
    """The signed-in caller. A temporary password opens nothing but the change of password:
    the API answers 403, pages (htmx ones included) go to the password form."""
    if principal is None:
        raise NotAuthenticated(_("Please sign in."))
    if principal.must_change_password and (
        (request.method, request.url.path) not in TEMPORARY_PASSWORD_ALLOWS
    ):
        if request.url.path.startswith("/api/"):
            raise Forbidden(_("Choose a new password first: the one you signed in with was set by "
                              "an administrator or no longer meets the password policy "
                              "(POST /api/v1/me/password)."))
        raise PasswordChangeRequired
    return principal


CurrentUser = Annotated[Principal, Depends(get_current_user)]


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


#: The signed-in user of an HTML page: the same checks as the API's.
PageUser = CurrentUser
