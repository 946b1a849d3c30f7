"""Importing the procedure library from its source files (``qms import-procedures DIR``).

Each file is imported in its own savepoint: a file that cannot be imported is
reported with its line and leaves nothing behind. Importing the same files again
changes nothing. A file whose last revision is newer than the effective one adds
that revision and supersedes the old one.

The sign-off recorded in the file (drafted, reviewed, approved by named people on
the effective date) is transcribed as signatures, as the paper originals were
signed; the import itself is the audited act.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.models import Unit, User
from qms.audit import service as audit
from qms.core.db import pk
from qms.core.errors import QMSError
from qms.documents import external, search_index
from qms.documents.choices import Meaning
from qms.documents.content import (
    CURRENT_SCHEME,
    content_hash,
    freeze,
    frozen_parts,
    replace_steps,
    signed_metadata,
)
from qms.documents.effective import make_effective
from qms.documents.lifecycle import Event, transition
from qms.documents.models import SECTIONS, Document, RevisionHistory, Signature, Version
from qms.documents.placement import without_marker
from qms.files.storage import FileStore, sha256_of
from qms.files.uploads import detect, display_name
from qms.intake.source import ProcedureSource, RevisionEntry, SourceError, parse_source
from qms.library.models import Attachment

IMPORTER = "import"
MAX_FILE_BYTES = 2_000_000
MAX_ATTACHMENT_BYTES = 20_000_000
FILES_FOLDER = "files"


@dataclass(frozen=True)
class FileReport:
    file: str
    code: str
    action: str  # created | revised | unchanged | error
    message: str = ""

    def __str__(self) -> str:
        detail = f": {self.message}" if self.message else ""
        return f"{self.file}: {self.action}{' ' + self.code if self.code else ''}{detail}"


def _user(session: Session, username: str, line: int) -> User:
    user = session.execute(select(User).where(col(User.username) == username.lower())).scalar_one_or_none()
    if user is None:
        raise SourceError(line, f"unknown user {username!r}")
    return user


def _signed_at(entry: RevisionEntry, zone: ZoneInfo, hour: int) -> datetime:
    return datetime.combine(entry.effective_date, time(hour, 0), zone)


@dataclass(frozen=True)
class SourceFile:
    name: str
    data: bytes
    media_type: str


def _read_files(source: ProcedureSource, files_dir: Path) -> list[SourceFile]:
    """The files the source names, from ``files_dir``, checked as an upload is."""
    line = source.key_lines.get("files", 1)
    found: list[SourceFile] = []
    for name in source.files:
        path = files_dir / name  # a plain file name, checked by the parser
        if not path.is_file():
            raise SourceError(line, f"file {name!r} is not in {files_dir.name}/")
        if path.stat().st_size > MAX_ATTACHMENT_BYTES:
            raise SourceError(line, f"file {name!r} is larger than {MAX_ATTACHMENT_BYTES // 1_000_000} MB")
        data = path.read_bytes()
        try:
            kind = detect(data)
            found.append(SourceFile(display_name(name, kind), data, kind.media_type))
        except QMSError as exc:
            raise SourceError(line, f"file {name!r}: {exc.detail}") from None
    return found


def _attach(session: Session, store: FileStore, version: Version, files: list[SourceFile]) -> None:
    session.add_all(
        Attachment(version_id=pk(version), name=file.name, sha256=store.put(file.data), size=len(file.data),
                   media_type=file.media_type, uploaded_by_id=version.drafter_id)
        for file in files
    )
    session.flush()


def _new_version(session: Session, source: ProcedureSource, document: Document, unit: Unit, zone: ZoneInfo,
                 store: FileStore, files: list[SourceFile]) -> Version:
    entry = source.current
    lines = source.key_lines
    drafter = _user(session, entry.drafted_by, lines.get("drafted_by", 1))
    reviewers = [_user(session, name, lines.get("reviewed_by", 1)) for name in entry.reviewed_by]
    approver = _user(session, entry.approved_by, lines.get("approved_by", 1))
    sections: dict[str, Any] = {name: source.sections[name] for name in SECTIONS}  # Version's own fields
    version = Version(document_id=pk(document), revision=entry.revision, drafter_id=pk(drafter),
                      approver_id=approver.id, change_summary=entry.change_summary,
                      changed_sections=entry.changed_sections, effective_date=entry.effective_date,
                      review_round=1, title=source.title, kind=source.kind, owner_unit_id=unit.id,
                      confidentiality=source.confidentiality, **sections)
    session.add(version)
    session.flush()
    replace_steps(session, pk(version), source.steps)
    _attach(session, store, version, files)
    freeze(session, document.code, version)
    version.submitted_at = version.approved_at = _signed_at(entry, zone, 8)
    transition(version, Event.SUBMIT if reviewers else Event.SUBMIT_FOR_APPROVAL)
    if reviewers:
        transition(version, Event.REVIEWS_COMPLETE)
    transition(version, Event.APPROVE)
    frozen_hash = version.content_hash
    assert frozen_hash is not None  # set by freeze()
    signers = [(drafter, Meaning.DRAFTED, 8), *[(user, Meaning.REVIEWED, 9) for user in reviewers],
               (approver, Meaning.APPROVED, 10)]
    session.add_all(
        Signature(version_id=pk(version), user_id=pk(user), meaning=meaning, review_round=1,
                  signed_at=_signed_at(entry, zone, hour), content_hash=frozen_hash,
                  signer_name=user.full_name, signer_title=user.title)
        for user, meaning, hour in signers
    )
    document.latest_version_id = version.id
    session.add_all([version, document])
    session.flush()
    make_effective(session, None, document, version)
    return version


def _history(session: Session, document: Document, source: ProcedureSource) -> None:
    known = set(session.execute(
        select(col(RevisionHistory.revision)).where(col(RevisionHistory.document_id) == document.id)
    ).scalars())
    session.add_all(
        RevisionHistory(document_id=pk(document), revision=entry.revision,
                        effective_date=entry.effective_date,
                        change_summary=entry.change_summary, changed_sections=entry.changed_sections)
        for entry in source.revisions[:-1] if entry.revision not in known
    )


def import_source(session: Session, source: ProcedureSource, zone: ZoneInfo, store: FileStore,
                  files_dir: Path) -> str:
    """Create or revise one document from its source, with the files it names from
    ``files_dir``; returns created, revised or unchanged."""
    unit = session.execute(select(Unit).where(col(Unit.code) == source.unit)).scalar_one_or_none()
    if unit is None:
        raise SourceError(source.key_lines.get("unit", 1), f"unknown unit {source.unit!r}")
    parent = None
    if source.parent:
        parent = session.execute(
            select(Document).where(col(Document.code) == source.parent)
        ).scalar_one_or_none()
        if parent is None:
            raise SourceError(source.key_lines.get("parent", 1), f"unknown parent document {source.parent!r}")
    document = session.execute(select(Document).where(col(Document.code) == source.code)).scalar_one_or_none()
    action = "revised"
    if document is None:
        action = "created"
        document = Document(code=source.code, title=source.title, kind=source.kind, owner_unit_id=unit.id,
                            confidentiality=source.confidentiality,
                            review_interval_months=source.review_interval_months,
                            parent_id=parent.id if parent else None)
        session.add(document)
        session.flush()
    else:
        latest = session.get(Version, document.latest_version_id) if document.latest_version_id else None
        if latest is not None and latest.revision >= source.current.revision:
            if latest.revision == source.current.revision:
                _check_same_revision(session, document, latest, source, unit)
            return "unchanged"
    files = _read_files(source, files_dir)
    _history(session, document, source)
    _new_version(session, source, document, unit, zone, store, files)
    external.save_details(session, None, document, source.external, actor_username=IMPORTER)
    search_index.refresh(session, document)
    audit.record(session, actor=None, actor_username=IMPORTER, action=f"document.import_{action}",
                 object_type="document", object_id=document.code,
                 details={"revision": source.current.revision, "title": source.title,
                          "files": [{"name": file.name, "sha256": sha256_of(file.data)} for file in files]})
    return action


def _check_same_revision(session: Session, document: Document, latest: Version, source: ProcedureSource,
                         unit: Unit) -> None:
    """A source naming a revision already imported must hold what that revision signed: a new
    title, kind, unit or confidentiality, like new text, needs a new revision."""
    line = source.key_lines.get("revision", 1)
    differing = [name for name, theirs, ours in (
        ("title", source.title, latest.title), ("kind", source.kind, latest.kind),
        ("unit", unit.id, latest.owner_unit_id),
        ("confidentiality", source.confidentiality, latest.confidentiality),
    ) if theirs != ours]
    if differing:
        raise SourceError(source.key_lines.get(differing[0], line),
                          f"revision {latest.revision} was signed with another {', '.join(differing)}; "
                          "add a new [[revisions]] entry for the change")
    if latest.content_hash not in _source_hashes(session, document.code, latest, source):
        raise SourceError(line, f"revision {latest.revision} already exists with other content; "
                                "add a new [[revisions]] entry for the change")


def _source_hashes(session: Session, code: str, latest: Version, source: ProcedureSource) -> set[str | None]:
    """The content hashes the source has had, with the scheme and the frozen parts and metadata of
    the version imported from it, and as imported before the place of the steps table was kept
    in the content (an earlier import is the same revision)."""
    scheme = latest.hash_scheme or CURRENT_SCHEME
    parts = frozen_parts(session, pk(latest))
    metadata = signed_metadata(session, latest)

    def digest(sections: dict[str, Any]) -> str:
        return content_hash(code, Version(revision=latest.revision, **sections,
                                          change_summary=source.current.change_summary,
                                          changed_sections=source.current.changed_sections), source.steps,
                            parts, metadata, scheme=scheme)

    legacy = {**source.sections, "content": without_marker(source.sections.get("content", "")).strip()}
    return {digest(sections) for sections in (source.sections, legacy)}


def _ordered(files: list[Path]) -> list[Path]:
    """Procedures before the forms that belong to them."""
    return sorted(files, key=lambda path: (path.name.upper().startswith("BM"), path.name))


def import_directory(session: Session, directory: Path, zone: ZoneInfo, store: FileStore,
                     adjust: Callable[[ProcedureSource], ProcedureSource] | None = None) -> list[FileReport]:
    """Import every source file of ``directory``; the files they name are in its ``files/``.
    ``adjust`` may change each parsed source before it is imported (the demo moves its dates)."""
    reports: list[FileReport] = []
    files = [p for p in directory.glob("*.md") if p.name.lower() != "readme.md" and p.is_file()]
    for path in _ordered(files):
        code = ""
        savepoint = session.begin_nested()
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise SourceError(1, "the file is larger than 2 MB")
            source = parse_source(path.read_text(encoding="utf-8"))
            if adjust is not None:
                source = adjust(source)
            code = source.code
            action = import_source(session, source, zone, store, directory / FILES_FOLDER)
            savepoint.commit()
            reports.append(FileReport(path.name, code, action))
        except (SourceError, UnicodeDecodeError) as exc:
            savepoint.rollback()
            message = str(exc) if isinstance(exc, SourceError) else "not UTF-8 text"
            reports.append(FileReport(path.name, code, "error", message))
    return reports
