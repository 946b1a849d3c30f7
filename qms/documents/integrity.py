"""Whether what is stored now still matches what was signed.

Every version from submission on (``in_review`` and after) carries the content hash its
signatures vouch for. Here it is recomputed from what the database holds now, each
signature of the version's current round must carry it, and other capabilities check the
bytes they keep for a version in the file store (the library its attached files, records
the signed PDF): :func:`stored_files_check` registers them. A database edited behind the
application's back shows as a version that no longer verifies, whatever the pages say.

The work is a fixed number of queries over the whole library, plus the content hash of
each version, recomputed by :func:`qms.documents.content.frozen_hash_matches`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, or_, select
from sqlmodel import Session, col

from qms.audit.models import AuditEvent
from qms.audit.policy import can_read_trail
from qms.audit.service import ChainStatus, PrincipalLike, verify_chain
from qms.core.db import pk
from qms.core.errors import Conflict
from qms.core.i18n import _
from qms.documents.content import frozen_hash_matches
from qms.documents.lifecycle import FROZEN_STATES
from qms.documents.models import SIGNED_METADATA, Document, Signature, Version, version_ref
from qms.files.storage import FileStore, sha256_of

#: ``check(session, store, version_ids)`` → problems by version id; ``version_ids`` None: all
#: frozen versions.
StoreCheck = Callable[[Session, FileStore, Collection[int] | None], dict[int, list[str]]]
_store_checks: dict[str, StoreCheck] = {}
_FROZEN = sorted(FROZEN_STATES)


def stored_files_check(name: str) -> Callable[[StoreCheck], StoreCheck]:
    """Register a check of the bytes a capability keeps in the file store for frozen versions."""
    def register(check: StoreCheck) -> StoreCheck:
        _store_checks[name] = check
        return check
    return register


class StoredBytes:
    """Whether bytes in the store still hash to their name; each file read once per check."""

    def __init__(self, store: FileStore) -> None:
        self.store = store
        self._seen: dict[str, str | None] = {}

    def problem(self, sha256: str) -> str | None:
        if sha256 not in self._seen:
            try:
                data = self.store.get(sha256)
            except (FileNotFoundError, ValueError):
                self._seen[sha256] = "missing"
            else:
                self._seen[sha256] = None if sha256_of(data) == sha256 else "altered"
        return self._seen[sha256]


def frozen_versions(version_ids: Collection[int] | None) -> Select[int | None]:
    """The query of frozen versions (all, or those of ``version_ids``), for store checks."""
    query = select(col(Version.id)).where(col(Version.status).in_(_FROZEN))
    if version_ids is not None:
        query = query.where(col(Version.id).in_(list(version_ids)))
    return query


@dataclass(frozen=True)
class VersionFinding:
    version_id: int
    code: str
    revision: int
    problems: tuple[str, ...]

    @property
    def ref(self) -> str:
        return f"{self.code}/{self.revision:02d}"


def check_versions(session: Session, store: FileStore, version_ids: Collection[int] | None = None,
                   skip: Collection[str] = ()) -> tuple[int, list[VersionFinding]]:
    """(versions checked, those that no longer verify), in code and revision order; ``skip``
    names store checks left out."""
    query = (select(Document, Version).join(Document, col(Document.id) == Version.document_id)
             .where(col(Version.status).in_(_FROZEN)).order_by(col(Document.code), col(Version.revision)))
    if version_ids is not None:
        query = query.where(col(Version.id).in_(list(version_ids)))
    rows = [(document, version) for document, version in session.execute(query).all()]
    problems = _problems(session, store, rows, version_ids, skip)
    findings = [VersionFinding(version.id, document.code, version.revision, tuple(problems[version.id]))
                for document, version in rows if problems.get(version.id)]
    return len(rows), findings


def _problems(session: Session, store: FileStore, rows: Sequence[tuple[Document, Version]],
              version_ids: Collection[int] | None, skip: Collection[str]) -> dict[int, list[str]]:
    problems: dict[int, list[str]] = defaultdict(list)
    for document, version in rows:
        if not version.content_hash or not frozen_hash_matches(session, document.code, version):
            problems[pk(version)].append(_("its content is no longer what was signed"))
    mismatched = (
        select(col(Signature.version_id), col(Signature.signer_name), col(Signature.meaning))
        .join(Version, col(Version.id) == Signature.version_id)
        .where(col(Version.status).in_(_FROZEN), col(Signature.review_round) == Version.review_round,
               col(Signature.content_hash) != Version.content_hash)
        .order_by(col(Signature.id))
    )
    if version_ids is not None:
        mismatched = mismatched.where(col(Version.id).in_(list(version_ids)))
    for version_id, signer, meaning in session.execute(mismatched).all():
        problems[version_id].append(_("the signature of %(signer)s (%(meaning)s) is over other content",
                                      signer=signer, meaning=meaning))
    for version_id, problem in _trail_disagreements(session, rows):
        problems[version_id].append(problem)
    for name, check in sorted(_store_checks.items()):
        if name in skip:
            continue
        for version_id, found in check(session, store, version_ids).items():
            problems[version_id].extend(found)
    return problems


#: Events whose details record the content hash a version had when it was submitted, signed
#: or came into force.
_HASH_EVENTS = ("version.submit", "version.effective")
#: Up to this many versions the queries name them; beyond, they read everything once.
_FEW = 500


def _trail_disagreements(session: Session, rows: Sequence[tuple[Document, Version]]) -> list[tuple[int, str]]:
    """Versions whose stored hash is not the one the audit trail last recorded for them, and
    documents whose register details are not those their version in force signed.

    The trail is keyed and anchored outside the database, so a hash rewritten together with the
    text and the signatures (a consistent forgery of the database alone) still disagrees with
    the last hash the trail wrote for the version. One query, whatever the size of the library.
    """
    if not rows:
        return []
    by_ref = {version_ref(document, version): version for document, version in rows}
    events = select(col(AuditEvent.object_id), col(AuditEvent.details)).where(
        col(AuditEvent.object_type) == "version",
        or_(col(AuditEvent.action).in_(_HASH_EVENTS), col(AuditEvent.action).like("signature.%")),
    ).order_by(col(AuditEvent.id))
    if len(by_ref) <= _FEW:
        events = events.where(col(AuditEvent.object_id).in_(list(by_ref)))
    recorded: dict[str, str] = {}
    for ref, details in session.execute(events).all():
        if ref in by_ref and (content_hash := json.loads(details or "{}").get("content_hash")):
            recorded[ref] = content_hash
    found = [(pk(by_ref[ref]), _("its content hash is not the one the audit trail recorded for it"))
             for ref, content_hash in recorded.items() if by_ref[ref].content_hash != content_hash]
    for document, version in rows:
        if document.effective_version_id == version.id and any(
                getattr(document, name) != getattr(version, name) for name in SIGNED_METADATA):
            found.append((pk(version), _("the register shows other details (title, kind, unit or "
                                        "confidentiality) than those %(ref)s signed",
                                        ref=version_ref(document, version))))
    return found


def version_problems(session: Session, store: FileStore, document: Document, version: Version,
                     skip: Collection[str] = ()) -> tuple[str, ...]:
    """What no longer matches the signatures of one version (nothing for a draft)."""
    if version.status not in FROZEN_STATES or version.id is None:
        return ()
    return tuple(_problems(session, store, [(document, version)], [version.id], skip)[version.id])


def require_intact(session: Session, store: FileStore, document: Document, version: Version) -> None:
    """Refuse to present a version as signed when its content or attached files no longer match
    the signatures. The signed PDF is left out: a record is made from the content, and a
    missing signed original is signed again from it."""
    problems = version_problems(session, store, document, version, skip=("signed_record",))
    if problems:
        raise Conflict(_("This revision no longer matches its signatures (%(problems)s); no record "
                         "of it is produced. Tell the quality officer and the auditor.",
                         problems="; ".join(problems)))


@dataclass(frozen=True)
class IntegrityReport:
    chain: ChainStatus
    versions_checked: int
    bad_versions: list[VersionFinding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.bad_versions

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "events": self.chain.events,
            "first_bad_event": self.chain.first_bad_event,
            "chain_ok": self.chain.ok,
            "chain_problem": self.chain.reason or None,
            "versions_checked": self.versions_checked,
            "bad_versions": [finding.ref for finding in self.bad_versions],
            "version_problems": [{"version": finding.ref, "problems": list(finding.problems)}
                                 for finding in self.bad_versions],
        }


def check_integrity(session: Session, actor: PrincipalLike, store: FileStore) -> IntegrityReport:
    can_read_trail.require(actor)
    return verify_integrity(session, store)


def verify_integrity(session: Session, store: FileStore) -> IntegrityReport:
    """The audit chain and every frozen version with its stored files, from what is stored now."""
    chain = verify_chain(session)
    checked, findings = check_versions(session, store)
    return IntegrityReport(chain, checked, findings)
