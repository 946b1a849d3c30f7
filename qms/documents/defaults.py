"""What a form proposes before anyone chooses: the approver a draft usually goes to.

The agency profile names no head, so the head is found from what the register shows: the
approver of the document's last approved revision, else the approver who signed most
revisions, else an approver whose title is not a deputy's ("Phó …"), else the first by name.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from qms.accounts.models import User
from qms.core.search import fold
from qms.documents.models import Document, Version


def usual_approver(session: Session, document: Document, approvers: Sequence[tuple[str, str, str | None]],
                   *, drafter: str) -> str | None:
    """Username of the approver to preselect for a draft of ``document`` (never its drafter),
    among ``approvers`` as ``read.people_with_roles`` gives them: one query of its own."""
    candidates = [(username, title) for username, _name, title in approvers if username != drafter]
    if not candidates:
        return None
    usernames = [username for username, _title in candidates]
    rows = session.execute(
        select(col(User.username),
               func.max(case((col(Version.document_id) == document.id, col(Version.revision)))),
               func.count())
        .join(Version, col(Version.approver_id) == User.id)
        .where(col(Version.approved_at).is_not(None), col(User.username).in_(usernames))
        .group_by(User.username)
    ).all()
    of_this_document = [(revision, username) for username, revision, _count in rows if revision is not None]
    if of_this_document:
        return max(of_this_document)[1]
    if rows:
        return min(rows, key=lambda row: (-row[2], row[0]))[0]
    heads = [username for username, title in candidates if not fold(title or "").startswith("pho ")]
    return (heads or usernames)[0]
