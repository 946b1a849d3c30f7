"""In-app notifications of the library, through the distribution capability's notifications."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from qms.core.i18n import _
from qms.library.choices import RequestStatus
from qms.notify import notifications

CHANGE_REQUEST = "change_request"
REVIEW_DUE = "review_due"


def text(kind: str, params: dict[str, Any]) -> str:
    if kind == CHANGE_REQUEST and params.get("decision") is None:
        return _("%(name)s asks for a change to %(code)s (request no. %(id)s).", name=params.get("name", ""),
                 code=params.get("code", ""), id=params.get("id", ""))
    if kind == CHANGE_REQUEST:
        if params.get("decision") == RequestStatus.CLOSED:
            return _("Your change request no. %(id)s for %(code)s is done: revision %(rev)s is in force.",
                     id=params.get("id", ""), code=params.get("code", ""),
                     rev=notifications.revision_text(int(params.get("revision", 0))))
        if params.get("decision") == RequestStatus.ACCEPTED:
            return _("Your change request no. %(id)s for %(code)s was accepted; a new revision is being "
                     "drafted.", id=params.get("id", ""), code=params.get("code", ""))
        return _("Your change request no. %(id)s for %(code)s was rejected.", id=params.get("id", ""),
                 code=params.get("code", ""))
    if kind == REVIEW_DUE and params.get("code"):
        if not params.get("date"):
            return _("%(code)s %(title)s is flagged for review: a document it cites changed.",
                     code=params["code"], title=params.get("title", ""))
        return _("%(code)s %(title)s is due for periodic review on %(date)s.", code=params["code"],
                 title=params.get("title", ""), date=params["date"])
    if kind == REVIEW_DUE:
        return _("%(n)s documents are due for periodic review within 30 days, %(overdue)s of them overdue.",
                 n=params.get("count", 0), overdue=params.get("overdue", 0))
    return kind


def send(session: Session, user_ids: Iterable[int], kind: str, params: dict[str, Any], link: str,
         key: str) -> int:
    """In the bell and by e-mail (or the daily digest), once per person and key."""
    return len(notifications.send(session, user_ids, kind, params, link, key=key))
