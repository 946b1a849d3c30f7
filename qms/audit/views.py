"""Page: the audit trail with its chain status."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from qms.audit import service
from qms.dates import OptionalDay
from qms.deps import IsHtmx, PageUser, SessionDep
from qms.documents.integrity import check_integrity
from qms.pagination import Page
from qms.storage import file_store
from qms.web import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    user: PageUser,
    htmx: IsHtmx,
    object: str | None = Query(None, max_length=200),
    actor: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=64),
    since: OptionalDay = None,
    until: OptionalDay = None,
    page: int = Query(1, ge=1, le=1_000_000),
) -> Response:
    zone = request.app.state.settings.zone
    start = datetime.combine(since, time.min, zone) if since else None
    end = None
    if until and until < date.max:  # the filter includes the whole of its last day
        end = datetime.combine(until + timedelta(days=1), time.min, zone)
    flt = service.EventFilter(object=object or None, actor=actor or None, action=action or None,
                              since=start, until=end)
    events, total = service.list_events(session, user, flt, limit=PAGE_SIZE,
                                        offset=(page - 1) * PAGE_SIZE)
    context = {
        "page": Page(events, total, PAGE_SIZE, (page - 1) * PAGE_SIZE),
        "filters": {"object": object or "", "actor": actor or "", "action": action or "",
                    "since": since.isoformat() if since else "",
                    "until": until.isoformat() if until else ""},
        "details": lambda event: json.loads(event.details),
    }
    block = "results" if htmx and request.headers.get("hx-target") == "results" else None
    return render(request, "audit/events.html", context, block=block)


@router.get("/audit/chain")
def chain_status(request: Request, session: SessionDep, user: PageUser) -> Response:
    """Verifying walks the whole chain and library, so the page loads this part on its own."""
    report = check_integrity(session, user, file_store(request.app.state.settings))
    return render(request, "audit/_chain.html", {"chain": report.chain, "report": report})
