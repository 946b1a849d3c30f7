"""Work that is due: run by `qms run-jobs`, from cron or a systemd timer, on any host."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine

from qms.accounts.auth import purge_expired
from qms.config import Settings
from qms.db import transaction


def run_due_jobs(engine: Engine, settings: Settings) -> Iterator[str]:
    """Each job runs in its own transaction and is safe to run concurrently."""
    with transaction(engine) as session:
        removed = purge_expired(session, settings)
    yield f"expired sessions removed: {removed}"
