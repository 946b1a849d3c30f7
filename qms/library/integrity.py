"""The attached files of frozen versions must still be in the store, byte for byte.

Their names and SHA-256 are signed with the version (the content hash), so a changed
SHA-256 in the database shows there; this checks the bytes the SHA-256 names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlmodel import Session, col

from qms.core.i18n import _
from qms.documents.integrity import StoredBytes, frozen_versions
from qms.files.storage import FileStore
from qms.library.models import Attachment


def attachment_bytes(session: Session, store: FileStore,
                     version_ids: Collection[int] | None) -> dict[int, list[str]]:
    files = StoredBytes(store)
    problems: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(col(Attachment.version_id), col(Attachment.name), col(Attachment.sha256))
        .where(col(Attachment.version_id).in_(frozen_versions(version_ids)))
        .order_by(col(Attachment.version_id), col(Attachment.name))
    ).all()
    for version_id, name, sha256 in rows:
        found = files.problem(sha256)
        if found == "missing":
            problems[version_id].append(_("the attached file %(name)s is missing from the store", name=name))
        elif found:
            problems[version_id].append(_("the attached file %(name)s was altered in the store", name=name))
    return problems
