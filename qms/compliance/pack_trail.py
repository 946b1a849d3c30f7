"""The whole audit trail for the audit pack: every event with its hash columns, the chain's head,
and a script that re-checks the chain with Python's standard library alone."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from qms.audit.anchor import anchor_for
from qms.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from qms.compliance import verify_trail
from qms.core.csv_export import neutralise_reversibly

SCRIPT = Path(verify_trail.__file__)


def _payload_row(event: AuditEvent) -> dict[str, str]:
    """The event as the hash saw it: the same strings, so that the script recomputes the same bytes."""
    return {
        "id": str(event.id),
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": "" if event.actor_id is None else str(event.actor_id),
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "address": event.address,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def trail_files(session: Session) -> tuple[dict[str, bytes], int]:
    """The pack's files of the audit trail (by name) and the number of events, read up to the
    head as it is when the pack is made."""
    head = session.get(AuditHead, 1)
    last_id, last_hash = (head.last_id, head.last_hash) if head else (0, GENESIS_HASH)
    anchor = anchor_for(session)
    keyed_from = anchor.read(up_to=last_id).keyed_from if anchor is not None else None
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=verify_trail.COLUMNS, lineterminator="\r\n",
                            quoting=csv.QUOTE_ALL)
    writer.writeheader()
    count = 0
    query = select(AuditEvent).where(col(AuditEvent.id) <= last_id).order_by(col(AuditEvent.id))
    for event in session.execute(query.execution_options(yield_per=1000)).scalars():
        row = _payload_row(event)
        row["content_sha256"] = hashlib.sha256(verify_trail.payload(row)).hexdigest()
        writer.writerow({column: neutralise_reversibly(text) for column, text in row.items()})
        count += 1
    chain = {"last_id": last_id, "last_hash": last_hash, "keyed_from": keyed_from, "events": count,
             "hash": "SHA-256 of the canonical JSON of each event before keyed_from, "
                     "HMAC-SHA256 under the agency's audit key from keyed_from on"}
    folder = verify_trail.TRAIL.parent.as_posix()
    return {
        f"{folder}/audit-trail.csv": ("\ufeff" + out.getvalue()).encode("utf-8"),
        f"{folder}/chain.json": json.dumps(chain, ensure_ascii=False, indent=2).encode("utf-8"),
        "verify_trail.py": SCRIPT.read_bytes(),
    }, count
