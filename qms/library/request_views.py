"""Pages: change requests — asking for a change, the list, one request and its decision."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from qms.accounts.deps import PageUser
from qms.core.db import roll_back
from qms.core.deps import IsHtmx, SessionDep
from qms.core.errors import QMSError, ValidationFailed
from qms.core.forms import form_data, parse
from qms.core.i18n import _
from qms.core.web import redirect, refused, render
from qms.documents.policy import can_manage_documents
from qms.library import change_requests
from qms.library.choices import RequestStatus
from qms.library.models import REQUEST_STATUSES
from qms.library.policy import can_see_all_change_requests
from qms.library.schemas import ChangeRequestCreate, ChangeRequestDecision

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_data)]
PAGE_SIZE = 25


@router.get("/change-requests")
def requests_page(request: Request, session: SessionDep, user: PageUser, htmx: IsHtmx,
                  status: str | None = Query(None, max_length=10),
                  sort: str | None = Query(None, max_length=20),
                  page: int = Query(1, ge=1, le=100_000)) -> Response:
    chosen = status if status in REQUEST_STATUSES else None
    result = change_requests.list_requests(session, user, status=chosen, sort=sort, limit=PAGE_SIZE,
                                           offset=(page - 1) * PAGE_SIZE)
    block = "results" if htmx and request.headers.get("hx-target") == "results" else None
    return render(request, "library/requests.html", {
        "page": result, "status": chosen or "", "statuses": REQUEST_STATUSES, "sort": sort or "-created",
        "sees_all": can_see_all_change_requests(user),
    }, block=block)


@router.post("/change-requests")
def create(request: Request, session: SessionDep, user: PageUser, form: FormDep) -> Response:
    code = str(form.get("document_code", "")).upper()[:40]
    target = f"/documents/{code}#change-requests"
    try:
        data = parse(ChangeRequestCreate, {name: form.get(name, "") for name in
                                           ("document_code", "reason", "proposal")})
        created = change_requests.create_request(session, user, data)
    except ValidationFailed as exc:
        roll_back(session, exc)
        labels = {"reason": _("Reason for the change"), "proposal": _("Proposed change")}
        label = labels.get(exc.field, exc.field)
        return redirect(target, request, f"{label}: {exc.detail}", "error")
    return redirect(target, request, _("Your change request no. %(id)s was sent to the quality officer.",
                                       id=created.id))


def _detail(request: Request, session: SessionDep, user: PageUser, request_id: int,
            error: str | None = None, status_code: int = 200) -> Response:
    row = change_requests.get_request(session, user, request_id)
    return render(request, "library/request.html", {
        "row": row, "can_decide": can_manage_documents(user) and row.request.status == RequestStatus.OPEN,
        "error": error,
    }, status_code=status_code)


@router.get("/change-requests/{request_id}")
def request_page(request_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    return _detail(request, session, user, request_id)


@router.post("/change-requests/{request_id}/decision")
def decide(request_id: int, request: Request, session: SessionDep, user: PageUser, form: FormDep) -> Response:
    try:
        data = parse(ChangeRequestDecision, {name: form.get(name, "") for name in ("decision", "comment")})
        decided = change_requests.decide(session, user, request_id, data)
    except QMSError as exc:
        roll_back(session, exc)
        return refused(_detail(request, session, user, request_id, error=exc.detail), exc)
    if decided.status == RequestStatus.ACCEPTED:
        row = change_requests.get_request(session, user, request_id)
        return redirect(f"/documents/{row.document_code}/versions/{row.draft_revision}/edit", request,
                        _("Request accepted: revision %(rev)s is open as a draft.",
                          rev=f"{row.draft_revision:02d}"))
    return redirect(f"/change-requests/{request_id}", request,
                    _("Request rejected; the requester was told why."))
