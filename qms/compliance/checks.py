"""Checks of document control computed from the data, grouped by ISO 9001 clause.

Each check reads the whole library in one or two queries; a finding names the object,
says what is wrong and links to where it can be put right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.compliance.policy import can_read_compliance
from qms.core.clock import add_months
from qms.core.i18n import _
from qms.core.roles import Role
from qms.distribution.choices import CopyState, TaskState
from qms.distribution.models import Acknowledgement, PaperCopy
from qms.documents import external, withdrawn
from qms.documents.choices import ExternalStatus, Meaning, Status
from qms.documents.integrity import check_versions
from qms.documents.labels import role_in_signoff
from qms.documents.lifecycle import ENDED_STATES
from qms.documents.models import Document, ExternalDetails, Signature, Version, VersionReviewer
from qms.files.storage import FileStore
from qms.library.attachments import can_download
from qms.library.models import Attachment
from qms.record_keeping.models import RecordEntry

UNRECALLED = (CopyState.ISSUED, CopyState.TO_RECALL)
#: Someone with no role but staff, to ask the access rules what ordinary staff may do.
_STAFF_PROBE = Principal(
    id=0,
    username="",
    full_name="",
    title="",
    unit_id=0,
    unit_code="",
    unit_name="",
    email=None,
    roles=frozenset({Role.STAFF}),
    must_change_password=False,
)


@dataclass(frozen=True)
class Finding:
    object: str
    message: str
    link: str = ""


@dataclass
class ClauseResult:
    clause: str
    title: str
    findings: list[Finding] = field(default_factory=list)


def _unsigned_effective(session: Session, today: date) -> list[Finding]:
    """Effective versions lacking the drafter's or the approver's signature over their content,
    or a named reviewer's."""
    rows = session.execute(
        select(col(Document.code), col(Version.id), col(Version.revision), col(Version.content_hash)).join(
            Version, col(Version.id) == Document.effective_version_id
        )
    ).all()
    signed = {
        (version_id, meaning)
        for version_id, meaning in session.execute(
            select(col(Signature.version_id), col(Signature.meaning))
            .join(Version, col(Version.id) == Signature.version_id)
            .where(
                col(Signature.purpose) == "issue",
                col(Signature.content_hash) == Version.content_hash,
                col(Signature.review_round) == Version.review_round,
                col(Version.status) == Status.EFFECTIVE,
            )
        ).all()
    }
    reviewers = dict(
        session.execute(
            select(col(VersionReviewer.version_id), func.count())
            .join(Version, col(Version.id) == VersionReviewer.version_id)
            .where(col(Version.status) == Status.EFFECTIVE)
            .group_by(col(VersionReviewer.version_id))
        ).all()
    )
    reviews = dict(
        session.execute(
            select(col(Signature.version_id), func.count(func.distinct(col(Signature.user_id))))
            .join(Version, col(Version.id) == Signature.version_id)
            .where(
                col(Signature.meaning) == Meaning.REVIEWED,
                col(Signature.purpose) == "issue",
                col(Version.status) == Status.EFFECTIVE,
                col(Signature.content_hash) == Version.content_hash,
                col(Signature.review_round) == Version.review_round,
            )
            .group_by(col(Signature.version_id))
        ).all()
    )
    findings = []
    for code, version_id, revision, content_hash in rows:
        missing = [role_in_signoff(meaning) for meaning in (Meaning.DRAFTED, Meaning.APPROVED)
                   if (version_id, meaning) not in signed]
        if reviews.get(version_id, 0) < reviewers.get(version_id, 0):
            missing.append(role_in_signoff(Meaning.REVIEWED))
        if not content_hash:
            missing.append(_("content hash"))
        if missing:
            findings.append(
                Finding(
                    f"{code}/{revision}",
                    _("in force without a valid signature: %(missing)s", missing=", ".join(missing)),
                    f"/documents/{code}/versions/{revision}",
                )
            )
    return findings


def _reviews_overdue(session: Session, today: date) -> list[Finding]:
    rows = session.execute(
        select(col(Document.code), col(Document.title), col(Document.next_review_on),
               col(Document.needs_review))
        .where(col(Document.effective_version_id).is_not(None))
        .where((col(Document.next_review_on) < today) | col(Document.needs_review))
        .order_by(col(Document.next_review_on))
    ).all()
    findings = []
    for code, title, due, flagged in rows:
        if due is not None and due < today:
            findings.append(
                Finding(
                    code,
                    _(
                        "periodic review of “%(title)s” overdue since %(day)s",
                        title=title,
                        day=due.strftime("%d/%m/%Y"),
                    ),
                    f"/documents/{code}",
                )
            )
        if flagged:
            findings.append(
                Finding(code, _("“%(title)s” is marked as needing review", title=title), f"/documents/{code}")
            )
    return findings


def _overdue_acknowledgements(session: Session, today: date, now: datetime) -> list[Finding]:
    rows = session.execute(
        select(col(Document.code), col(Version.revision), func.count())
        .select_from(Acknowledgement)
        .join(Version, col(Version.id) == Acknowledgement.version_id)
        .join(Document, col(Document.id) == Version.document_id)
        .where(
            col(Acknowledgement.status) == TaskState.PENDING, col(Acknowledgement.due_at) < now,
            col(Version.status) == Status.EFFECTIVE
        )
        .group_by(col(Document.code), col(Version.revision))
        .order_by(Document.code)
    ).all()
    return [
        Finding(
            f"{code}/{revision}",
            _("%(n)s acknowledgements overdue", n=count),
            f"/documents/{code}/versions/{revision}",
        )
        for code, revision, count in rows
    ]


def _unrecalled_copies(session: Session, today: date) -> list[Finding]:
    """Copies of ended versions still out: flagged for recall, or (issued before the flag
    existed) still marked issued; returned and destroyed copies are back."""
    rows = session.execute(
        select(col(Document.code), col(Version.revision), col(Version.status), func.count())
        .select_from(PaperCopy)
        .join(Version, col(Version.id) == PaperCopy.version_id)
        .join(Document, col(Document.id) == Version.document_id)
        .where(col(PaperCopy.status).in_(UNRECALLED), col(Version.status).in_(ENDED_STATES))
        .group_by(col(Document.code), col(Version.revision), col(Version.status))
        .order_by(Document.code)
    ).all()
    return [
        Finding(
            f"{code}/{revision}",
            _(
                "%(n)s controlled paper copies of a %(status)s revision not yet recalled",
                n=count,
                status=Status.in_sentence(status),
            ),
            "/distribution/recalls",
        )
        for code, revision, status, count in rows
    ]


def _changed_external_citations(session: Session, today: date) -> list[Finding]:
    """Documents in force citing an external document that was amended or has expired."""
    changed = session.execute(
        select(col(Document.code), col(ExternalDetails.number), col(ExternalDetails.status))
        .select_from(ExternalDetails)
        .join(Document, col(Document.id) == ExternalDetails.document_id)
        .where(col(ExternalDetails.status).in_(external.NOT_IN_FORCE))
    ).all()
    flagged = session.execute(
        select(col(Document.code), col(Version.references))
        .join(Version, col(Version.id) == Document.effective_version_id)
        .where(col(Document.needs_review))
    ).all()
    findings = []
    for code, references in flagged:
        for external_code, number, status in changed:
            if external_code in references or (number and number in references):
                findings.append(
                    Finding(
                        code,
                        _(
                            "cites %(ref)s, which is %(status)s",
                            ref=number or external_code,
                            status=ExternalStatus.in_sentence(status),
                        ),
                        f"/documents/{code}",
                    )
                )
    return findings


def _obsolete_forms_downloadable(session: Session, today: date) -> list[Finding]:
    """Files of ended versions that a member of staff could still download."""
    rows = session.execute(
        select(col(Document.code), Version, col(Attachment.name))
        .select_from(Attachment)
        .join(Version, col(Version.id) == Attachment.version_id)
        .join(Document, col(Document.id) == Version.document_id)
        .where(col(Version.status).in_(ENDED_STATES))
    ).all()
    return [
        Finding(
            f"{code}/{version.revision}",
            _("the file %(name)s of an ended revision can still be downloaded by staff", name=name),
            f"/documents/{code}/versions/{version.revision}",
        )
        for code, version, name in rows
        if can_download(_STAFF_PROBE, version)
    ]


def _withdrawn_forms_linked(session: Session, zone: ZoneInfo) -> list[Finding]:
    """Documents in force still linking a form that was withdrawn (staff would look for it)."""
    return [
        Finding(
            f"{code}/{revision}",
            _("still refers to the form %(form)s, withdrawn on %(day)s", form=form.code,
              day=form.withdrawn_at.astimezone(zone).strftime("%d/%m/%Y") if form.withdrawn_at else "?"),
            f"/documents/{code}",
        )
        for code, revision, form in withdrawn.links_in_force(session)
    ]


def _obsolete_forms(session: Session, today: date, zone: ZoneInfo) -> list[Finding]:
    return _obsolete_forms_downloadable(session, today) + _withdrawn_forms_linked(session, zone)


def _records_past_retention(session: Session, today: date) -> list[Finding]:
    rows = session.execute(
        select(col(Document.code), col(RecordEntry.name), col(RecordEntry.retention_years),
               col(Version.ended_at))
        .select_from(RecordEntry)
        .join(Document, col(Document.id) == RecordEntry.document_id)
        .join(Version, col(Version.document_id) == Document.id)
        .where(
            col(RecordEntry.permanent).is_(False),
            col(RecordEntry.retention_years).is_not(None),
            col(Version.status) == Status.OBSOLETE,
            col(Document.effective_version_id).is_(None),
        )
    ).all()
    findings = []
    for code, name, years, ended_at in rows:
        if ended_at is not None and add_months(ended_at.date(), 12 * years) < today:
            findings.append(
                Finding(
                    code,
                    _(
                        "records “%(name)s” of a withdrawn procedure are past their %(years)s-year "
                        "retention: dispose of them as the register says",
                        name=name,
                        years=years,
                    ),
                    f"/documents/{code}/records",
                )
            )
    return findings


def _not_matching_signatures(session: Session, today: date, store: FileStore) -> list[Finding]:
    """Versions whose stored content, attached files or signed PDF no longer match their signatures."""
    _checked, findings = check_versions(session, store)
    return [Finding(finding.ref, _("no longer matches its signatures: %(problems)s",
                                   problems="; ".join(finding.problems)),
                    f"/documents/{finding.code}/versions/{finding.revision}")
            for finding in findings]


CHECKS: list[tuple[str, Callable[[], str], Callable[..., list[Finding]]]] = [
    ("7.5.2 / 4.2.3 a", lambda: _("Documents are approved before issue"), _unsigned_effective),
    ("7.5.3.2 c / 4.2.3 c", lambda: _("Documents and records are protected from unintended alteration"),
     _not_matching_signatures),
    ("7.5.2 / 4.2.3 b", lambda: _("Documents are reviewed and updated"), _reviews_overdue),
    (
        "7.5.3.1 a / 4.2.3 d",
        lambda: _("Relevant versions are available where they are used"),
        _overdue_acknowledgements,
    ),
    ("7.5.3.2 d / 4.2.3 g", lambda: _("Obsolete documents are kept from unintended use"), _unrecalled_copies),
    (
        "7.5.3.2 / 4.2.3 f",
        lambda: _("Documents of external origin are controlled"),
        _changed_external_citations,
    ),
    ("7.5.3.2 / 4.2.3 g", lambda: _("Obsolete forms are not offered for use"), _obsolete_forms),
    (
        "7.5.3.2 / 4.2.4",
        lambda: _("Records are kept for their retention period, then disposed of"),
        _records_past_retention,
    ),
]


def compliance_report(session: Session, actor: Principal, today: date, zone: ZoneInfo,
                      store: FileStore) -> list[ClauseResult]:
    """The findings by clause; ``store`` holds the files whose bytes are checked."""
    can_read_compliance.require(actor)
    now = datetime.combine(today, time.min, zone)
    results = []
    for clause, title, check in CHECKS:
        if check is _overdue_acknowledgements:
            args: tuple[object, ...] = (session, today, now)
        elif check is _not_matching_signatures:
            args = (session, today, store)
        elif check is _obsolete_forms:
            args = (session, today, zone)
        else:
            args = (session, today)
        results.append(ClauseResult(clause, title(), check(*args)))
    return results
