"""The signed original of a version must still be in the store, byte for byte, and be the file
the audit trail says was signed for it (the ``record.sign`` event, itself protected by the
chain), so that a record pointed at other stored bytes shows too."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlmodel import Session, col

from qms.audit.models import AuditEvent
from qms.core.i18n import _
from qms.documents.integrity import StoredBytes, frozen_versions
from qms.documents.models import Document, Version
from qms.files.storage import FileStore
from qms.records.models import SignedRecord


def _signed_in_trail(session: Session, refs: list[str]) -> dict[str, str]:
    """The SHA-256 of the last signing event of each version named."""
    signed: dict[str, str] = {}
    for start in range(0, len(refs), 500):
        events = session.execute(
            select(col(AuditEvent.object_id), col(AuditEvent.details))
            .where(col(AuditEvent.action) == "record.sign", col(AuditEvent.object_type) == "version",
                   col(AuditEvent.object_id).in_(refs[start:start + 500]))
            .order_by(col(AuditEvent.id))
        ).all()
        for ref, details in events:
            digest = json.loads(details).get("sha256")
            if isinstance(digest, str):
                signed[ref] = digest
    return signed


def signed_record_bytes(session: Session, store: FileStore,
                        version_ids: Collection[int] | None) -> dict[int, list[str]]:
    files = StoredBytes(store)
    problems: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(col(SignedRecord.version_id), col(SignedRecord.sha256), col(Document.code),
               col(Version.revision))
        .join(Version, col(Version.id) == SignedRecord.version_id)
        .join(Document, col(Document.id) == Version.document_id)
        .where(col(SignedRecord.version_id).in_(frozen_versions(version_ids)))
    ).all()
    signed = _signed_in_trail(session, [f"{code}/{revision}" for _id, _sha, code, revision in rows])
    for version_id, sha256, code, revision in rows:
        if signed.get(f"{code}/{revision}") != sha256:
            problems[version_id].append(_("its signed PDF is not the one the audit trail records"))
        found = files.problem(sha256)
        if found == "missing":
            problems[version_id].append(_("its signed PDF is missing from the store"))
        elif found:
            problems[version_id].append(_("its signed PDF was altered in the store"))
    return problems
