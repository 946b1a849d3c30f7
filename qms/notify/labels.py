"""The bell's number in the page header (a template global, added by the notify door)."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from sqlmodel import Session

from qms.notify import notifications


@pass_context
def unread_notifications(context: Any) -> int:
    """The bell's number in the page header, so that a page needs no request to show it."""
    request, user = context.get("request"), context.get("user")
    if request is None or user is None:
        return 0
    session = getattr(request.state, "session", None)
    if session is not None:
        return notifications.unread_count(session, user)
    with Session(request.app.state.engine) as own:
        return notifications.unread_count(own, user)


TEMPLATE_GLOBALS = {"unread_notifications": unread_notifications}
