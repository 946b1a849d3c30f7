"""Administration pages: users, units and the agency profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from qms.accounts import policy, units, users
from qms.accounts.agency import AgencyForm, agency_profile, save_agency_profile
from qms.accounts.deps import PageUser
from qms.accounts.schemas import UnitCreate, UnitUpdate, UserCreate, UserUpdate
from qms.core.db import roll_back
from qms.core.deps import IsHtmx, SessionDep
from qms.core.errors import Conflict, ValidationFailed
from qms.core.forms import form_data, parse, present
from qms.core.i18n import _
from qms.core.roles import Role, check_role_combination
from qms.core.web import flash, redirect, refused, render

router = APIRouter(prefix="/admin", include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_data)]

USER_FIELDS = ("username", "full_name", "title", "unit", "email", "password")


@router.get("/users")
def users_page(
    request: Request,
    session: SessionDep,
    user: PageUser,
    htmx: IsHtmx,
    q: str | None = Query(None, max_length=100),
    unit: str | None = Query(None, max_length=32),
    role: str | None = Query(None, max_length=32),
    status: str | None = Query(None, pattern="^(active|inactive|all)?$"),
    sort: str | None = Query(None, max_length=20),
    page: int = Query(1, ge=1, le=100_000),
) -> Response:
    active = {"active": True, "inactive": False}.get(status or "active")
    result = users.list_users(session, user, q=q, unit=unit or None, role=role or None,
                              active=active, sort=sort, limit=25, offset=(page - 1) * 25)
    context = {
        "page": result, "q": q or "", "unit": unit or "", "role": role or "",
        "status": status or "active", "sort": sort or "username",
        "units": units.unit_choices(session), "roles": list(Role),
        "can_manage": policy.can_manage_accounts(user),
    }
    block = "results" if htmx and request.headers.get("hx-target") == "results" else None
    return render(request, "admin/users.html", context, block=block)


@router.get("/users/new")
def new_user_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    policy.can_manage_accounts.require(user)
    return render(request, "admin/user_form.html", {
        "values": {"roles": [Role.STAFF.value]}, "errors": {}, "units": units.unit_choices(session),
        "roles": list(Role), "editing": None,
    })


@router.post("/users/new")
def create_user(request: Request, session: SessionDep, user: PageUser, form: FormDep) -> Response:
    values = present(form, *USER_FIELDS)
    values["roles"] = form.getlist("roles")
    try:
        created = users.create_user(session, user, parse(UserCreate, values))
    except (ValidationFailed, Conflict) as exc:
        roll_back(session, exc)
        errors = exc.fields if isinstance(exc, ValidationFailed) else {"username": exc.detail}
        return refused(_user_form(request, session, values, errors, None), exc)
    return redirect(f"/admin/users/{created.username}", request,
                    _("Account %(username)s was created. The user must change the password at "
                      "first sign-in.", username=created.username))


def _user_form(request: Request, session: SessionDep, values: dict[str, object],
               errors: dict[str, str], editing: str | None) -> Response:
    """The form again with what was typed; only an administrator gets this far."""
    context: dict[str, object] = {
        "values": values, "errors": errors, "units": units.unit_choices(session), "roles": list(Role),
        "editing": editing, "can_manage": True,
    }
    if editing:
        stored = users.user_public(session, users.get_user(session, editing))
        context["values"] = {"roles": stored.roles, **values, "username": stored.username,
                             "active": stored.active}
        context["is_self"] = stored.username == request.state.principal.username
    return render(request, "admin/user_form.html", context)


@router.get("/users/{username}")
def edit_user_page(username: str, request: Request, session: SessionDep, user: PageUser) -> Response:
    users.require_view(user)
    public = users.user_public(session, users.get_user(session, username))
    errors: dict[str, str] = {}
    try:
        check_role_combination(public.roles)
    except ValidationFailed as exc:
        errors = exc.fields  # an account from before the rule: shown so that it gets put right
    return render(request, "admin/user_form.html", {
        "values": public.model_dump(), "errors": errors, "units": units.unit_choices(session),
        "roles": list(Role), "editing": public.username,
        "can_manage": policy.can_manage_accounts(user), "is_self": public.username == user.username,
    })


@router.post("/users/{username}")
def update_user(username: str, request: Request, session: SessionDep, user: PageUser,
                form: FormDep) -> Response:
    values = present(form, "full_name", "title", "unit", "email")
    values.setdefault("email", "")
    if username.lower() != user.username or form.getlist("roles"):
        # One's own roles are not on the form (the service refuses to change them anyway).
        values["roles"] = form.getlist("roles")
    try:
        updated = users.update_user(session, user, username, parse(UserUpdate, values))
    except ValidationFailed as exc:
        roll_back(session, exc)
        return refused(_user_form(request, session, values, exc.fields, username), exc)
    return redirect(f"/admin/users/{updated.username}", request, _("Changes saved."))


@router.post("/users/{username}/active")
def set_user_active(username: str, request: Request, session: SessionDep, user: PageUser,
                    form: FormDep) -> Response:
    active = form.get("active") == "true"
    users.update_user(session, user, username, UserUpdate(active=active))
    message = _("The account was reactivated.") if active else _("The account was deactivated.")
    return redirect(f"/admin/users/{username}", request, message)


@router.post("/users/{username}/reset-password")
def reset_password(username: str, request: Request, session: SessionDep, user: PageUser) -> Response:
    password = users.reset_password(session, user, username)
    return render(request, "admin/password_reset.html",
                  {"username": username.lower(), "password": password})


@router.get("/units")
def units_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    users.require_view(user)
    return render(request, "admin/units.html", {
        "tree": units.unit_tree(session), "values": {}, "errors": {},
        "can_manage": policy.can_manage_accounts(user),
    })


@router.post("/units")
def create_unit(request: Request, session: SessionDep, user: PageUser, form: FormDep) -> Response:
    values = present(form, "code", "name", "parent", "sort_order")
    try:
        unit = units.create_unit(session, user, parse(UnitCreate, values))
    except (ValidationFailed, Conflict) as exc:
        roll_back(session, exc)
        errors = exc.fields if isinstance(exc, ValidationFailed) else {"code": exc.detail}
        return refused(render(request, "admin/units.html", {
            "tree": units.unit_tree(session), "values": values, "errors": errors,
            "can_manage": True,
        }), exc)
    return redirect("/admin/units", request, _("Unit %(code)s was created.", code=unit.code))


@router.get("/units/{code}")
def edit_unit_page(code: str, request: Request, session: SessionDep, user: PageUser) -> Response:
    policy.can_manage_accounts.require(user)
    unit = units.get_unit(session, code)
    parent = next((n.unit.code for n in units.unit_tree(session) if n.unit.id == unit.parent_id), "")
    return render(request, "admin/unit_form.html", {
        "unit": unit, "values": {"name": unit.name, "parent": parent, "sort_order": unit.sort_order},
        "errors": {}, "tree": units.unit_tree(session, include_inactive=False),
    })


@router.post("/units/{code}")
def update_unit(code: str, request: Request, session: SessionDep, user: PageUser,
                form: FormDep) -> Response:
    values = present(form, "name", "parent", "sort_order")
    values.setdefault("parent", "")
    try:
        unit = units.update_unit(session, user, code, parse(UnitUpdate, values))
    except ValidationFailed as exc:
        roll_back(session, exc)
        unit = units.get_unit(session, code)
        return refused(render(request, "admin/unit_form.html", {
            "unit": unit, "values": values, "errors": exc.fields,
            "tree": units.unit_tree(session, include_inactive=False),
        }), exc)
    return redirect("/admin/units", request, _("Unit %(code)s was saved.", code=unit.code))


@router.post("/units/{code}/active")
def set_unit_active(code: str, request: Request, session: SessionDep, user: PageUser,
                    form: FormDep, htmx: IsHtmx) -> Response:
    active = form.get("active") == "true"
    unit = units.update_unit(session, user, code, UnitUpdate(active=active))
    message = (_("Unit %(code)s was reactivated.", code=unit.code) if active
               else _("Unit %(code)s was deactivated.", code=unit.code))
    if htmx:
        response = render(request, "admin/units.html", {
            "tree": units.unit_tree(session), "values": {}, "errors": {}, "can_manage": True,
        }, block="tree")
        flash(response, request, message)
        return response
    return redirect("/admin/units", request, message)


@router.get("/agency")
def agency_page(request: Request, user: PageUser) -> Response:
    policy.can_manage_accounts.require(user)
    return render(request, "admin/agency.html",
                  {"values": agency_profile(request.app.state.engine).__dict__, "errors": {}})


@router.post("/agency")
def save_agency(request: Request, session: SessionDep, user: PageUser, form: FormDep) -> Response:
    values = present(form, "name", "parent_name", "short_name", "address")
    try:
        save_agency_profile(session, user, parse(AgencyForm, values))
    except ValidationFailed as exc:
        roll_back(session, exc)
        return refused(render(request, "admin/agency.html", {"values": values, "errors": exc.fields}), exc)
    return redirect("/admin/agency", request, _("Agency details saved."))
