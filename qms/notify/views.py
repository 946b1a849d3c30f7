"""Pages of every signed-in person: the notifications and the bell's counter."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from qms.accounts.deps import OptionalUser, PageUser
from qms.core.deps import SessionDep
from qms.core.i18n import _
from qms.core.web import redirect, render
from qms.notify import notifications

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25


@router.get("/notifications")
def notifications_page(request: Request, session: SessionDep, user: PageUser,
                       page: int = Query(1, ge=1, le=100_000)) -> Response:
    items = notifications.list_notifications(session, user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(request, "notify/notifications.html", {
        "page": items, "unread": notifications.unread_count(session, user)})


@router.post("/notifications/read")
def mark_all_read(request: Request, session: SessionDep, user: PageUser) -> Response:
    notifications.mark_read(session, user)
    return redirect("/notifications", request, _("All notifications are marked as read."))


@router.get("/notifications/count")
def bell(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """The bell's counter, polled by htmx; empty for someone signed out or who must first
    choose a password."""
    if user is None or user.must_change_password:
        return HTMLResponse("", headers={"Cache-Control": "no-store"})
    return render(request, "notify/_bell.html", {"unread": notifications.unread_count(session, user)})
