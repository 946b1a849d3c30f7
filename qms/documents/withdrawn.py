"""Forms withdrawn while a procedure in force still links them.

A form is withdrawn when its last version was withdrawn (``obsolete``) and none is in force.
A procedure links a form by owning it (the form's parent) or by naming its code in the
forms section or the steps table of its version in force. Such a link is flagged on the
procedure's page and in the compliance report; staff who follow it are told when and why
the form was withdrawn and whom to ask, instead of "not found".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import Unit, User
from qms.core.db import pk
from qms.documents import access
from qms.documents.choices import Confidentiality, Kind, Status
from qms.documents.models import Document, DocumentUnit, Version, VersionStep
from qms.documents.policy import can_read_everything


@dataclass(frozen=True)
class WithdrawnForm:
    id: int
    code: str
    title: str
    parent_id: int | None
    confidentiality: str
    revision: int
    withdrawn_at: datetime | None
    reason: str
    contact_name: str  # the quality officer who asked for the withdrawal
    contact_unit: str
    owner_unit: str


def _withdrawn_forms() -> Select[*tuple[Any, ...]]:
    requester, requester_unit, owner = aliased(User), aliased(Unit), aliased(Unit)
    return (
        select(col(Document.id), col(Document.code), col(Document.title), col(Document.parent_id),
               col(Document.confidentiality), col(Version.revision), col(Version.ended_at),
               col(Version.withdrawal_reason), col(requester.full_name), col(requester_unit.name),
               col(owner.name))
        .join(Version, col(Version.id) == Document.latest_version_id)
        .join(owner, col(owner.id) == Document.owner_unit_id)
        .outerjoin(requester, col(requester.id) == Version.withdrawal_requested_by_id)
        .outerjoin(requester_unit, col(requester_unit.id) == requester.unit_id)
        .where(col(Document.kind) == Kind.FORM, col(Document.effective_version_id).is_(None),
               col(Version.status) == Status.OBSOLETE)
        .order_by(Document.code)
    )


def _forms(rows: Sequence[Row[*tuple[Any, ...]]]) -> list[WithdrawnForm]:
    return [WithdrawnForm(*row[:7], *(text or "" for text in row[7:])) for row in rows]


def _names(code: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text) is not None


def _linked(forms: list[WithdrawnForm], document_id: int, text: str) -> list[WithdrawnForm]:
    return [form for form in forms if form.id != document_id
            and (form.parent_id == document_id or _names(form.code, text))]


def linked_by(session: Session, document: Document, version: Version | None) -> list[WithdrawnForm]:
    """The withdrawn forms ``document`` still links, when ``version`` is its version in force
    (two statements)."""
    if version is None or version.id != document.effective_version_id or document.kind == Kind.FORM:
        return []
    forms = _forms(session.execute(_withdrawn_forms()).all())
    if not forms:
        return []
    outputs = session.execute(select(col(VersionStep.output))
                              .where(col(VersionStep.version_id) == version.id)).scalars()
    return _linked(forms, pk(document), "\n".join([version.forms, *outputs]))


def links_in_force(session: Session) -> list[tuple[str, int, WithdrawnForm]]:
    """(procedure code, revision in force, form) for every withdrawn form a document in force
    still links (three statements, whatever the size of the library)."""
    forms = _forms(session.execute(_withdrawn_forms()).all())
    if not forms:
        return []
    documents = session.execute(
        select(col(Document.id), col(Document.code), col(Version.id), col(Version.revision),
               col(Version.forms))
        .join(Version, col(Version.id) == Document.effective_version_id)
        .where(col(Document.kind) != Kind.FORM).order_by(Document.code)
    ).all()
    outputs: dict[int, list[str]] = {}
    for version_id, output in session.execute(
            select(col(VersionStep.version_id), col(VersionStep.output))
            .join(Document, col(Document.effective_version_id) == VersionStep.version_id)
            .where(col(Document.kind) != Kind.FORM, col(VersionStep.output) != "")):
        outputs.setdefault(version_id, []).append(output)
    return [(code, revision, form)
            for document_id, code, version_id, revision, forms_text in documents
            for form in _linked(forms, document_id, "\n".join([forms_text, *outputs.get(version_id, [])]))]


def withdrawn_notice(session: Session, actor: Principal, code: str) -> WithdrawnForm | None:
    """The withdrawn form ``code`` as a reader who may no longer open it is told about it, or
    None when there is no such form or the reader may not know of it (restricted elsewhere)."""
    row = session.execute(_withdrawn_forms().where(col(Document.code) == code.upper())).first()
    if row is None:
        return None
    (form,) = _forms([row])
    if form.confidentiality == Confidentiality.RESTRICTED and not can_read_everything(actor):
        allowed = session.execute(select(col(DocumentUnit.unit_id)).where(
            col(DocumentUnit.document_id) == form.id, col(DocumentUnit.unit_id) == actor.unit_id)).first()
        if allowed is None:
            return None
    return form


def procedures_linking(session: Session, actor: Principal, form: WithdrawnForm) -> list[str]:
    """Codes of the documents in force the reader may see that still link ``form``."""
    visible = set(session.execute(
        select(col(Document.code)).where(access.visibility_clause(actor))
    ).scalars())
    return sorted({code for code, _revision, linked in links_in_force(session)
                   if linked.id == form.id and code in visible})
