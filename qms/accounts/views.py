"""Pages: sign in, sign out, change own password, choose the language."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from qms.accounts import auth, throttle, users
from qms.accounts.deps import CurrentUser, OptionalUser
from qms.core.db import roll_back
from qms.core.deps import SESSION_COOKIE, SessionDep, SettingsDep
from qms.core.errors import ValidationFailed
from qms.core.forms import form_data
from qms.core.i18n import LANGUAGES, _
from qms.core.middleware import LANGUAGE_COOKIE
from qms.core.web import redirect, refused, render

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_data)]


def safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after sign-in.

    Browsers read a backslash as a slash and drop tabs and line breaks, so ``/\\host``
    and ``/<tab>/host`` would leave the site as surely as ``//host``.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    if user is not None:
        return redirect(safe_next(next), request)
    return render(request, "accounts/login.html", {"next": safe_next(next), "errors": {}})


@router.post("/login")
def login(request: Request, session: SessionDep, settings: SettingsDep, form: FormDep) -> Response:
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    target = safe_next(str(form.get("next", "")))
    context = {"next": target, "username": username}
    if not username or not password:
        errors = {}
        if not username:
            errors["username"] = _("This field is required.")
        if not password:
            errors["password"] = _("This field is required.")
        return render(request, "accounts/login.html", {**context, "errors": errors}, status_code=422)
    address = request.client.host if request.client else ""
    try:
        outcome = auth.sign_in(session, settings, username, password, kind=auth.WEB, address=address,
                               device_cookie=request.cookies.get(throttle.DEVICE_COOKIE))
    except throttle.Throttled as exc:
        roll_back(session, exc)
        return refused(render(request, "accounts/login.html",
                              {**context, "errors": {}, "form_error": exc.detail}), exc)
    if outcome.token is None or outcome.principal is None:
        return render(request, "accounts/login.html",
                      {**context, "errors": {}, "form_error": outcome.error}, status_code=401)
    if outcome.principal.must_change_password:
        target = "/account/password?next=" + quote(target, safe="/")
    response = redirect(target, request)
    response.set_cookie(
        SESSION_COOKIE, outcome.token, max_age=settings.session_hours * 3600, httponly=True,
        samesite="lax", secure=settings.secure_cookies, path="/",
    )
    if outcome.device_cookie:
        response.set_cookie(
            throttle.DEVICE_COOKIE, outcome.device_cookie, max_age=throttle.DEVICE_COOKIE_DAYS * 86400,
            httponly=True, samesite="lax", secure=settings.secure_cookies, path="/",
        )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    if user is not None:
        auth.sign_out(session, user)
    response = redirect("/login", request, _("You have signed out."))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account")
def account_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return render(request, "accounts/account.html", {"account": users.get_user(session, user.username)})


@router.post("/account")
def save_account(request: Request, session: SessionDep, user: CurrentUser, form: FormDep) -> Response:
    try:
        users.choose_notification_mail(session, user, str(form.get("notification_mail", "")))
    except ValidationFailed as exc:
        roll_back(session, exc)
        return refused(render(request, "accounts/account.html",
                              {"account": users.get_user(session, user.username), "errors": exc.fields}), exc)
    return redirect("/account", request, _("Your choice is saved."))


@router.get("/account/password")
def password_page(request: Request, user: CurrentUser, next: str | None = None) -> Response:
    return render(request, "accounts/password.html", {"errors": {}, "next": safe_next(next)})


@router.post("/account/password")
def change_password(request: Request, session: SessionDep, user: CurrentUser,
                    form: FormDep) -> Response:
    current = str(form.get("current_password", ""))
    new = str(form.get("new_password", ""))
    confirm = str(form.get("confirm_password", ""))
    target = safe_next(str(form.get("next", "")))
    try:
        if new != confirm:
            raise ValidationFailed("confirm_password", _("The two new passwords do not match."))
        users.change_own_password(session, user, current, new)
    except (ValidationFailed, throttle.Throttled) as exc:
        roll_back(session, exc)
        errors = {"current_password": exc.detail} if isinstance(exc, throttle.Throttled) else exc.fields
        return refused(render(request, "accounts/password.html", {"errors": errors, "next": target}),
                       exc)
    return redirect(target, request, _("Your password has been changed."))


@router.post("/language")
def choose_language(request: Request, form: FormDep) -> Response:
    language = str(form.get("language", ""))
    response = redirect(safe_next(str(form.get("next", ""))), request)
    if language in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax",
                            httponly=True, path="/")
    return response
