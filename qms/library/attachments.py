"""Files attached to versions: the fillable form of a "biểu mẫu", annexes of a procedure.

Files are added and removed only while the version is a draft, by its drafter or the
quality officer; from submission on they are frozen with the version, their names and
SHA-256 in the content hash the signatures are made over. Staff download
the files of the version in force only; the quality officer and auditors also those of
superseded and withdrawn versions, which are marked obsolete.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.audit import service as audit
from qms.core.config import Settings
from qms.core.db import pk
from qms.core.errors import Conflict, Forbidden, NotFound
from qms.core.i18n import _
from qms.documents.choices import Status
from qms.documents.models import Document, Version, version_ref
from qms.documents.policy import can_edit, can_read_drafts
from qms.documents.service import load_version
from qms.files.storage import FileStore
from qms.files.uploads import check_size, detect, display_name
from qms.library.models import Attachment
from qms.library.policy import can_read_withdrawn_files

MAX_PER_VERSION = 20
ENDED = (Status.SUPERSEDED, Status.OBSOLETE)


@dataclass(frozen=True)
class Download:
    attachment: Attachment
    document: Document
    version: Version
    data: bytes

    @property
    def name(self) -> str:
        return self.attachment.name

    @property
    def media_type(self) -> str:
        return self.attachment.media_type

    @property
    def sha256(self) -> str:
        return self.attachment.sha256

    @property
    def version_status(self) -> str:
        return self.version.status

    @property
    def obsolete(self) -> bool:
        return self.version.status in ENDED


def _require_editable(actor: Principal, version: Version) -> None:
    if not can_edit(actor, version):
        raise Forbidden(_("Only the drafter of this version or the quality officer may change its files."))
    if version.status != Status.DRAFT:
        raise Conflict(_("Files can be changed only in a draft; this version is frozen."))


def attachments_of(session: Session, version_ids: list[int]) -> dict[int, list[Attachment]]:
    """The attachments of several versions in one query, by version id, by name."""
    found: dict[int, list[Attachment]] = {version_id: [] for version_id in version_ids}
    if not version_ids:
        return found
    for attachment in session.execute(
        select(Attachment).where(col(Attachment.version_id).in_(version_ids)).order_by(Attachment.name)
    ).scalars():
        found[attachment.version_id].append(attachment)
    return found


def add_attachment(session: Session, actor: Principal, store: FileStore, settings: Settings, code: str,
                   revision: int, filename: str, data: bytes) -> Attachment:
    """Check the file (size, type by content, name), store it and attach it to the draft.

    Every check runs before anything is written: a refused file leaves no row and no file.
    """
    document, version = load_version(session, actor, code, revision, lock=True)
    _require_editable(actor, version)
    check_size(data, settings.max_upload_mb * 1024 * 1024)
    kind = detect(data, allow_macros=settings.upload_allow_macros)
    name = display_name(filename, kind)
    count = session.execute(
        select(func.count()).select_from(Attachment).where(col(Attachment.version_id) == version.id)
    ).scalar_one()
    if count >= MAX_PER_VERSION:
        raise Conflict(_("A version can have at most %(n)s files.", n=MAX_PER_VERSION))
    if session.execute(select(col(Attachment.id)).where(col(Attachment.version_id) == version.id,
                                                   col(Attachment.name) == name)).first():
        raise Conflict(_("This revision already has a file named %(name)s; delete it first to replace it.",
                         name=name))
    attachment = Attachment(version_id=pk(version), name=name, sha256="", size=len(data),
                            media_type=kind.media_type, uploaded_by_id=actor.id)
    attachment.sha256 = store.put(data)
    session.add(attachment)
    session.flush()
    audit.record(session, actor=actor, action="attachment.add", object_type="version",
                 object_id=version_ref(document, version),
                 details={"name": name, "sha256": attachment.sha256, "size": attachment.size,
                          "media_type": attachment.media_type})
    return attachment


def _find(session: Session, version: Version, name: str) -> Attachment:
    attachment = session.execute(
        select(Attachment).where(col(Attachment.version_id) == version.id, col(Attachment.name) == name)
    ).scalar_one_or_none()
    if attachment is None:
        raise NotFound(_("This revision has no file named %(name)s.", name=name))
    return attachment


def remove_attachment(session: Session, actor: Principal, code: str, revision: int, name: str) -> None:
    document, version = load_version(session, actor, code, revision, lock=True)
    _require_editable(actor, version)
    attachment = _find(session, version, name)
    session.delete(attachment)
    session.flush()
    audit.record(session, actor=actor, action="attachment.remove", object_type="version",
                 object_id=version_ref(document, version),
                 details={"name": name, "sha256": attachment.sha256})


def can_download(actor: Principal, version: Version) -> bool:
    if version.status in ENDED:
        return can_read_withdrawn_files(actor)
    return can_read_drafts(actor) or version.status == Status.EFFECTIVE


def download(session: Session, actor: Principal, store: FileStore, code: str, revision: int,
             name: str) -> Download:
    document, version = load_version(session, actor, code, revision)
    if not can_download(actor, version):
        raise Forbidden(_("Only the quality officer and internal auditors may open files of a revision "
                          "that is no longer in force."))
    attachment = _find(session, version, name)
    try:
        data = store.get(attachment.sha256)
    except FileNotFoundError:
        raise NotFound(_("The stored file %(name)s is missing; tell the administrator.", name=name)) from None
    return Download(attachment, document, version, data)


def signed_files(session: Session, version_id: int) -> list[dict[str, str]]:
    """A signature vouches for the files as well: for a form, the file is what people fill in."""
    return [{"name": a.name, "sha256": a.sha256} for a in attachments_of(session, [version_id])[version_id]]


def carry_over(session: Session, document: Document, version: Version, copied_from: Version | None,
                actor: object) -> None:
    """A new draft revision starts with the files of the revision it was copied from."""
    if copied_from is None:
        return
    for attachment in attachments_of(session, [pk(copied_from)])[pk(copied_from)]:
        session.add(Attachment(version_id=pk(version), name=attachment.name, sha256=attachment.sha256,
                               size=attachment.size, media_type=attachment.media_type,
                               uploaded_by_id=attachment.uploaded_by_id))
    session.flush()
