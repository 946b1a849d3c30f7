"""Pages of the quality officer and the head: distributing a version, its record, the dashboard,
paper copies to recall, and the CSV export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from qms.accounts.deps import PageUser
from qms.accounts.units import get_unit, unit_tree
from qms.core.clock import local_today
from qms.core.db import roll_back
from qms.core.deps import IsHtmx, SessionDep, SettingsDep
from qms.core.errors import Forbidden, NotFound, QMSError, ValidationFailed
from qms.core.forms import form_data, parse
from qms.core.i18n import _
from qms.core.roles import Role, role_label
from qms.core.web import redirect, refused, render
from qms.distribution import (
    dashboard,
    paper,
    reports,
    service,
)
from qms.distribution.choices import CopyState
from qms.distribution.policy import can_distribute, can_follow_distribution
from qms.distribution.schemas import DistributionRequest, RecallRecord
from qms.documents import read

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_data)]
PAGE_SIZE = 25
RECIPIENTS_PAGE = 50


def _url(code: str, rev: int, suffix: str = "") -> str:
    return f"/documents/{code.upper()}/versions/{rev}/distribution{suffix}"


def _request_from(form: FormData) -> tuple[dict[str, object], DistributionRequest]:
    holders = [str(v) for v in form.getlist("holders")]
    values: dict[str, object] = {
        "units": [str(v) for v in form.getlist("units")],
        "include_subunits": form.get("include_subunits") == "1",
        "roles": [str(v) for v in form.getlist("roles")],
        "users": [str(v) for v in form.getlist("users")],
        "due_days": str(form.get("due_days", "") or "7"),
        "holders": holders,
    }
    data = parse(DistributionRequest, {**values, "paper_copies": [{"holder": h} for h in holders]})
    return values, data


def _form_page(request: Request, session: SessionDep, user: PageUser, code: str, rev: int, *,
               values: dict[str, object] | None = None, plan: service.Plan | None = None,
               errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    document, version = service.load_followed_version(session, user, code, rev)
    return render(request, "distribution/form.html", {
        "document": document, "version": version,
        "values": values or {"units": [], "include_subunits": True, "roles": [], "users": [],
                             "due_days": "7", "holders": []},
        "units": unit_tree(session, include_inactive=False),
        "roles": [(role.value, role_label(role)) for role in Role],
        "people": read.people_with_roles(session, set(Role)),
        "plan": plan, "errors": errors or {},
    }, status_code=status_code)


@router.get("/documents/{code}/versions/{rev}/distribution/new")
def new_distribution(code: str, rev: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    service.require_distributor(user)
    return _form_page(request, session, user, code, rev)


@router.post("/documents/{code}/versions/{rev}/distribution/preview")
def preview_distribution(code: str, rev: int, request: Request, session: SessionDep, user: PageUser,
                         settings: SettingsDep, form: FormDep) -> Response:
    values: dict[str, object] = {}
    try:
        values, data = _request_from(form)
        plan = service.preview(session, user, code, rev, data, settings.zone)
    except ValidationFailed as exc:
        roll_back(session, exc)
        return refused(_form_page(request, session, user, code, rev, values=values or None,
                                  errors=exc.fields), exc)
    return _form_page(request, session, user, code, rev, values=values, plan=plan)


@router.post("/documents/{code}/versions/{rev}/distribution")
def confirm_distribution(code: str, rev: int, request: Request, session: SessionDep, user: PageUser,
                         settings: SettingsDep, form: FormDep) -> Response:
    values: dict[str, object] = {}
    try:
        values, data = _request_from(form)
        plan = service.distribute(session, user, code, rev, data, settings.zone)
    except ValidationFailed as exc:
        roll_back(session, exc)
        return refused(_form_page(request, session, user, code, rev, values=values or None,
                                  errors=exc.fields), exc)
    message = _("Distributed: %(new)s new recipients, %(copies)s paper copies.", new=plan.new_count,
                copies=len(plan.copy_holders))
    return redirect(_url(code, rev), request, message)


@router.get("/documents/{code}/versions/{rev}/distribution")
def distribution_page(code: str, rev: int, request: Request, session: SessionDep, user: PageUser,
                      htmx: IsHtmx, unit: str | None = Query(None, max_length=32),
                      status: str | None = Query(None, max_length=20),
                      sort: str | None = Query(None, max_length=30),
                      page: int = Query(1, ge=1, le=100_000)) -> Response:
    record = reports.distribution_record(session, user, code, rev)
    summary = reports.acknowledgement_summary(session, user, code, rev)
    people = dashboard.recipients(session, user, code, rev, unit=unit or None, status=status or None,
                                  sort=sort, limit=RECIPIENTS_PAGE, offset=(page - 1) * RECIPIENTS_PAGE)
    context = {
        "record": record, "summary": summary, "people": people, "unit": (unit or "").upper(),
        "status": status or "", "sort": sort or "unit", "can_distribute": can_distribute(user),
        "states": dashboard.RECIPIENT_STATES, "today": local_today(request.app.state.settings.zone),
    }
    block = "recipients" if htmx and request.headers.get("hx-target") == "recipients" else None
    return render(request, "distribution/version.html", context, block=block)


@router.post("/documents/{code}/versions/{rev}/distribution/remove")
def remove_recipient(code: str, rev: int, request: Request, session: SessionDep, user: PageUser,
                     form: FormDep) -> Response:
    username = str(form.get("username", ""))
    service.remove_recipient(session, user, code, rev, username)
    return redirect(_url(code, rev), request,
                    _("%(username)s was taken off the distribution.", username=username))


@router.post("/documents/{code}/versions/{rev}/paper-copies/{number}/recall")
def recall_copy(code: str, rev: int, number: int, request: Request, session: SessionDep, user: PageUser,
                settings: SettingsDep, form: FormDep) -> Response:
    back = str(form.get("next", "")) or "/distribution/recalls"
    if not back.startswith("/") or back.startswith("//"):
        back = "/distribution/recalls"
    try:
        data = parse(RecallRecord, {"outcome": form.get("outcome", ""), "on": form.get("on", "") or None,
                                    "note": form.get("note", "")})
        paper.record_recall(session, user, code, rev, number, data, local_today(settings.zone))
    except (Forbidden, NotFound):
        raise  # the error page: not the caller's to record, or no such copy
    except QMSError as exc:
        roll_back(session, exc)
        return redirect(back, request, exc.detail, "error")
    if data.outcome == CopyState.RETURNED:
        message = _("Controlled copy no. %(number)s of %(code)s was recorded as returned.",
                    number=f"{number:02d}", code=code.upper())
    else:
        message = _("Controlled copy no. %(number)s of %(code)s was recorded as destroyed.",
                    number=f"{number:02d}", code=code.upper())
    return redirect(back, request, message)


@router.get("/distribution")
async def dashboard_page(request: Request, session: SessionDep, user: PageUser, htmx: IsHtmx,
                   view: str = Query("documents", pattern="^(documents|units)$"),
                   sort: str | None = Query(None, max_length=30),
                   page: int = Query(1, ge=1, le=100_000)) -> Response:
    tally = dashboard.agency_tally(session, user)
    context: dict[str, object] = {"tally": tally, "view": view, "sort": sort or "",
                                  "to_recall": paper.to_recall_count(session)}
    if view == "units":
        context["units"] = dashboard.by_unit(session, user, sort=sort)
    else:
        context["page"] = dashboard.by_document(session, user, sort=sort, limit=PAGE_SIZE,
                                                offset=(page - 1) * PAGE_SIZE)
    block = "results" if htmx and request.headers.get("hx-target") == "results" else None
    return render(request, "distribution/dashboard.html", context, block=block)


@router.get("/distribution/units/{unit_code}")
def unit_page(unit_code: str, request: Request, session: SessionDep, user: PageUser,
              sort: str | None = Query(None, max_length=30),
              page: int = Query(1, ge=1, le=100_000)) -> Response:
    can_follow_distribution.require(user)
    unit = get_unit(session, unit_code)
    documents = dashboard.by_document(session, user, sort=sort, unit_code=unit.code, limit=PAGE_SIZE,
                                      offset=(page - 1) * PAGE_SIZE)
    return render(request, "distribution/unit.html", {"unit": unit, "page": documents, "sort": sort or ""})


@router.get("/distribution/recalls")
def recalls_page(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
                 page: int = Query(1, ge=1, le=100_000)) -> Response:
    copies = paper.recall_list(session, user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(request, "distribution/recalls.html", {
        "page": copies, "today": local_today(settings.zone).isoformat(),
        "can_record": can_distribute(user),
    })


@router.get("/distribution/acknowledgements.csv")
def export_csv(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
               unit: str | None = Query(None, max_length=32)) -> Response:
    report = reports.acknowledgement_report(session, user, unit or None)
    name = f"xac-nhan-doc-{(unit or 'toan-co-quan').lower()}-{local_today(settings.zone):%Y%m%d}.csv"
    return Response(reports.acknowledgement_csv(report, settings.zone), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
