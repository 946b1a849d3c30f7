"""What the audit chain keeps outside the database: its key and the journal of its head.

The journal (``<QMS_DATA_DIR>/audit_anchor``) is append-only text. Its first line,
``keyed-from N``, says from which event on hashes are HMACs with the audit key (events
before it were written by a release without a key); each further line, ``id hash``, is a
head of the chain that a transaction committed. Lines are appended after the commit, under
an exclusive lock, with ``O_APPEND`` and fsync, so the journal may lag the database by the
events of a crash but is never ahead of it. Someone who can edit the database but not the
data folder can neither relabel keyed events as old ones nor cut the end of the trail and
rewind ``audit_head``: the journal names ids and hashes the database must still hold.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from qms.core.config import ConfigError, Settings, current
from qms.core.private_files import private_dir

log = logging.getLogger(__name__)

JOURNAL_NAME = "audit_anchor"
KEY_NAME = "audit_key"
_HEADER = "keyed-from"


@dataclass(frozen=True)
class JournalState:
    """What the journal says: where keying starts (None: no journal yet) and the heads named."""

    keyed_from: int | None
    heads: dict[int, str] = field(default_factory=dict)
    #: Ids the journal names with two different hashes: the chain was rewound and written again.
    conflicts: frozenset[int] = frozenset()
    unreadable: int = 0


class AuditAnchor:
    """The key and the head journal of one data folder."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = settings.data_dir / JOURNAL_NAME
        self._lock = threading.Lock()
        self._keyed_from: int | None = None
        self._key: bytes | None = None

    # --- writing ------------------------------------------------------------------------

    def key(self) -> bytes:
        if self._key is None:
            self._key = self.settings.resolved_audit_key()
        return self._key

    def keyed_from(self, next_id: int) -> int:
        """Where keying starts; on first use it starts at ``next_id``, the id about to be written.

        Called with the chain's head locked, so no other writer of this database is here
        at the same time; the header is written before the event's transaction commits,
        which is harmless: it names an event to come, not one that exists.
        """
        with self._lock:
            if self._keyed_from is not None and self.path.exists():
                return self._keyed_from
            self._keyed_from = None
            private_dir(self.settings.data_dir)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                found = self.read().keyed_from
                if found is None:
                    os.write(fd, f"{_HEADER} {next_id}\n".encode("ascii"))
                    os.fsync(fd)
                    found = next_id
            finally:
                os.close(fd)
            self._keyed_from = found
            return found

    def append(self, event_id: int, event_hash: str) -> None:
        """Add a committed head to the journal: locked, appended, flushed to disk."""
        line = f"{event_id} {event_hash}\n".encode("ascii")
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        except FileNotFoundError:
            log.warning("the audit journal %s is missing; head %s not recorded", self.path, event_id)
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)  # closing releases the lock

    def reset(self) -> None:
        """Forget the journal: for a database emptied on purpose (the test suite, a new install)."""
        with self._lock:
            self.path.unlink(missing_ok=True)
            self._keyed_from = None

    # --- reading ------------------------------------------------------------------------

    def read(self, *, up_to: int | None = None) -> JournalState:
        """The journal as it is now (lines after ``up_to`` left out)."""
        try:
            text = self.path.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            return JournalState(keyed_from=None)
        keyed_from: int | None = None
        heads: dict[int, str] = {}
        conflicts: set[int] = set()
        unreadable = 0
        for line in text.splitlines():
            parts = line.split()
            if len(parts) != 2:
                unreadable += bool(line.strip())
                continue
            if parts[0] == _HEADER and parts[1].isdigit() and keyed_from is None:
                keyed_from = int(parts[1])
            elif parts[0].isdigit() and len(parts[1]) == 64:
                event_id = int(parts[0])
                if (up_to is None or event_id <= up_to) and heads.setdefault(event_id, parts[1]) != parts[1]:
                    conflicts.add(event_id)
            else:
                unreadable += 1
        return JournalState(keyed_from=keyed_from, heads=heads, conflicts=frozenset(conflicts),
                            unreadable=unreadable)

    def text_up_to(self, last_id: int) -> str:
        """The journal without heads beyond ``last_id``: what goes with a copy of the database
        taken when its head was ``last_id`` (empty when there is no journal yet)."""
        try:
            lines = self.path.read_text(encoding="ascii", errors="replace").splitlines()
        except FileNotFoundError:
            return ""

        def kept(line: str) -> bool:
            first = line.split(" ")[0]
            return not first.isdigit() or int(first) <= last_id

        kept_lines = [line for line in lines if kept(line)]
        return "\n".join(kept_lines) + "\n" if kept_lines else ""

    def stored_key(self) -> bytes | None:
        return self.settings.stored_audit_key()


_anchors: dict[str, AuditAnchor] = {}
_bound: dict[str, Path] = {}
_registry_lock = threading.Lock()


def _url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _for_settings(settings: Settings) -> AuditAnchor:
    folder = str(settings.data_dir.resolve())
    with _registry_lock:
        anchor = _anchors.get(folder)
        if anchor is None or anchor.settings.audit_key != settings.audit_key:
            anchor = _anchors[folder] = AuditAnchor(settings)
        return anchor


def bind(engine: Engine, settings: Settings) -> AuditAnchor:
    """Say which data folder holds the anchor of the database behind ``engine``."""
    anchor = _for_settings(settings)
    with _registry_lock:
        _bound[_url_of(engine)] = settings.data_dir.resolve()
    return anchor


def anchor_of(engine: Engine) -> AuditAnchor | None:
    """The anchor bound to this database, else that of the process's settings."""
    with _registry_lock:
        folder = _bound.get(_url_of(engine))
        if folder is not None:
            return _anchors[str(folder)]
    try:
        return _for_settings(current())
    except ConfigError:
        return None


def anchor_for(session: Session) -> AuditAnchor | None:
    return anchor_of(session.get_bind())  # type: ignore[arg-type]
