"""The signed original of a version must still be in the store, byte for byte."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlmodel import Session

from qms.documents.integrity import StoredBytes, frozen_versions, stored_files_check
from qms.i18n import _
from qms.records.models import SignedRecord
from qms.storage import FileStore


@stored_files_check("signed_record")
def signed_record_bytes(session: Session, store: FileStore,
                        version_ids: Collection[int] | None) -> dict[int, list[str]]:
    files = StoredBytes(store)
    problems: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(SignedRecord.version_id, SignedRecord.sha256, SignedRecord.size)
        .where(SignedRecord.version_id.in_(frozen_versions(version_ids)))
    ).all()
    for version_id, sha256, _size in rows:
        found = files.problem(sha256)
        if found == "missing":
            problems[version_id].append(_("its signed PDF is missing from the store"))
        elif found:
            problems[version_id].append(_("its signed PDF was altered in the store"))
    return problems
