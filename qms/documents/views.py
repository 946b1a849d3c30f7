"""Pages of the document register: list, new document, document page, metadata."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from qms.accounts.deps import PageUser
from qms.accounts.units import unit_choices
from qms.core.db import roll_back
from qms.core.deps import IsHtmx, SessionDep
from qms.core.errors import Conflict, NotFound, QMSError, ValidationFailed
from qms.core.forms import field_errors, form_data, parse, present
from qms.core.i18n import _
from qms.core.web import redirect, refused, render
from qms.documents import access, drafts, panels, read, service, withdrawn
from qms.documents.choices import Confidentiality, Kind, Status
from qms.documents.external_views import details_from_form
from qms.documents.lifecycle import OPEN_STATES
from qms.documents.models import CONFIDENTIALITY, EXTERNAL_STATUSES, KINDS
from qms.documents.policy import can_edit_own_drafts, can_manage_documents, can_read_drafts
from qms.documents.schemas import DocumentCreate, DocumentUpdate

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_data)]
PAGE_SIZE = 25


@router.get("/documents")
async def documents_page(
    request: Request,
    session: SessionDep,
    user: PageUser,
    htmx: IsHtmx,
    q: str | None = Query(None, max_length=200),
    kind: str | None = Query(None, max_length=20),
    status: str | None = Query(None, max_length=20),
    unit: str | None = Query(None, max_length=32),
    sort: str | None = Query(None, max_length=20),
    page: int = Query(1, ge=1, le=100_000),
) -> Response:
    result = service.list_documents(session, user, q=q, kind=kind or None, status=status or None,
                                    unit=unit or None, sort=sort, limit=PAGE_SIZE,
                                    offset=(page - 1) * PAGE_SIZE)
    context = {
        "page": result, "q": q or "", "kind": kind or "", "status": status or "", "unit": unit or "",
        "sort": sort or ("relevance" if (q or "").strip() else "code"),
        "kinds": KINDS, "statuses": list(Status),
        "units": unit_choices(session),
        "can_manage": can_manage_documents(user), "reads_drafts": can_read_drafts(user),
    }
    block = "results" if htmx and request.headers.get("hx-target") == "results" else None
    return render(request, "documents/list.html", context, block=block)


def _document_form(request: Request, session: SessionDep, values: dict[str, object],
                   errors: dict[str, str], *, editing: str | None = None, draft_revision: int | None = None,
                   status_code: int = 200) -> Response:
    return render(request, "documents/form.html", {
        "values": values, "errors": errors, "editing": editing, "draft_revision": draft_revision,
        "kinds": KINDS,
        "levels": CONFIDENTIALITY, "units": unit_choices(session),
        "drafters": read.people_with_roles(session, can_edit_own_drafts.roles),
        "procedures": read.procedure_choices(session), "external_statuses": EXTERNAL_STATUSES,
    }, status_code=status_code)


@router.get("/documents/new")
def new_document_page(request: Request, session: SessionDep, user: PageUser,
                      kind: str | None = Query(None, max_length=20)) -> Response:
    can_manage_documents.require(user)
    return _document_form(request, session, {"kind": kind if kind in KINDS else Kind.PROCEDURE,
                                             "confidentiality": Confidentiality.INTERNAL,
                                             "review_interval_months": 12,
                                             "owner_unit": user.unit_code, "drafter": user.username}, {})


DOCUMENT_FIELDS = ("code", "title", "kind", "owner_unit", "confidentiality", "review_interval_months",
                   "parent_code", "drafter")


@router.post("/documents/new")
def create_document(request: Request, session: SessionDep, user: PageUser, form: FormDep) -> Response:
    values = present(form, *DOCUMENT_FIELDS)
    values["allowed_units"] = form.getlist("allowed_units")
    details = details_from_form(form) if values.get("kind") == Kind.EXTERNAL else None
    try:
        data = parse(DocumentCreate, {**values, "external": details})
        document = service.create_document(session, user, data)
    except QMSError as exc:
        roll_back(session, exc)
        errors = (field_errors(exc, within="external") if isinstance(exc, ValidationFailed)
                  else {"code": exc.detail})
        return refused(_document_form(request, session, {**values, **(details or {})}, errors), exc)
    return redirect(f"/documents/{document.code}/versions/1/edit", request,
                    _("Document %(code)s was created with a draft of revision 1.", code=document.code))


@router.get("/documents/{code}")
async def document_page(code: str, request: Request, session: SessionDep, user: PageUser) -> Response:
    try:
        return render_document_page(request, session, user, code)
    except NotFound:
        return withdrawn_page(request, session, user, code)


def withdrawn_page(request: Request, session: SessionDep, user: PageUser, code: str) -> Response:
    """What a reader following a link to a withdrawn form sees (410), else the "not found" raised."""
    form = withdrawn.withdrawn_notice(session, user, code)
    if form is None:
        raise access.not_found(code)
    return render(request, "documents/withdrawn.html", {
        "form": form, "linked_by": withdrawn.procedures_linking(session, user, form),
    }, status_code=410)


def render_document_page(request: Request, session: SessionDep, user: PageUser, code: str, *,
                         errors: dict[str, str] | None = None, values: Mapping[str, object] | None = None,
                         status_code: int = 200) -> Response:
    """A document's page; ``errors`` and ``values`` give a refused form of a panel back as typed."""
    document = service.load_document(session, user, code)
    detail = read.document_detail(session, user, document)
    current = document.effective_version_id or (
        document.latest_version_id if can_read_drafts(user) else None)
    version = read.version_by_id(session, current) if current else None
    return render(request, "documents/detail.html", {
        "document": document, "detail": detail, "version": version,
        "unit_name": read.unit_name(session, document.owner_unit_id),
        "version_detail": read.version_detail(session, document, version) if version else None,
        "history": read.revision_history(session, document),
        "panels": panels.document_panels(session, user, document, version),
        "withdrawn_forms": withdrawn.linked_by(session, document, version),
        "signatures_by_revision": read.signatures_by_revision(session, document, user),
        "can_manage": can_manage_documents(user),
        "open_revision": next((v.revision for v in detail.versions if v.status in
                               OPEN_STATES), None),
        "errors": errors or {}, "values": values or {},
    }, status_code=status_code)


@router.get("/documents/{code}/edit")
def edit_document_page(code: str, request: Request, session: SessionDep, user: PageUser) -> Response:
    can_manage_documents.require(user)
    document = service.load_document(session, user, code)
    detail = read.document_detail(session, user, document)
    draft = service.open_draft(session, document)
    values: dict[str, object] = {**detail.model_dump(), "allowed_units": detail.allowed_units}
    if draft is not None:
        # The signed details shown are those of the draft, where a change goes.
        values.update(title=draft.title, owner_unit=read.unit_code(session, draft.owner_unit_id),
                      confidentiality=draft.confidentiality)
    return _document_form(request, session, values, {}, editing=document.code,
                          draft_revision=draft.revision if draft else None)


@router.post("/documents/{code}/edit")
def update_document(code: str, request: Request, session: SessionDep, user: PageUser,
                    form: FormDep) -> Response:
    values = present(form, "title", "owner_unit", "confidentiality", "review_interval_months")
    values["allowed_units"] = form.getlist("allowed_units")
    try:
        document = service.update_document(session, user, code, parse(DocumentUpdate, values))
    except (ValidationFailed, Conflict) as exc:
        roll_back(session, exc)
        errors = exc.fields if isinstance(exc, ValidationFailed) else {"form": exc.detail}
        draft = service.open_draft(session, service.load_document(session, user, code))
        return refused(_document_form(request, session, {**values, "code": code.upper()}, errors,
                                      editing=code.upper(), draft_revision=draft.revision if draft else None),
                       exc)
    return redirect(f"/documents/{document.code}", request, _("Changes saved."))


@router.post("/documents/{code}/versions")
def new_revision(code: str, request: Request, session: SessionDep, user: PageUser, form: FormDep) -> Response:
    drafter = str(form.get("drafter", "")).strip() or None
    version = drafts.create_version(session, user, code, drafter)
    return redirect(f"/documents/{code.upper()}/versions/{version.revision}/edit", request,
                    _("Revision %(rev)s was opened as a draft.", rev=f"{version.revision:02d}"))
