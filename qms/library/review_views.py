"""Pages: reviews due, and recording the outcome of a periodic review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from qms.accounts.deps import PageUser
from qms.core.clock import local_today
from qms.core.db import roll_back
from qms.core.deps import IsHtmx, SessionDep, SettingsDep
from qms.core.errors import Forbidden, NotFound, QMSError
from qms.core.forms import form_data, parse, refusal_fields
from qms.core.i18n import _
from qms.core.web import redirect, refused, render
from qms.documents.policy import can_manage_documents
from qms.documents.views import render_document_page
from qms.library import reviews
from qms.library.choices import ReviewOutcome
from qms.library.schemas import PeriodicReviewIn

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_data)]
PAGE_SIZE = 25
WINDOWS = (30, 60, 90, 365)


@router.get("/reviews")
def reviews_page(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep, htmx: IsHtmx,
                 within_days: int = Query(30, ge=0, le=3660), sort: str | None = Query(None, max_length=20),
                 page: int = Query(1, ge=1, le=100_000)) -> Response:
    today = local_today(settings.zone)
    result = reviews.due_reviews(session, user, today, within_days, sort=sort, limit=PAGE_SIZE,
                                 offset=(page - 1) * PAGE_SIZE)
    block = "results" if htmx and request.headers.get("hx-target") == "results" else None
    return render(request, "library/reviews.html", {
        "page": result, "within_days": within_days, "windows": WINDOWS, "sort": sort or "next_review_on",
        "today": today,
    }, block=block)


@router.post("/documents/{code}/periodic-review")
def record(code: str, request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
           form: FormDep) -> Response:
    target = f"/documents/{code.upper()}#periodic-review"
    values = {name: form.get(name) or None for name in ("outcome", "approver")}
    values["comment"] = form.get("comment", "")
    try:
        review = reviews.record_review(
            session, user, code,
            parse(PeriodicReviewIn, {**values, "password": form.get("password") or None}),
            local_today(settings.zone))
    except NotFound:
        raise  # the error page: no such document for them
    except QMSError as exc:
        roll_back(session, exc)
        if isinstance(exc, Forbidden) and not can_manage_documents(user):
            raise  # not theirs to record: the error page
        errors = refusal_fields(exc) | {"_form": "periodic-review"}
        return refused(render_document_page(request, session, user, code, errors=errors, values=values),
                       exc)
    if review.outcome == ReviewOutcome.REVISE:
        return redirect(f"/documents/{code.upper()}/versions/{review.opened_revision}/edit", request,
                        _("Review recorded: revision %(rev)s was opened as a draft.",
                          rev=f"{review.opened_revision:02d}"))
    if review.outcome == ReviewOutcome.WITHDRAW:
        return redirect(target, request, _("Review recorded: the withdrawal was sent to the approver."))
    return redirect(target, request, _("Review recorded and signed; next review by %(d)s.",
                                       d=review.next_review_on.strftime("%d/%m/%Y") if review.next_review_on
                                       else "—"))
