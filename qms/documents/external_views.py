"""Pages: the list of external documents and the form of an external document's details."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData

from qms.accounts.auth import Principal
from qms.accounts.deps import PageUser
from qms.core.db import roll_back
from qms.core.deps import IsHtmx, SessionDep
from qms.core.errors import ValidationFailed
from qms.core.forms import field_errors, form_data, parse, present
from qms.core.i18n import _, ngettext
from qms.core.web import redirect, refused, render
from qms.documents import external, panels
from qms.documents.choices import ExternalStatus, Kind
from qms.documents.external_list import list_external
from qms.documents.models import EXTERNAL_STATUSES, Document, Version
from qms.documents.policy import can_manage_documents
from qms.documents.schemas import DocumentUpdate, ExternalInfo
from qms.documents.service import load_document, update_document

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_data)]
FIELDS = ("number", "issuer", "issued_on", "status", "replaced_by")
PAGE_SIZE = 25


def details_from_form(form: FormData) -> dict[str, object]:
    """The external document's fields of a form, as the form sent them (no date is None)."""
    values = present(form, *FIELDS)
    values["issued_on"] = values.get("issued_on") or None
    return values


@router.get("/external-documents")
def external_documents(request: Request, session: SessionDep, user: PageUser, htmx: IsHtmx,
                       status: str | None = Query(None, max_length=12),
                       sort: str | None = Query(None, max_length=20),
                       page: int = Query(1, ge=1, le=100_000)) -> Response:
    result = list_external(session, user, status=status or None, sort=sort, limit=PAGE_SIZE,
                           offset=(page - 1) * PAGE_SIZE)
    context = {"page": result, "status": status or "", "sort": sort or "code", "statuses": EXTERNAL_STATUSES,
               "can_manage": can_manage_documents(user)}
    block = "results" if htmx and request.headers.get("hx-target") == "results" else None
    return render(request, "documents/external_list.html", context, block=block)


def _form(request: Request, document: object, values: Mapping[str, object], errors: dict[str, str],
          status_code: int = 200) -> Response:
    return render(request, "documents/external_form.html", {
        "document": document, "values": values, "errors": errors, "statuses": EXTERNAL_STATUSES,
    }, status_code=status_code)


@router.get("/documents/{code}/external")
def edit_external(code: str, request: Request, session: SessionDep, user: PageUser) -> Response:
    can_manage_documents.require(user)
    document = load_document(session, user, code)
    if document.kind != Kind.EXTERNAL:
        return redirect(f"/documents/{document.code}", request,
                        _("Only an external document has these details."), "warning")
    info = external.info(external.details_of(session, document))
    values = info.model_dump(mode="json") if info else {"status": ExternalStatus.IN_FORCE}
    return _form(request, document, values, {})


@router.post("/documents/{code}/external")
def save_external(code: str, request: Request, session: SessionDep, user: PageUser,
                  form: FormDep) -> Response:
    values = details_from_form(form)
    try:
        info = parse(ExternalInfo, values)
        before = external.details_of(session, load_document(session, user, code))
        previous = before.status if before else None
        document = update_document(session, user, code, DocumentUpdate(external=info))
    except ValidationFailed as exc:
        roll_back(session, exc)
        document = load_document(session, user, code)
        return refused(_form(request, document, values, field_errors(exc, within="external")), exc)
    message = _("The details of %(code)s were saved.", code=document.code)
    if info.status in external.NOT_IN_FORCE and previous != info.status:
        flagged = len(external.citing_documents(session, document, external.details_of(session, document)))
        message += " " + ngettext("%(num)s document citing it is flagged for review.",
                                  "%(num)s documents citing it are flagged for review.", flagged)
    return redirect(f"/documents/{document.code}", request, message)


def external_panel(session: Session, actor: Principal, document: Document,
                   version: Version | None) -> panels.Panel | None:
    if document.kind != Kind.EXTERNAL:
        return None
    details = external.details_of(session, document)
    return panels.Panel("documents/_external.html", {
        "details": details, "cited_by": external.cited_by(session, actor, document),
        "can_manage": can_manage_documents(actor),
    }, slot="top")
