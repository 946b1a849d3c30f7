"""The hash chain: what each event covers, how tampering shows, and the verify command."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from qms import cli
from qms.audit import service as audit
from qms.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from qms.core.db import transaction


@pytest.fixture
def chain(engine, admin):
    """Five events written the way services write them, each in its own transaction."""
    for index in range(5):
        with transaction(engine) as session:
            audit.record(session, actor=admin, action="unit.update", object_type="unit",
                         object_id=f"P{index}", details={"name": f"Phòng số {index}", "n": index})
    return 5


def verify(engine) -> audit.ChainStatus:
    with transaction(engine, write=False) as session:
        return audit.verify_chain(session)


def raw(engine, sql: str, **params: object) -> None:
    with engine.begin() as connection:
        connection.execute(text(sql), params)


def test_events_link_each_to_the_one_before(engine, chain, read, settings):
    events = read.events()
    assert [e.id for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    key = settings.resolved_audit_key()
    assert all(audit.compute_hash(e, key) == e.hash for e in events), "keyed with the data folder's key"
    assert events[0].actor_username == "quantri" and events[0].actor_id is not None
    assert events[0].details == '{"n":0,"name":"Phòng số 0"}'
    assert verify(engine) == audit.ChainStatus(ok=True, events=5)


def test_an_empty_chain_is_intact(engine):
    assert verify(engine) == audit.ChainStatus(ok=True, events=0)


def test_an_event_rolled_back_with_its_transaction_leaves_no_trace(engine, chain, read):
    with pytest.raises(RuntimeError), transaction(engine) as session:
        audit.record(session, actor=None, actor_username="system", action="unit.create")
        raise RuntimeError("the change failed")
    assert len(read.events()) == 5
    with transaction(engine) as session:
        event = audit.record(session, actor=None, actor_username="system", action="unit.create")
    assert event.id == 6
    assert verify(engine).ok


EDITS = {
    "occurred_at": "occurred_at = '2020-01-01 00:00:00.000000'",
    "actor_id": "actor_id = 999",
    "actor_username": "actor_username = 'khac'",
    "action": "action = 'unit.create'",
    "object_type": "object_type = 'user'",
    "object_id": "object_id = 'P9'",
    "details": "details = '{\"n\": 9}'",
    "address": "address = '10.9.9.9'",
    "prev_hash": "prev_hash = '" + "1" * 64 + "'",
    "hash": "hash = '" + "2" * 64 + "'",
}


@pytest.mark.parametrize("column", sorted(EDITS))
def test_editing_any_column_breaks_the_chain_at_that_event(engine, chain, column):
    if column == "occurred_at" and engine.dialect.name == "postgresql":
        sql = "occurred_at = occurred_at - interval '1 second'"
    else:
        sql = EDITS[column]
    raw(engine, f"UPDATE audit_event SET {sql} WHERE id = 3")
    assert verify(engine) == audit.ChainStatus(ok=False, events=2, first_bad_event=3)


def test_deleting_an_event_in_the_middle_breaks_the_chain_after_it(engine, chain):
    raw(engine, "DELETE FROM audit_event WHERE id = 3")
    status = verify(engine)
    assert not status.ok
    assert status.first_bad_event == 4


def test_deleting_the_last_event_is_noticed(engine, chain):
    raw(engine, "DELETE FROM audit_event WHERE id = 5")
    assert verify(engine) == audit.ChainStatus(ok=False, events=4, first_bad_event=5)


def test_deleting_every_event_is_noticed(engine, chain):
    raw(engine, "DELETE FROM audit_event")
    assert verify(engine) == audit.ChainStatus(ok=False, events=0, first_bad_event=1)


def test_rewriting_the_tail_and_renumbering_is_noticed(engine, chain):
    raw(engine, "DELETE FROM audit_event WHERE id = 4")
    raw(engine, "UPDATE audit_event SET id = 4 WHERE id = 5")
    assert verify(engine).first_bad_event == 4


def test_verification_reads_in_batches(engine, chain):
    with transaction(engine, write=False) as session:
        assert audit.verify_chain(session, batch_size=2) == audit.ChainStatus(ok=True, events=5)
    raw(engine, "UPDATE audit_event SET action = 'x' WHERE id = 5")
    with transaction(engine, write=False) as session:
        assert audit.verify_chain(session, batch_size=2).first_bad_event == 5


def test_the_head_follows_the_last_event(engine, chain, read):
    with transaction(engine, write=False) as session:
        head = session.get(AuditHead, 1)
        last = session.get(AuditEvent, 5)
        assert (head.last_id, head.last_hash) == (5, last.hash)


# --- qms verify-audit -------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch, settings):
    """The command reads the installation's data folder too: the audit key and journal are there."""
    monkeypatch.setenv("QMS_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("QMS_DATA_DIR", str(settings.data_dir))
    return {**os.environ}


def test_verify_audit_command_exits_0_when_intact(chain, cli_env, capsys):
    assert cli.main(["verify-audit"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "audit chain intact: 5 events", "versions checked: 0, all match their signatures"]


def test_verify_audit_command_exits_1_naming_the_first_bad_event(engine, chain, cli_env, capsys):
    raw(engine, "UPDATE audit_event SET details = '{}' WHERE id = 2")
    assert cli.main(["verify-audit"]) == 1
    assert "first bad event 2" in capsys.readouterr().out


def test_verify_audit_as_a_separate_process(engine, chain, cli_env):
    raw(engine, "DELETE FROM audit_event WHERE id = 5")
    qms = Path(sys.executable).with_name("qms")
    result = subprocess.run([str(qms), "verify-audit"], env=cli_env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1, result.stderr
    assert "first bad event 5" in result.stdout
    assert result.stderr == ""


def _forge(engine, event_id: int, key: bytes | None = None, **changes: object) -> None:
    """Rewrite or add an event with a hash that fits it, as a careful intruder would."""
    with transaction(engine) as session:
        event = session.get(AuditEvent, event_id)
        if event is None:
            before = session.get(AuditEvent, event_id - 1)
            event = AuditEvent(id=event_id, occurred_at=before.occurred_at, action="user.create",
                               prev_hash=before.hash, hash="")
            session.add(event)
        for name, value in changes.items():
            setattr(event, name, value)
        event.hash = audit.compute_hash(event, key)


def test_an_event_added_behind_the_heads_back_is_named(engine, chain):
    _forge(engine, 6, actor_username="ai-do")
    assert verify(engine) == audit.ChainStatus(ok=False, events=5, first_bad_event=6)


def test_the_last_event_rewritten_with_a_fitting_hash_is_named(engine, chain):
    _forge(engine, 5, actor_username="ai-do")
    assert verify(engine) == audit.ChainStatus(ok=False, events=4, first_bad_event=5)


def test_an_earlier_event_rewritten_without_the_key_is_named_itself(engine, chain):
    _forge(engine, 2, details='{"n":99}')
    assert verify(engine) == audit.ChainStatus(ok=False, events=1, first_bad_event=2)


def test_an_event_rewritten_even_with_the_key_differs_from_the_journal(engine, chain, settings):
    _forge(engine, 2, key=settings.resolved_audit_key(), details='{"n":99}')
    status = verify(engine)
    assert status == audit.ChainStatus(ok=False, events=1, first_bad_event=2)
    assert "journal" in status.reason


def test_deleting_the_head_with_the_last_event_is_noticed(engine, chain):
    raw(engine, "DELETE FROM audit_event WHERE id = 5")
    raw(engine, "DELETE FROM audit_head")
    assert verify(engine) == audit.ChainStatus(ok=False, events=4, first_bad_event=5)


def test_writers_at_the_same_time_keep_one_unbroken_chain(engine):
    from concurrent.futures import ThreadPoolExecutor

    def write(worker: int) -> None:
        for index in range(5):
            with transaction(engine) as session:
                audit.record(session, actor=None, actor_username=f"w{worker}", action="unit.update",
                             object_id=f"{worker}-{index}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    assert verify(engine) == audit.ChainStatus(ok=True, events=20)
