"""Draft versions: a new revision copied from the latest, and saving the draft."""

from __future__ import annotations

from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.audit import service as audit
from qms.core.db import pk, utcnow
from qms.core.errors import Conflict, Forbidden, ValidationFailed
from qms.core.i18n import _
from qms.core.markup import MAX_TEXT_BLOCKS, flow_blocks, nfc
from qms.documents import events, search_index
from qms.documents.choices import Status
from qms.documents.content import etag_matches, replace_steps, steps_of
from qms.documents.lifecycle import OPEN_STATES
from qms.documents.models import SECTIONS, Document, Version
from qms.documents.policy import can_edit, can_manage_documents
from qms.documents.schemas import VersionUpdate
from qms.documents.service import load_document, load_version, user_by_username


def load_version_to_edit(session: Session, actor: Principal, code: str, revision: int, *,
                         lock: bool = False) -> tuple[Document, Version]:
    """A version the actor may edit: they are the quality officer or its drafter."""
    document, version = load_version(session, actor, code, revision, lock=lock)
    if not can_edit(actor, version):
        raise Forbidden(_("Only the drafter of this version or the quality officer may edit it."))
    return document, version


def create_version(session: Session, actor: Principal, code: str, drafter: str | None = None) -> Version:
    """A new draft revision copied from the latest version."""
    can_manage_documents.require(actor)
    document = load_document(session, actor, code, lock=True)
    latest = session.get(Version, document.latest_version_id) if document.latest_version_id else None
    if latest is not None and latest.status in OPEN_STATES:
        raise Conflict(_("Revision %(rev)s of %(code)s is still %(status)s; finish it first.",
                         rev=f"{latest.revision:02d}", code=document.code,
                         status=Status.in_sentence(latest.status)))
    drafter_user = user_by_username(session, drafter, "drafter") if drafter else None
    version = Version(document_id=pk(document), revision=(latest.revision + 1) if latest else 1,
                      drafter_id=pk(drafter_user) if drafter_user else actor.id)
    version.take_metadata(document)
    if latest is not None:
        for name in SECTIONS:
            setattr(version, name, getattr(latest, name))
    session.add(version)
    session.flush()
    if latest is not None:
        replace_steps(session, pk(version), steps_of(session, pk(latest)))
    document.latest_version_id = version.id
    document.updated_at = utcnow()
    session.add(document)
    session.flush()
    audit.record(session, actor=actor, action="version.create", object_type="version",
                 object_id=f"{document.code}/{version.revision}",
                 details={"copied_from": latest.revision if latest else None})
    events.version_created(session, document, version, latest, actor)
    return version


def update_version(session: Session, actor: Principal, code: str, revision: int, data: VersionUpdate,
                   etag: str | None) -> Version:
    """Save a draft; a stale or missing etag is refused and nothing is written."""
    document, version = load_version_to_edit(session, actor, code, revision, lock=True)
    if version.status != Status.DRAFT:
        raise Conflict(_("Only a draft can be edited; this version is %(status)s.",
                         status=Status.in_sentence(version.status)))
    if not etag:
        raise ValidationFailed("If-Match", _("The If-Match header with the version's etag is required."))
    if not etag_matches(version, etag):
        raise Conflict(_("Someone else saved this version after you opened it. Reload it, then apply your "
                         "changes again."))
    changed: list[str] = []
    if data.sections is not None:
        for name, value in data.sections.model_dump(exclude_unset=True).items():
            if value is not None:
                setattr(version, name, _normalise_text(value))
                changed.append(name)
        _check_typesettable(version)
    if data.steps is not None:
        replace_steps(session, pk(version), [step for step in data.steps if not step.is_blank()])
        changed.append("steps")
    for field in ("change_summary", "changed_sections"):
        value = getattr(data, field)
        if value is not None:
            setattr(version, field, _normalise_text(value).strip())
            changed.append(field)
    if "effective_date" in data.model_fields_set:
        version.effective_date = data.effective_date
        changed.append("effective_date")
    version.lock_version += 1
    version.updated_at = utcnow()
    document.updated_at = version.updated_at
    session.add_all([version, document])
    if document.effective_version_id is None:
        search_index.refresh(session, document)
    session.flush()
    audit.record(session, actor=actor, action="version.update", object_type="version",
                 object_id=f"{document.code}/{version.revision}", details={"changed": changed})
    return version


def _check_typesettable(version: Version) -> None:
    """Refuse text no record could be typeset from within seconds, when it is saved rather than
    when someone asks for its PDF."""
    blocks = sum(flow_blocks(getattr(version, name)) for name in SECTIONS)
    if blocks > MAX_TEXT_BLOCKS:
        raise ValidationFailed("sections", _(
            "The text has %(count)s paragraphs, headings and list items; a document holds at most "
            "%(limit)s. Split it into several documents.", count=blocks, limit=MAX_TEXT_BLOCKS))


def _normalise_text(value: str) -> str:
    return nfc(value.replace("\r\n", "\n"))
