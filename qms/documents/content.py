"""The content of a version: its steps, its hash and its edit tag."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

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


def content_hash(code: str, version: Version, steps: Sequence[Step]) -> str:
    """SHA-256 over the content a signer vouches for, in a canonical JSON form.

    The effective date is a decision of the approver, not content, so it is not hashed.
    """
    payload = {
        "code": code,
        "revision": version.revision,
        "sections": {name: getattr(version, name) for name in SECTIONS},
        "steps": [step.model_dump() for step in steps],
        "change_summary": version.change_summary,
        "changed_sections": version.changed_sections,
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def etag_of(version: Version) -> str:
    return f'"{version.id}-{version.lock_version}"'


def etag_matches(version: Version, supplied: str | None) -> bool:
    if not supplied:
        return False
    wanted = etag_of(version).strip('"')
    candidates = [part.strip().removeprefix("W/").strip('"') for part in supplied.split(",")]
    return wanted in candidates
