"""The document register: listing, creating and changing documents, and finding their versions.

Opening and saving a draft version is in :mod:`qms.documents.drafts`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import QueryableAttribute, aliased, defer
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import Unit, User
from qms.accounts.units import get_unit
from qms.audit import service as audit
from qms.core.db import pk, utcnow
from qms.core.errors import Conflict, NotFound, ValidationFailed
from qms.core.i18n import _
from qms.core.pagination import Page, clamp, parse_sort
from qms.documents import access, external, search_index
from qms.documents.choices import Confidentiality, Kind, Status
from qms.documents.models import Document, DocumentUnit, Version
from qms.documents.policy import can_manage_documents, can_read_drafts
from qms.documents.schemas import DocumentCreate, DocumentUpdate, InProgress

# Built once: a fresh alias per call costs more than the query itself on a busy page.
_LATEST = aliased(Version, name="latest_version")
_EFFECTIVE = aliased(Version, name="effective_version")
DOCUMENT_SORTS = ("relevance", "code", "title", "kind", "status", "effective_date", "date", "updated")
#: The orders a search offers: relevance (the default with a query), code, newest in force.
SEARCH_SORTS = ("relevance", "code", "date")


@dataclass(frozen=True)
class DocumentRow:
    """A line of the register: the document, its unit, its latest and effective versions."""

    document: Document
    unit_code: str
    unit_name: str
    latest_revision: int | None
    latest_status: str | None
    effective_revision: int | None
    effective_date: date | None

    @property
    def current_revision(self) -> int | None:
        """The revision in force, else the latest one."""
        return self.effective_revision or self.latest_revision

    @property
    def status(self) -> str | None:
        """The status of the version in force, else that of the latest version."""
        return Status.EFFECTIVE.value if self.effective_revision else self.latest_status

    @property
    def in_progress(self) -> InProgress | None:
        """A newer version not yet in force, if there is one."""
        return in_progress(self.effective_revision, self.latest_revision, self.latest_status)


def in_progress(effective_revision: int | None, latest_revision: int | None,
                latest_status: str | None) -> InProgress | None:
    """The latest version when it is newer than the version in force."""
    if effective_revision and latest_revision and latest_status and latest_revision > effective_revision:
        return InProgress(revision=latest_revision, status=latest_status)
    return None


def user_by_username(session: Session, username: str, field: str) -> User:
    user = session.execute(select(User).where(col(User.username) == username.lower())).scalar_one_or_none()
    if user is None or not user.active:
        raise ValidationFailed(
            field, _("User %(username)s does not exist or is inactive.", username=username)
        )
    return user


def _unit_or_error(session: Session, code: str, field: str) -> Unit:
    try:
        unit = get_unit(session, code)
    except NotFound:
        raise ValidationFailed(field, _("Unit %(code)s does not exist.", code=code)) from None
    return unit


def load_document(session: Session, actor: Principal, code: str, *, lock: bool = False) -> Document:
    query = select(Document).where(col(Document.code) == code.upper())
    if lock:
        query = query.with_for_update()
    document = session.execute(query).scalar_one_or_none()
    if document is None or not access.can_see(actor, document, allowed_unit_ids(session, document)):
        raise access.not_found(code)
    return document


def allowed_unit_ids(session: Session, document: Document) -> set[int]:
    if document.confidentiality != Confidentiality.RESTRICTED:
        return set()
    return set(session.execute(
        select(col(DocumentUnit.unit_id)).where(col(DocumentUnit.document_id) == document.id)
    ).scalars())


def list_documents(
    session: Session,
    actor: Principal,
    *,
    q: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    unit: str | None = None,
    sort: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> Page[DocumentRow]:
    """One query for the page and one for the total, whatever the page size."""
    limit, offset = clamp(limit, offset)
    latest, effective = _LATEST, _EFFECTIVE
    # Those who do not read drafts know nothing of a revision in preparation: for them the
    # latest version is the one in force.
    latest_id = col(Document.latest_version_id if can_read_drafts(actor)
                    else Document.effective_version_id)
    filters = [access.visibility_clause(actor)]
    found = search_index.ranked(session, q) if q else None
    if found is not None:
        filters.append(col(Document.id).in_(select(found.rows.c.id)))
    if kind:
        filters.append(Document.kind == kind)
    if unit:
        unit_ids = select(col(Unit.id)).where(col(Unit.code) == unit.upper())
        filters.append(col(Document.owner_unit_id).in_(unit_ids))
    if status == Status.EFFECTIVE:
        filters.append(col(Document.effective_version_id).is_not(None))
    elif status:
        # A document is listed under the status of its version in force, or of its latest one.
        filters.append(col(Document.effective_version_id).is_(None))
        filters.append(latest_id.in_(select(col(Version.id)).where(col(Version.status) == status)))
    total = session.execute(select(func.count(col(Document.id))).where(*filters)).scalar_one()
    query = (
        select(Document, col(Unit.code), col(Unit.name), col(latest.revision), col(latest.status),
               col(effective.revision),
               col(effective.effective_date))
        .join(Unit, col(Unit.id) == Document.owner_unit_id)
        .outerjoin(latest, col(latest.id) == latest_id)
        .outerjoin(effective, col(effective.id) == Document.effective_version_id)
        .where(*filters)
        .options(*[defer(cast("QueryableAttribute[str]", column))
                   for column in (Document.search_text, Document.search_code, Document.search_title)])
    )
    key, descending = parse_sort(sort, DOCUMENT_SORTS, "relevance" if found is not None else "code")
    if key == "relevance" and found is not None:
        query = query.join(found.rows, found.rows.c.id == Document.id)
        ordering = search_index.relevance_order(found)
    else:
        ordering = (_sort_column(key, latest, effective, descending),)
    rows = session.execute(query.order_by(*ordering, Document.code).limit(limit).offset(offset)).all()
    return Page([DocumentRow(*row) for row in rows], total, limit, offset)


def _sort_column(key: str, latest: Any, effective: Any, descending: bool) -> Any:
    """The register's order by one of ``DOCUMENT_SORTS`` ("date": the newest in force first)."""
    if key == "date":
        key, descending = "effective_date", not descending
    column = {
        "code": col(Document.code), "title": col(Document.title), "kind": col(Document.kind),
        "status": func.coalesce(effective.status, latest.status), "effective_date": effective.effective_date,
        "updated": col(Document.updated_at), "relevance": col(Document.code),
    }[key]
    return column.desc().nulls_last() if descending else column.asc().nulls_last()


def create_document(session: Session, actor: Principal, data: DocumentCreate) -> Document:
    can_manage_documents.require(actor)
    if session.execute(select(col(Document.id)).where(col(Document.code) == data.code)).first():
        raise Conflict(_("A document with code %(code)s already exists.", code=data.code))
    unit = _unit_or_error(session, data.owner_unit, "owner_unit")
    parent = None
    if data.parent_code:
        parent = session.execute(
            select(Document).where(col(Document.code) == data.parent_code.upper())
        ).scalar_one_or_none()
        if parent is None:
            raise ValidationFailed(
                "parent_code", _("Document %(code)s does not exist.", code=data.parent_code)
            )
    if data.kind == Kind.FORM and parent is None:
        raise ValidationFailed("parent_code", _("A form must belong to a procedure."))
    drafter = user_by_username(session, data.drafter, "drafter") if data.drafter else None
    document = Document(
        code=data.code, title=data.title, kind=data.kind, owner_unit_id=pk(unit),
        confidentiality=data.confidentiality, review_interval_months=data.review_interval_months,
        parent_id=parent.id if parent else None,
    )
    session.add(document)
    session.flush()
    _set_allowed_units(session, document, data.allowed_units)
    external.save_details(session, actor, document, data.external)
    version = Version(document_id=pk(document), revision=1, drafter_id=pk(drafter) if drafter else actor.id)
    version.take_metadata(document)
    session.add(version)
    session.flush()
    document.latest_version_id = version.id
    search_index.refresh(session, document)
    session.flush()
    audit.record(session, actor=actor, action="document.create", object_type="document",
                 object_id=document.code, details=data.model_dump(mode="json"))
    return document


def _set_allowed_units(session: Session, document: Document, codes: list[str],
                       draft: Version | None = None) -> None:
    # __table__ comes from SQLAlchemy's mapping, which SQLModel's class does not declare
    session.execute(DocumentUnit.__table__.delete()  # type: ignore[attr-defined]
                    .where(col(DocumentUnit.document_id) == document.id))
    units = [_unit_or_error(session, code, "allowed_units") for code in dict.fromkeys(codes)]
    restricted = Confidentiality.RESTRICTED in (document.confidentiality,
                                                draft.confidentiality if draft else None)
    if restricted and not units:
        raise ValidationFailed(
            "allowed_units", _("A restricted document needs at least one unit allowed to read it.")
        )
    session.add_all(DocumentUnit(document_id=pk(document), unit_id=pk(unit)) for unit in units)
    session.flush()


def open_draft(session: Session, document: Document) -> Version | None:
    """The document's draft revision, if one is open for editing."""
    latest = session.get(Version, document.latest_version_id) if document.latest_version_id else None
    return latest if latest is not None and latest.status == Status.DRAFT else None


def _signed_changes(session: Session, holder: Document | Version, data: DocumentUpdate) -> dict[str, object]:
    """The signed metadata ``data`` asks to change, as attribute values that differ from the holder's."""
    wanted: dict[str, object] = {}
    if data.title is not None and data.title != holder.title:
        wanted["title"] = data.title
    if data.kind is not None and data.kind != holder.kind:
        wanted["kind"] = data.kind
    if data.owner_unit is not None:
        unit_id = _unit_or_error(session, data.owner_unit, "owner_unit").id
        if unit_id != holder.owner_unit_id:
            wanted["owner_unit_id"] = unit_id
    if data.confidentiality is not None and data.confidentiality != holder.confidentiality:
        wanted["confidentiality"] = data.confidentiality
    return wanted


def _check_kind(document: Document, before: str, after: str) -> None:
    if Kind.EXTERNAL in (before, after):
        raise ValidationFailed("kind", _("An external document stays external, and another document cannot "
                                         "become one; create a new document instead."))
    if after == Kind.FORM and document.parent_id is None:
        raise ValidationFailed("kind", _("A form must belong to a procedure."))


def update_document(session: Session, actor: Principal, code: str, data: DocumentUpdate) -> Document:
    """Change a document's details. The title, kind, owner unit and confidentiality are signed
    with each revision: they change only in an open draft (and on the document while that
    draft is all it has, or at once when the draft restricts who may read); other details
    change on the document at any time."""
    can_manage_documents.require(actor)
    document = load_document(session, actor, code, lock=True)
    changes = data.model_dump(exclude_unset=True, mode="json")
    draft = open_draft(session, document)
    holder = draft or document
    owner_before = session.get(Unit, holder.owner_unit_id) if holder.owner_unit_id else None
    previous = {"title": holder.title, "kind": holder.kind, "confidentiality": holder.confidentiality,
                "owner_unit": owner_before.code if owner_before else None,
                "review_interval_months": document.review_interval_months}
    signed = _signed_changes(session, holder, data)
    if signed and draft is None:
        raise Conflict(_("The title, kind, owner unit and confidentiality are signed with each revision: "
                         "open a new revision to change them."))
    if "kind" in signed:
        _check_kind(document, holder.kind, str(signed["kind"]))
    if draft is not None and signed:
        for name, value in signed.items():
            setattr(draft, name, value)
        draft.updated_at = utcnow()
        session.add(draft)
        changes["revision"] = draft.revision
        if document.effective_version_id is None:
            for name, value in signed.items():
                setattr(document, name, value)
        elif signed.get("confidentiality") == Confidentiality.RESTRICTED:
            # Who may read is decided now; the version in force keeps the mark it signed.
            document.confidentiality = Confidentiality.RESTRICTED
    if data.review_interval_months is not None:
        document.review_interval_months = data.review_interval_months
    if data.allowed_units is not None or "confidentiality" in signed:
        current = data.allowed_units
        if current is None:
            current = [u.code for u in session.execute(
                select(Unit).join(DocumentUnit, col(DocumentUnit.unit_id) == Unit.id)
                .where(col(DocumentUnit.document_id) == document.id)).scalars()]
        _set_allowed_units(session, document, current, draft)
    external.save_details(session, actor, document, data.external)
    document.updated_at = utcnow()
    search_index.refresh(session, document)
    session.flush()
    audit.record(session, actor=actor, action="document.update", object_type="document",
                 object_id=document.code, details=audit.with_before(changes, previous))
    return document


def versions_of(session: Session, document: Document) -> list[Version]:
    return list(session.execute(
        select(Version).where(col(Version.document_id) == document.id).order_by(col(Version.revision).desc())
    ).scalars())


def load_version(session: Session, actor: Principal, code: str, revision: int, *,
                 lock: bool = False) -> tuple[Document, Version]:
    """With ``lock``, the document's row first, then the version's: the order every writer
    follows, and before the audit chain's lock, so that two writers never wait on each other."""
    document = load_document(session, actor, code, lock=lock)
    query = select(Version).where(col(Version.document_id) == document.id, col(Version.revision) == revision)
    if lock:
        query = query.with_for_update()
    version = session.execute(query).scalar_one_or_none()
    if version is None or not can_read_version(actor, version):
        raise NotFound(_("Revision %(rev)s of %(code)s does not exist.", rev=f"{revision:02d}",
                         code=document.code))
    return document, version


def can_read_version(actor: Principal, version: Version) -> bool:
    return can_read_drafts(actor) or version.status == Status.EFFECTIVE


def load_versions_to_compare(session: Session, actor: Principal, code: str, revision: int,
                             against: int) -> tuple[Document, Version, Version]:
    """A version the actor may read and another to compare it with.

    Whoever may read a version may also see how it differs from an earlier revision that
    is no longer in force (what changed since the revision they knew), never from a draft.
    """
    document, new = load_version(session, actor, code, revision)
    old = session.execute(select(Version).where(col(Version.document_id) == document.id,
                                                col(Version.revision) == against)).scalar_one_or_none()
    earlier_ended = old is not None and old.revision < new.revision and old.status in (
        Status.SUPERSEDED, Status.OBSOLETE)
    if old is None or not (can_read_version(actor, old) or earlier_ended):
        raise NotFound(_("Revision %(rev)s of %(code)s does not exist.", rev=f"{against:02d}",
                         code=document.code))
    return document, new, old


def library_counts(session: Session) -> dict[str, int]:
    """How many documents are in each status: that of their version in force, else of their
    latest version (one query)."""
    shown = func.coalesce(Document.effective_version_id, Document.latest_version_id)
    rows = session.execute(
        select(col(Version.status), func.count())
        .join(Document, shown == Version.id)
        .group_by(Version.status)
    ).all()
    return {status: count for status, count in rows}
