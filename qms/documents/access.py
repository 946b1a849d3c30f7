"""Who may see which documents.

- Whoever :data:`~qms.documents.policy.can_read_everything` (the quality officer, internal
  auditors and approvers) reads everything, drafts and restricted documents included.
- Whoever :data:`~qms.documents.policy.can_read_drafts` (drafters and reviewers too) also
  reads drafts, except restricted documents of units other than their own.
- Everybody else reads documents that are in force (an effective version), except
  restricted documents of units other than their own.

Who may act on them is in :mod:`qms.documents.policy`.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import and_, exists, or_, select
from sqlmodel import col

from qms.accounts.auth import Principal
from qms.core.errors import NotFound
from qms.core.i18n import _
from qms.documents.choices import Confidentiality
from qms.documents.models import Document, DocumentUnit
from qms.documents.policy import can_read_drafts, can_read_everything

Visibility = Literal["everything", "drafts", "in_force"]


def visibility(actor: Principal) -> Visibility:
    """How much of the library ``actor`` sees: everything, drafts too, or what is in force."""
    if can_read_everything(actor):
        return "everything"
    return "drafts" if can_read_drafts(actor) else "in_force"


def visibility_clause(actor: Principal) -> Any:
    """A WHERE clause on Document selecting what ``actor`` may see."""
    return visibility_for(visibility(actor), actor.unit_id)


def visibility_for(level: Visibility, unit_id: Any) -> Any:
    """The clause of :func:`visibility_clause` for a level and a unit (a value or a bound
    parameter, for a statement built once and run for many readers)."""
    if level == "everything":
        return and_(True)
    own_unit = exists(
        select(col(DocumentUnit.document_id)).where(
            col(DocumentUnit.document_id) == Document.id, DocumentUnit.unit_id == unit_id
        )
    )
    not_restricted = or_(col(Document.confidentiality) != Confidentiality.RESTRICTED, own_unit)
    if level == "drafts":
        return not_restricted
    return and_(not_restricted, col(Document.effective_version_id).is_not(None))


def can_see(actor: Principal, document: Document, allowed_unit_ids: set[int]) -> bool:
    if can_read_everything(actor):
        return True
    if document.confidentiality == Confidentiality.RESTRICTED and actor.unit_id not in allowed_unit_ids:
        return False
    return can_read_drafts(actor) or document.effective_version_id is not None


def not_found(code: str) -> NotFound:
    """The same answer for a document that does not exist and one the caller may not see."""
    return NotFound(_("Document %(code)s does not exist.", code=code))
