"""The content of a version: its steps, its hash and its edit tag."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy import delete, select
from sqlmodel import Session

from qms.documents.models import SECTIONS, Version, VersionStep
from qms.documents.schemas import Step


def steps_of(session: Session, version_id: int) -> list[Step]:
    rows = session.execute(
        select(VersionStep).where(VersionStep.version_id == version_id).order_by(VersionStep.position)
    ).scalars()
    return [Step(step=r.step, responsibility=r.responsibility, task=r.task, duration=r.duration,
                 output=r.output) for r in rows]


def replace_steps(session: Session, version_id: int, steps: Sequence[Step]) -> None:
    session.execute(delete(VersionStep).where(VersionStep.version_id == version_id))
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


def content_hash(code: str, version: Version, steps: Sequence[Step],
                 parts: Mapping[str, object] | None) -> str:
    """SHA-256 over the content a signer vouches for, in a canonical JSON form.

    The effective date is a decision of the approver, not content, so it is not hashed.
    ``parts`` are the :func:`frozen_parts`; ``None`` gives the hash of versions frozen before
    parts were signed, which :func:`frozen_hash_matches` still accepts for them.
    """
    payload: dict[str, object] = {
        "code": code,
        "revision": version.revision,
        "sections": {name: getattr(version, name) for name in SECTIONS},
        "steps": [step.model_dump() for step in steps],
        "change_summary": version.change_summary,
        "changed_sections": version.changed_sections,
    }
    if parts is not None:
        payload["parts"] = dict(parts)
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def current_hash(session: Session, code: str, version: Version) -> str:
    """The hash of the version's content as it is now in the database."""
    return content_hash(code, version, steps_of(session, version.id), frozen_parts(session, version.id))


def frozen_hash_matches(session: Session, code: str, version: Version) -> bool:
    """Whether the content is still what was frozen at submission. A hash without parts can
    only come from before they were signed (every later one has the key), so it is
    compared with the content without them."""
    steps = steps_of(session, version.id)
    return version.content_hash in (content_hash(code, version, steps, frozen_parts(session, version.id)),
                                    content_hash(code, version, steps, None))


def etag_of(version: Version) -> str:
    return f'"{version.id}-{version.lock_version}"'


def etag_matches(version: Version, supplied: str | None) -> bool:
    if not supplied:
        return False
    wanted = etag_of(version).strip('"')
    candidates = [part.strip().removeprefix("W/").strip('"') for part in supplied.split(",")]
    return wanted in candidates
