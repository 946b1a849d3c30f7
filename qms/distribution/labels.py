"""Words and dates shown by the distribution pages; installed as template globals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import pass_context
from sqlmodel import Session

from qms.core.i18n import N_, translated_choice
from qms.core.web import templates
from qms.distribution import notifications

_TASK_STATUSES = {
    "pending": N_("Not yet acknowledged"),
    "overdue": N_("Overdue"),
    "acknowledged": N_("Acknowledged"),
    "acknowledged_late": N_("Acknowledged late"),
    "superseded": N_("Closed: superseded"),
    "withdrawn": N_("Closed: withdrawn"),
    "removed": N_("Removed"),
}


def task_label(status: str) -> str:
    return translated_choice(_TASK_STATUSES, status)


_COPY_STATUSES = {
    "issued": N_("Issued"),
    "to_recall": N_("To recall"),
    "returned": N_("Returned"),
    "destroyed": N_("Destroyed"),
}


def copy_label(status: str) -> str:
    return translated_choice(_COPY_STATUSES, status)


@pass_context
def local_date(context: Any, value: datetime | None) -> str:
    """dd/mm/yyyy of an aware time, in the agency's time zone."""
    if value is None:
        return ""
    request = context.get("request")
    if request is not None:
        zone = request.app.state.settings.zone
    else:
        from qms.core.config import get_settings

        zone = get_settings().zone
    return value.astimezone(zone).strftime("%d/%m/%Y")


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


templates.env.globals.update({"task_label": task_label, "copy_label": copy_label, "local_date": local_date,
                              "unread_notifications": unread_notifications})
