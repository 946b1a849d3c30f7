"""The content of a version: its steps, its hash and its edit tag."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy import delete, select
from sqlmodel import Session, col

from qms.accounts.models import Unit
from qms.core.db import pk
from qms.documents.models import SECTIONS, Version, VersionStep
from qms.documents.schemas import Step


def steps_of(session: Session, version_id: int) -> list[Step]:
    rows = session.execute(
        select(VersionStep).where(col(VersionStep.version_id) == version_id)
        .order_by(col(VersionStep.position))
    ).scalars()
    return [Step(step=r.step, responsibility=r.responsibility, task=r.task, duration=r.duration,
                 output=r.output) for r in rows]


def replace_steps(session: Session, version_id: int, steps: Sequence[Step]) -> None:
    session.execute(delete(VersionStep).where(col(VersionStep.version_id) == version_id))
    session.add_all(
        VersionStep(version_id=version_id, position=index, **step.model_dump())
        for index, step in enumerate(steps, start=1)
    )
    session.flush()


FrozenPart = Callable[[Session, int], object]
_frozen_parts: dict[str, FrozenPart] = {}


def frozen_part(name: str) -> Callable[[FrozenPart], FrozenPart]:
    """Register ``part(session, version_id)``: content another capability keeps with a version
    (the library's attached files), frozen and signed with it. It returns plain JSON data."""
    def register(part: FrozenPart) -> FrozenPart:
        _frozen_parts[name] = part
        return part
    return register


def frozen_parts(session: Session, version_id: int) -> dict[str, object]:
    return {name: part(session, version_id) for name, part in sorted(_frozen_parts.items())}


#: How a version's content is hashed, by the number kept in ``Version.hash_scheme``:
#: 1 — code, revision, sections, steps and change summary (the first release);
#: 2 — also the frozen parts (the attached files by name and SHA-256);
#: 3 — also the signed metadata: title, kind, owner unit (by its code, which never changes)
#: and confidentiality.
#: A version is checked with the scheme it was frozen with, so versions frozen before a scheme
#: existed keep verifying (migration 0008 recorded theirs); new freezes use ``CURRENT_SCHEME``.
HASH_SCHEMES = (1, 2, 3)
CURRENT_SCHEME = 3


def signed_metadata(session: Session, version: Version) -> dict[str, str]:
    """The metadata a version signs, the owner unit named by its code."""
    unit = session.get(Unit, version.owner_unit_id) if version.owner_unit_id is not None else None
    return {"title": version.title, "kind": version.kind, "owner_unit": unit.code if unit else "",
            "confidentiality": version.confidentiality}


def content_hash(code: str, version: Version, steps: Sequence[Step], parts: Mapping[str, object] | None,
                 metadata: Mapping[str, str] | None = None, *, scheme: int = CURRENT_SCHEME) -> str:
    """SHA-256 over the content a signer vouches for, in a canonical JSON form.

    The effective date is a decision of the approver, not content, so it is not hashed.
    ``parts`` are the :func:`frozen_parts` (schemes 2 and 3), ``metadata`` the
    :func:`signed_metadata` (scheme 3); see :data:`HASH_SCHEMES`.
    """
    if scheme not in HASH_SCHEMES:
        raise ValueError(f"unknown hash scheme {scheme!r}")
    payload: dict[str, object] = {
        "code": code,
        "revision": version.revision,
        "sections": {name: getattr(version, name) for name in SECTIONS},
        "steps": [step.model_dump() for step in steps],
        "change_summary": version.change_summary,
        "changed_sections": version.changed_sections,
    }
    if scheme >= 2:
        payload["parts"] = dict(parts or {})
    if scheme >= 3:
        payload["scheme"] = scheme
        payload["metadata"] = dict(metadata or {})
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def hash_with(session: Session, code: str, version: Version, scheme: int) -> str:
    """The hash of the version as the database holds it now, computed with ``scheme``."""
    parts = frozen_parts(session, pk(version)) if scheme >= 2 else None
    metadata = signed_metadata(session, version) if scheme >= 3 else None
    return content_hash(code, version, steps_of(session, pk(version)), parts, metadata, scheme=scheme)


def current_hash(session: Session, code: str, version: Version) -> str:
    """The hash of the version's content as it is now in the database, with the current scheme."""
    return hash_with(session, code, version, CURRENT_SCHEME)


def freeze(session: Session, code: str, version: Version) -> None:
    """Record the hash of the content as it is now: what the signatures will vouch for."""
    version.content_hash = current_hash(session, code, version)
    version.hash_scheme = CURRENT_SCHEME


def frozen_hash_matches(session: Session, code: str, version: Version) -> bool:
    """Whether the content, metadata and frozen parts are still what was frozen, recomputed with
    the scheme the version was frozen with. False for a version that was never frozen."""
    if not version.content_hash:
        return False
    scheme = version.hash_scheme or CURRENT_SCHEME
    if scheme not in HASH_SCHEMES:
        return False
    return version.content_hash == hash_with(session, code, version, scheme)


def same_content(session: Session, version: Version, other: Version) -> bool:
    """Whether two versions say the same: sections, steps, attached files and signed metadata.
    The change summary and the effective date are about a revision, not its content."""
    return (
        version.section_map() == other.section_map()
        and steps_of(session, pk(version)) == steps_of(session, pk(other))
        and frozen_parts(session, pk(version)) == frozen_parts(session, pk(other))
        and signed_metadata(session, version) == signed_metadata(session, other)
    )


def etag_of(version: Version) -> str:
    return f'"{version.id}-{version.lock_version}"'


def etag_matches(version: Version, supplied: str | None) -> bool:
    if not supplied:
        return False
    wanted = etag_of(version).strip('"')
    candidates = [part.strip().removeprefix("W/").strip('"') for part in supplied.split(",")]
    return wanted in candidates
