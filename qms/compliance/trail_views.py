"""Page: the audit trail in words, with its filters, exports and the chain status."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.deps import PageUser
from qms.accounts.models import User
from qms.audit import labels, service
from qms.audit.details import describe
from qms.audit.models import AuditEvent
from qms.core.dates import OptionalDay
from qms.core.deps import IsHtmx, SessionDep
from qms.core.pagination import Page
from qms.core.web import render
from qms.documents.integrity import check_integrity
from qms.files.storage import file_store

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def _people(session: Session, usernames: list[str]) -> list[tuple[str, str]]:
    """The person filter's choices: each name in the trail, with the full name of its account."""
    names = dict(session.execute(select(col(User.username), col(User.full_name))
                                 .where(col(User.username).in_(usernames))).all()) if usernames else {}
    return [(username, f"{names[username]} ({username})" if username in names else username)
            for username in usernames]


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    user: PageUser,
    htmx: IsHtmx,
    object: str | None = Query(None, max_length=200),
    document: str | None = Query(None, max_length=40),
    actor: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=64),
    since: OptionalDay = None,
    until: OptionalDay = None,
    page: int = Query(1, ge=1, le=1_000_000),
) -> Response:
    zone = request.app.state.settings.zone
    start, end = service.day_range(since, until, zone)
    document = (document or "").strip().upper() or None
    flt = service.EventFilter(object=object or None, actor=actor or None, action=action or None,
                              since=start, until=end, document=document)
    events, total = service.list_events(session, user, flt, limit=PAGE_SIZE,
                                        offset=(page - 1) * PAGE_SIZE)
    filters = {"object": object or "", "document": document or "", "actor": actor or "",
               "action": action or "", "since": since.isoformat() if since else "",
               "until": until.isoformat() if until else ""}
    export = {key: value for key, value in filters.items() if value and key != "object"}
    if "since" not in export:  # the page shows the whole trail; so does its export
        first = service.first_event_at(session)
        if first is not None:
            export["since"] = first.astimezone(zone).date().isoformat()
    context = {
        "page": Page(events, total, PAGE_SIZE, (page - 1) * PAGE_SIZE),
        "filters": filters,
        "export_query": urlencode(export),
        "people": _people(session, service.actors(session, user)),
        "groups": labels.action_groups(),
        "action_label": labels.action_label,
        "actor_label": labels.actor_label,
        "object_label": labels.object_label,
        "describe": lambda event: describe(event.details, zone=zone, object_type=event.object_type,
                                                  short=True),
        "is_link": lambda event: event.object_type in ("document", "version"),
        "link_of": _link_of,
    }
    block = "results" if htmx and request.headers.get("hx-target") == "results" else None
    return render(request, "compliance/trail.html", context, block=block)


def _link_of(event: AuditEvent) -> str:
    if event.object_type == "document":
        return f"/documents/{event.object_id}"
    code, _sep, revision = event.object_id.rpartition("/")
    return f"/documents/{code}/versions/{revision}"


@router.get("/audit/chain")
def chain_status(request: Request, session: SessionDep, user: PageUser) -> Response:
    """Verifying walks the whole chain and library, so the page loads this part on its own."""
    report = check_integrity(session, user, file_store(request.app.state.settings))
    return render(request, "compliance/_chain.html", {"chain": report.chain, "report": report})
