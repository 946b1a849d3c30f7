"""The audit chain's key and the journal of its head, both kept in the data folder."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy import select, text

from qms.audit import service as audit
from qms.audit.anchor import anchor_of
from qms.audit.models import AuditEvent
from qms.core.db import transaction


def write(engine, count: int, actor: str = "system") -> None:
    for index in range(count):
        with transaction(engine) as session:
            audit.record(session, actor=None, actor_username=actor, action="unit.update",
                         object_type="unit", object_id=f"P{index}")


def verify(engine) -> audit.ChainStatus:
    with transaction(engine, write=False) as session:
        return audit.verify_chain(session)


def raw(engine, sql: str, **params: object) -> None:
    with engine.begin() as connection:
        connection.execute(text(sql), params)


def journal_lines(settings) -> list[str]:
    return (settings.data_dir / "audit_anchor").read_text(encoding="ascii").splitlines()


def rewind_head_to(engine, last_id: int) -> None:
    """Cut the trail after ``last_id`` and make the head agree, as a database administrator could."""
    raw(engine, "DELETE FROM audit_event WHERE id > :n", n=last_id)
    raw(engine, "UPDATE audit_head SET last_id = :n, "
                "last_hash = (SELECT hash FROM audit_event WHERE id = :n)", n=last_id)


def test_key_and_journal_are_private_files_of_the_data_folder(engine, settings):
    write(engine, 3)
    for name in ("audit_key", "audit_anchor"):
        assert stat.S_IMODE((settings.data_dir / name).stat().st_mode) == 0o600
    assert journal_lines(settings) == ["keyed-from 1"] + [
        f"{event_id} {digest}" for event_id, digest in _hashes(engine)]
    assert verify(engine) == audit.ChainStatus(ok=True, events=3)


def _hashes(engine) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, hash FROM audit_event ORDER BY id"))
        return [tuple(row) for row in rows]


def test_truncating_the_trail_with_its_head_rewound_is_noticed(engine):
    write(engine, 6)
    rewind_head_to(engine, 4)
    status = verify(engine)
    assert status == audit.ChainStatus(ok=False, events=4, first_bad_event=5)
    assert "removed from the end" in status.reason


def test_a_cut_trail_written_on_past_its_old_end_is_still_noticed(engine):
    """After the cut the application goes on writing, keyed and journalled; the journal still
    holds the first hashes of those ids, so the rewrite shows."""
    with transaction(engine) as session:  # one transaction: the journal names event 3 only
        for index in range(3):
            audit.record(session, actor=None, actor_username="system", action="unit.create", object_id=index)
    rewind_head_to(engine, 1)
    write(engine, 4)
    status = verify(engine)
    assert (status.ok, status.first_bad_event) == (False, 3)
    assert "journal" in status.reason


def test_emptying_the_trail_and_its_head_is_noticed(engine):
    write(engine, 2)
    raw(engine, "DELETE FROM audit_event")
    raw(engine, "UPDATE audit_head SET last_id = 0, last_hash = :h", h="0" * 64)
    assert verify(engine) == audit.ChainStatus(ok=False, events=0, first_bad_event=1)


def test_keyed_events_relabelled_as_old_ones_are_noticed(engine):
    """Rewriting the whole chain with the old formula fits every link, but not the journal's
    'keyed-from' line, which the database cannot move."""
    write(engine, 4)
    with transaction(engine) as session:
        prev = "0" * 64
        for event in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all():
            event.prev_hash = prev
            event.actor_username = "ai-do" if event.id == 2 else event.actor_username
            event.hash = prev = audit.compute_hash(event)
        session.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": prev})
    assert verify(engine) == audit.ChainStatus(ok=False, events=0, first_bad_event=1)


def test_events_written_before_the_key_keep_verifying(engine, settings):
    """An upgraded installation: its events have unkeyed hashes and there is no journal yet;
    keying starts with the next event, and the journal says so."""
    anchor = anchor_of(engine)
    write(engine, 3)
    anchor.reset()
    with transaction(engine) as session:  # rewrite them as the release without a key did
        prev = "0" * 64
        for event in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all():
            event.prev_hash = prev
            event.hash = prev = audit.compute_hash(event)
        session.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": prev})
    assert verify(engine) == audit.ChainStatus(ok=True, events=3)
    write(engine, 2)
    assert journal_lines(settings)[0] == "keyed-from 4"
    assert verify(engine) == audit.ChainStatus(ok=True, events=5)
    rewind_head_to(engine, 3)
    assert verify(engine).first_bad_event == 4


def test_a_missing_key_fails_verification_of_keyed_events(engine, settings, monkeypatch):
    write(engine, 2)
    monkeypatch.setattr(type(settings), "stored_audit_key", lambda self: None)
    status = verify(engine)
    assert (status.ok, status.first_bad_event) == (False, 1)
    assert "key" in status.reason


def test_a_rolled_back_transaction_leaves_the_journal_consistent(engine, settings):
    write(engine, 2)
    before = journal_lines(settings)
    with pytest.raises(RuntimeError), transaction(engine) as session:
        audit.record(session, actor=None, actor_username="system", action="unit.create")
        assert journal_lines(settings) == before, "nothing is journalled before the commit"
        raise RuntimeError("the change failed")
    assert journal_lines(settings) == before
    assert verify(engine) == audit.ChainStatus(ok=True, events=2)
    write(engine, 1)
    assert journal_lines(settings)[-1] == f"3 {_hashes(engine)[-1][1]}"
    assert verify(engine) == audit.ChainStatus(ok=True, events=3)


def test_a_rolled_back_savepoint_keeps_its_events_out_of_the_journal(engine, settings):
    with transaction(engine) as session:
        audit.record(session, actor=None, actor_username="system", action="unit.create")
        savepoint = session.begin_nested()
        audit.record(session, actor=None, actor_username="system", action="unit.update")
        savepoint.rollback()
    assert journal_lines(settings)[1:] == [f"1 {_hashes(engine)[0][1]}"]
    assert verify(engine) == audit.ChainStatus(ok=True, events=1)


def test_one_journal_line_per_transaction_naming_its_last_event(engine, settings):
    with transaction(engine) as session:
        for index in range(3):
            audit.record(session, actor=None, actor_username="system", action="unit.create",
                         object_id=index)
    assert journal_lines(settings)[1:] == [f"3 {_hashes(engine)[-1][1]}"]


def test_writers_at_the_same_time_keep_the_journal_behind_the_database(engine, settings):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda worker: write(engine, 5, actor=f"w{worker}"), range(4)))
    assert verify(engine) == audit.ChainStatus(ok=True, events=20)
    assert len(journal_lines(settings)) == 21
