"""Forms withdrawn while a procedure in force still links them.

A form is withdrawn when its last version was withdrawn (``obsolete``) and none is in force.
A procedure links a form by owning it (the form's parent) or by naming its code in the
forms section or the steps table of its version in force. Such a link is flagged on the
procedure's page and in the compliance report; staff who follow it are told when and why
the form was withdrawn and whom to ask, instead of "not found".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.accounts.models import Unit, User
from qms.documents import access
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


def _withdrawn_forms():  # type: ignore[no-untyped-def]
    requester, requester_unit, owner = aliased(User), aliased(Unit), aliased(Unit)
    return (
        select(Document.id, Document.code, Document.title, Document.parent_id, Document.confidentiality,
               Version.revision, Version.ended_at, Version.withdrawal_reason, requester.full_name,
               requester_unit.name, owner.name)
        .join(Version, Version.id == Document.latest_version_id)
        .join(owner, owner.id == Document.owner_unit_id)
        .outerjoin(requester, requester.id == Version.withdrawal_requested_by_id)
        .outerjoin(requester_unit, requester_unit.id == requester.unit_id)
        .where(Document.kind == "form", Document.effective_version_id.is_(None), Version.status == "obsolete")
        .order_by(Document.code)
    )


def _forms(rows) -> list[WithdrawnForm]:  # type: ignore[no-untyped-def]
    return [WithdrawnForm(*row[:7], row[7] or "", row[8] or "", row[9] or "", row[10] or "") for row in rows]


def _names(code: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text) is not None


def _linked(forms: list[WithdrawnForm], document_id: int, text: str) -> list[WithdrawnForm]:
    return [form for form in forms if form.id != document_id
            and (form.parent_id == document_id or _names(form.code, text))]


def linked_by(session: Session, document: Document, version: Version | None) -> list[WithdrawnForm]:
    """The withdrawn forms ``document`` still links, when ``version`` is its version in force
    (two statements)."""
    if version is None or version.id != document.effective_version_id or document.kind == "form":
        return []
    forms = _forms(session.execute(_withdrawn_forms()).all())
    if not forms:
        return []
    outputs = session.execute(select(VersionStep.output)
                              .where(VersionStep.version_id == version.id)).scalars()
    return _linked(forms, document.id, "\n".join([version.forms, *outputs]))


def links_in_force(session: Session) -> list[tuple[str, int, WithdrawnForm]]:
    """(procedure code, revision in force, form) for every withdrawn form a document in force
    still links (three statements, whatever the size of the library)."""
    forms = _forms(session.execute(_withdrawn_forms()).all())
    if not forms:
        return []
    documents = session.execute(
        select(Document.id, Document.code, Version.id, Version.revision, Version.forms)
        .join(Version, Version.id == Document.effective_version_id)
        .where(Document.kind != "form").order_by(Document.code)
    ).all()
    outputs: dict[int, list[str]] = {}
    for version_id, output in session.execute(
            select(VersionStep.version_id, VersionStep.output)
            .join(Document, Document.effective_version_id == VersionStep.version_id)
            .where(Document.kind != "form", VersionStep.output != "")):
        outputs.setdefault(version_id, []).append(output)
    return [(code, revision, form)
            for document_id, code, version_id, revision, forms_text in documents
            for form in _linked(forms, document_id, "\n".join([forms_text, *outputs.get(version_id, [])]))]


def withdrawn_notice(session: Session, actor: Principal, code: str) -> WithdrawnForm | None:
    """The withdrawn form ``code`` as a reader who may no longer open it is told about it, or
    None when there is no such form or the reader may not know of it (restricted elsewhere)."""
    row = session.execute(_withdrawn_forms().where(Document.code == code.upper())).first()
    if row is None:
        return None
    (form,) = _forms([row])
    if form.confidentiality == "restricted" and not can_read_everything(actor):
        allowed = session.execute(select(DocumentUnit.unit_id).where(
            DocumentUnit.document_id == form.id, DocumentUnit.unit_id == actor.unit_id)).first()
        if allowed is None:
            return None
    return form


def procedures_linking(session: Session, actor: Principal, form: WithdrawnForm) -> list[str]:
    """Codes of the documents in force the reader may see that still link ``form``."""
    visible = set(session.execute(select(Document.code).where(access.visibility_clause(actor))).scalars())
    return sorted({code for code, _revision, linked in links_in_force(session)
                   if linked.id == form.id and code in visible})
