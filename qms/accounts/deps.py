"""Who is calling: the principal of a request, and the dependencies that require one."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from qms.accounts.auth import API, WEB, Principal, resolve_token
from qms.core.deps import SESSION_COOKIE, SessionDep, bearer_token, on_database
from qms.core.errors import Forbidden, NotAuthenticated
from qms.core.i18n import _


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


#: The signed-in user of an HTML page: the same checks as the API's.
PageUser = CurrentUser
