"""Pages: editing the records a document produces, the records register of the agency, the
head of agency's approval of a year's records list, and the retention categories."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData

from qms.accounts.auth import Principal
from qms.accounts.deps import PageUser
from qms.accounts.units import unit_choices
from qms.core.clock import local_today
from qms.core.db import roll_back
from qms.core.deps import SessionDep, SettingsDep
from qms.core.errors import QMSError, ValidationFailed
from qms.core.forms import form_data, parse, refusal_fields
from qms.core.i18n import _
from qms.core.web import redirect, refused, render
from qms.documents import panels
from qms.documents.models import Document, Version
from qms.documents.policy import can_manage_documents
from qms.documents.service import load_document
from qms.record_keeping import from_text as records_from_text
from qms.record_keeping import register as records_register
from qms.record_keeping import retention
from qms.record_keeping.models import DISPOSALS, MEDIA
from qms.record_keeping.policy import can_approve_records_list
from qms.record_keeping.retention import categories
from qms.record_keeping.schemas import RecordEntryIn, RecordsApprovalIn, RetentionCategoryIn

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_data)]
ROW_FIELDS = ("name", "keeping_unit", "retention", "medium", "disposal")
BLANK_ROWS = 3


def _editor(request: Request, session: SessionDep, document: object, rows: list[dict[str, str]],
            errors: dict[str, str], status_code: int = 200, proposed_from: int | None = None) -> Response:
    return render(request, "record_keeping/records_edit.html", {
        "document": document, "rows": rows + [dict.fromkeys(ROW_FIELDS, "")] * BLANK_ROWS, "errors": errors,
        "media": MEDIA, "disposals": DISPOSALS, "proposed_from": proposed_from,
        **record_form_choices(session),
    }, status_code=status_code)


@router.get("/documents/{code}/records")
def edit_records(code: str, request: Request, session: SessionDep, user: PageUser) -> Response:
    can_manage_documents.require(user)
    document = load_document(session, user, code)
    rows = [{"name": r.name, "keeping_unit": r.keeping_unit_code,
             "retention": retention.as_typed(retention.Retention(r.permanent, r.retention_years, r.category)),
             "medium": r.medium, "disposal": r.disposal}
            for r in records_register.entries_of(session, document)]
    proposed_from = None
    if not rows:
        proposal = records_from_text.proposed_for(session, user, code)
        rows = [asdict(line) for line in proposal.lines]
        proposed_from = proposal.revision if rows else None
    return _editor(request, session, document, rows, {}, proposed_from=proposed_from)


@router.post("/documents/{code}/records")
def save_records(code: str, request: Request, session: SessionDep, user: PageUser, form: FormDep) -> Response:
    columns = [[str(v) for v in form.getlist(name)] for name in ROW_FIELDS]
    rows = [dict(zip(ROW_FIELDS, values, strict=True)) for values in zip(*columns, strict=False)]
    rows = [row for row in rows if row["name"].strip()]
    try:
        entries = []
        for index, row in enumerate(rows):
            try:
                entries.append(parse(RecordEntryIn, row))
            except ValidationFailed as exc:
                raise ValidationFailed(f"entries.{index}.{exc.field}", exc.detail) from None
        document = load_document(session, user, code)
        records_register.replace_entries(session, user, code, entries)
    except QMSError as exc:
        roll_back(session, exc)
        errors = exc.fields if isinstance(exc, ValidationFailed) else {"form": exc.detail}
        return refused(_editor(request, session, load_document(session, user, code), rows, errors), exc)
    return redirect(f"/documents/{document.code}#records-register", request,
                    _("The records register of %(code)s was saved.", code=document.code))


@router.get("/records-register")
def register_page(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
                  year: int | None = Query(None, ge=2000, le=2100)) -> Response:
    chosen = year or local_today(settings.zone).year
    listing = records_register.records_list(session, chosen)
    return render(request, "record_keeping/records_register.html", {
        "listing": listing, "year": chosen, "can_approve": can_approve_records_list(user), "errors": {},
        "values": {},
    })


@router.post("/records-register/approve")
def approve(request: Request, session: SessionDep, user: PageUser, form: FormDep) -> Response:
    values = {name: form.get(name, "") for name in ("year", "comment")}
    try:
        approval = records_register.approve_records_list(
            session, user, parse(RecordsApprovalIn, {**values, "password": form.get("password") or None}))
    except QMSError as exc:
        roll_back(session, exc)
        year = int(str(values["year"])) if str(values["year"]).isdigit() else 2000
        listing = records_register.records_list(session, max(2000, min(year, 2100)))
        return refused(render(request, "record_keeping/records_register.html", {
            "listing": listing, "year": listing.year, "can_approve": can_approve_records_list(user),
            "errors": refusal_fields(exc, "approve"), "values": values,
        }), exc)
    return redirect(f"/records-register?year={approval.year}", request,
                    _("The records list of %(year)s was approved and signed.", year=approval.year))


CATEGORY_FIELDS = ("code", "name", "period", "years", "basis")


def _categories_page(request: Request, session: SessionDep, user: PageUser, values: dict[str, str],
                     errors: dict[str, str], status_code: int = 200) -> Response:
    return render(request, "record_keeping/retention_categories.html", {
        "categories": list(retention.categories(session).values()), "values": values, "errors": errors,
        "can_manage": can_manage_documents(user),
    }, status_code=status_code)


@router.get("/retention-categories")
def categories_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    return _categories_page(request, session, user, {"period": "years"}, {})


@router.post("/retention-categories")
def add_category(request: Request, session: SessionDep, user: PageUser, form: FormDep) -> Response:
    can_manage_documents.require(user)
    values = {name: str(form.get(name, "")) for name in CATEGORY_FIELDS}
    permanent = values["period"] == "permanent"
    try:
        data = parse(RetentionCategoryIn, {
            "code": values["code"], "name": values["name"], "basis": values["basis"], "permanent": permanent,
            "years": None if permanent else (values["years"] or None),
        })
        category = retention.add_category(session, user, data)
    except QMSError as exc:
        roll_back(session, exc)
        errors = exc.fields if isinstance(exc, ValidationFailed) else {"form": exc.detail}
        return refused(_categories_page(request, session, user, values, errors), exc)
    return redirect("/retention-categories", request,
                    _("Retention category %(code)s was added.", code=category.code))


@router.post("/retention-categories/{code}/delete")
def remove_category(code: str, request: Request, session: SessionDep, user: PageUser) -> Response:
    can_manage_documents.require(user)
    try:
        retention.remove_category(session, user, code)
    except QMSError as exc:
        roll_back(session, exc)
        return refused(_categories_page(request, session, user, {"period": "years"}, {"form": exc.detail}),
                       exc)
    return redirect("/retention-categories", request,
                    _("Retention category %(code)s was removed.", code=code.upper()))


def records_panel(session: Session, actor: Principal, document: Document,
                  version: Version | None) -> panels.Panel | None:
    if document.kind in records_register.NO_RECORDS_KINDS:
        return None
    rows = records_register.entries_of(session, document)
    can_manage = can_manage_documents(actor)
    if not rows and not can_manage:
        return None
    return panels.Panel("record_keeping/_records.html", {"rows": rows, "can_manage": can_manage})


def record_form_choices(session: Session) -> dict[str, object]:
    """What the records editor offers: units and retention categories."""
    return {"units": unit_choices(session), "categories": list(categories(session).values())}
