"""Bounded work: query plans over the tally, restricted documents, mail sent once by parallel runs."""

from __future__ import annotations

import re
import threading

from sqlalchemy import text

from qms.core.clock import local_today
from qms.core.db import transaction
from qms.distribution import dashboard
from qms.distribution.reminders import queue_reminders
from qms.notify.mail import send_due_mail

from .conftest import distribute, drop_queued_mail


def _plan(engine, query) -> list[str]:  # type: ignore[no-untyped-def]
    dialect = engine.dialect
    compiled = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN QUERY PLAN" if dialect.name == "sqlite" else "EXPLAIN"
    with engine.connect() as connection:
        return [str(row[-1]) for row in connection.execute(text(f"{explain} {compiled}"))]


def test_the_dashboard_reads_the_tally_not_every_acknowledgement(engine):
    for query in (dashboard.by_document_query(), dashboard.by_unit_query()):
        plan = _plan(engine, query)
        assert any("acknowledgement_tally" in step for step in plan), plan
        assert not any(re.search(r"\backnowledgement\b(?!_)", step) for step in plan), plan
        if engine.dialect.name == "sqlite":
            covering = "COVERING INDEX ix_acknowledgement_tally_"
            assert any(covering in step for step in plan), plan


def test_a_restricted_document_reaches_only_those_allowed_to_read_it(api, staff):
    api.create_procedure("QT-09", "Quy trình mật", confidentiality="restricted", allowed_units=["CCHC"])
    api.fill("QT-09")
    assert api.submit("QT-09", 1, reviewers=("xemxet2",)).status_code == 200
    assert api.review("QT-09", 1, username="xemxet2").status_code == 200
    assert api.approve("QT-09", 1).status_code == 200
    preview = api.post("iso", "/api/v1/documents/QT-09/versions/1/distribution?dry_run=true",
                       {"units": ["VP", "CCHC"]})
    names = {r["username"] for r in preview.json()}
    assert {"nhanvien", "cchc1", "iso", "danhgia"} <= names, "CCHC members and those who read everything"
    assert "vp1" not in names and "mc1" not in names and "xemxet" not in names
    refused = distribute(api, code="QT-09", users=["vp1"])
    assert refused.status_code == 422 and "users" in refused.text


def test_two_parallel_runs_send_each_message_once(api, published, engine, settings, inbox):
    distribute(api, units=["CCHC", "VP"], due_days=1)
    mail_settings = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": inbox.port})
    drop_queued_mail(engine)
    with transaction(engine) as session:
        queued = queue_reminders(session, mail_settings, local_today(mail_settings.zone)).mails
    assert queued == 10
    results = []
    threads = [threading.Thread(target=lambda: results.append(send_due_mail(engine, mail_settings)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(run.sent for run in results) == 10
    assert len(inbox.messages) == 10
    assert len({tuple(to) for to in inbox.recipients}) == 10, "nobody got the digest twice"


def test_acknowledging_while_the_next_version_is_approved_leaves_consistent_counts(api, published, engine,
                                                                                    settings):
    from sqlalchemy import func, select

    from qms.accounts.auth import principal_for
    from qms.accounts.models import User
    from qms.core.errors import Conflict
    from qms.distribution import service
    from qms.distribution.models import Acknowledgement, AcknowledgementTally
    from qms.documents import workflow
    from qms.documents.models import Version
    from qms.documents.schemas import Decision

    distribute(api, units=["CCHC", "VP"])
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    api.fill("QT-01", 2)
    assert api.submit("QT-01", 2, reviewers=()).status_code == 200
    with transaction(engine) as session:
        people = {u.username: principal_for(session, u) for u in session.execute(select(User)).scalars()}
    readers = ["nhanvien", "cchc1", "cchc2", "vp1", "mc1", "soanthao", "xemxet2", "xemxet"]
    errors: list[BaseException] = []

    def acknowledge_all() -> None:
        for username in readers:
            try:
                with transaction(engine) as session:
                    service.acknowledge(session, people[username], "QT-01", 1)
            except Conflict:
                pass  # the version was superseded first
            except BaseException as exc:
                errors.append(exc)

    def approve() -> None:
        try:
            with transaction(engine) as session:
                workflow.approve(session, people["giamdoc"], "QT-01", 2,
                                 Decision(decision="approved", comment="", password="Qzx-Vbw-48Kr"),
                                 local_today(settings.zone))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=acknowledge_all), threading.Thread(target=approve)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with transaction(engine, write=False) as session:
        first = session.execute(select(Version.id).where(Version.revision == 1)).scalar_one()
        rows = dict(session.execute(
            select(Acknowledgement.status, func.count()).where(Acknowledgement.version_id == first)
            .group_by(Acknowledgement.status)).all())
        tally = session.execute(select(func.coalesce(func.sum(AcknowledgementTally.total), 0),
                                       func.coalesce(func.sum(AcknowledgementTally.acknowledged), 0))
                                .where(AcknowledgementTally.version_id == first)).one()
    assert set(rows) <= {"acknowledged", "superseded"}
    assert tuple(tally) == (rows.get("acknowledged", 0), rows.get("acknowledged", 0))
