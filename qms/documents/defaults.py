"""What a form proposes before anyone chooses: the approver a draft usually goes to.

The agency profile names no head, so the head is found from what the register shows: the
approver of the document's last approved revision, else the approver who signed most
revisions, else an approver whose title is not a deputy's ("Phó …"), else the first by name.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from qms.accounts.models import User
from qms.accounts.roles import Role
from qms.documents import read
from qms.documents.models import Document, Version
from qms.search import fold


def usual_approver(session: Session, document: Document, *, drafter: str) -> str | None:
    """Username of the approver to preselect for a draft of ``document`` (never its drafter)."""
    candidates = [(username, title) for username, _name, title
                  in read.people_with_roles(session, {Role.APPROVER}) if username != drafter]
    if not candidates:
        return None
    usernames = [username for username, _title in candidates]
    approved = Version.approved_at.is_not(None)
    last = session.execute(
        select(User.username).join(Version, Version.approver_id == User.id)
        .where(Version.document_id == document.id, approved, User.username.in_(usernames))
        .order_by(Version.revision.desc()).limit(1)
    ).scalar_one_or_none()
    if last:
        return last
    most = session.execute(
        select(User.username).join(Version, Version.approver_id == User.id)
        .where(approved, User.username.in_(usernames))
        .group_by(User.username).order_by(func.count().desc(), User.username).limit(1)
    ).scalar_one_or_none()
    if most:
        return most
    heads = [username for username, title in candidates if not fold(title or "").startswith("pho ")]
    return (heads or usernames)[0]
