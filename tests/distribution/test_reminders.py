"""Reminders: a daily digest per person, in the app and by e-mail through a real SMTP server."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from qms.core.clock import local_today
from qms.core.db import transaction, utcnow
from qms.core.jobs import run_due_jobs
from qms.distribution.reminders import calls_for_reminder, queue_reminders
from qms.notify.mail import MAX_ATTEMPTS, send_due_mail
from qms.notify.models import MailOutbox, Notification

from .conftest import _free_port, distribute, drop_queued_mail


@pytest.fixture
def mail_settings(settings, inbox):
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": inbox.port,
                                       "smtp_from": "iso@snv.ninhbinh.gov.vn"})


def _queue(engine, settings, today):
    with transaction(engine) as session:
        return queue_reminders(session, settings, today)


def _deliver_notices(engine, settings, inbox):
    """Send the e-mails of the distributions themselves, so only the reminders remain."""
    send_due_mail(engine, settings)
    inbox.messages.clear()
    inbox.recipients.clear()


def test_when_a_task_calls_for_a_reminder():
    today = date(2026, 11, 25)
    assert calls_for_reminder(today + timedelta(days=2), None, today)
    assert not calls_for_reminder(today + timedelta(days=3), None, today)
    assert not calls_for_reminder(today + timedelta(days=1), today - timedelta(days=1), today)
    assert calls_for_reminder(today - timedelta(days=1), today - timedelta(days=2), today), "first day late"
    assert not calls_for_reminder(today - timedelta(days=3), today - timedelta(days=2), today)
    assert calls_for_reminder(today - timedelta(days=10), today - timedelta(days=7), today), "weekly"


def test_a_digest_per_person_reaches_the_smtp_server_in_vietnamese(api, published, engine, mail_settings,
                                                                   inbox, reader):
    api.create_procedure("QT-02", "Quy trình giải quyết khiếu nại")
    api.fill("QT-02")
    api.publish("QT-02")
    distribute(api, units=["CCHC"], due_days=1)
    distribute(api, code="QT-02", users=["nhanvien"], due_days=2)
    today = local_today(mail_settings.zone)
    _deliver_notices(engine, mail_settings, inbox)

    run = _queue(engine, mail_settings, today)
    assert (run.people, run.mails) == (5, 5)
    assert _queue(engine, mail_settings, today).people == 0, "never the same reminder twice"

    result = send_due_mail(engine, mail_settings)
    assert (result.sent, result.retrying, result.failed) == (5, 0, 0)
    assert send_due_mail(engine, mail_settings).sent == 0
    assert len(inbox.messages) == 5
    index = next(i for i, to in enumerate(inbox.recipients) if to == ["nhanvien@example.gov.vn"])
    message = inbox.messages[index]
    assert message["Subject"] == "[qms] 2 tài liệu cần đọc và xác nhận"
    body = message.get_content()
    assert "Kính gửi Vũ Văn Khánh," in body
    assert "QT-01 Quy trình kiểm soát tài liệu, lần ban hành 01" in body
    assert "QT-02 Quy trình giải quyết khiếu nại, lần ban hành 01" in body
    assert "/documents/QT-02/versions/1" in body
    assert "“Tôi đã đọc và hiểu”" in body
    assert len([e for e in reader.events("reminder.sent") if '"ack-reminder' in e.details]) == 5
    assert len(reader.events("reminder.notify")) == 5


def test_overdue_tasks_are_reminded_again_and_marked(api, published, engine, mail_settings, inbox, db):
    distribute(api, users=["nhanvien"], due_days=1)
    _deliver_notices(engine, mail_settings, inbox)
    today = local_today(mail_settings.zone)
    assert _queue(engine, mail_settings, today).people == 1
    later = today + timedelta(days=2)
    assert _queue(engine, mail_settings, later).people == 1, "first day overdue"
    assert _queue(engine, mail_settings, later + timedelta(days=1)).people == 0
    assert _queue(engine, mail_settings, later + timedelta(days=7)).people == 1, "a week later"
    send_due_mail(engine, mail_settings)
    subjects = sorted(m["Subject"] for m in inbox.messages)
    assert subjects[0] == "[qms] 1 tài liệu cần xác nhận đã đọc, 1 tài liệu quá hạn"
    assert "quá hạn" in inbox.messages[-1].get_content()
    kinds = dict(db.execute(select(Notification.dedup_key, Notification.kind)
                            .where(Notification.dedup_key.like("ack-reminder:%"))).all())
    assert len(kinds) == 3
    assert sorted(kinds.values()) == ["acknowledgement_overdue", "acknowledgement_overdue", "reminder"]


def test_acknowledged_tasks_are_not_reminded(api, published, engine, mail_settings):
    distribute(api, users=["nhanvien"], due_days=1)
    api.post("nhanvien", "/api/v1/documents/QT-01/versions/1/acknowledge")
    assert _queue(engine, mail_settings, local_today(mail_settings.zone)).people == 0


def test_failed_sending_is_retried_with_back_off_then_given_up(api, published, engine, settings, reader):
    distribute(api, users=["nhanvien"], due_days=1)
    closed = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": _free_port()})
    drop_queued_mail(engine)
    _queue(engine, closed, local_today(closed.zone))
    clock = [utcnow()]
    delays = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        run = send_due_mail(engine, closed, now=lambda: clock[0])
        with Session(engine) as fresh:
            row = fresh.execute(select(MailOutbox)).scalar_one()
        assert row.attempts == attempt
        assert "ConnectionRefusedError" in row.last_error
        if attempt < MAX_ATTEMPTS:
            assert (run.retrying, row.status) == (1, "queued")
            delays.append(round((row.next_attempt_at - clock[0]).total_seconds() / 60))
            assert send_due_mail(engine, closed, now=lambda: clock[0]).retrying == 0, "not due yet"
            clock[0] = row.next_attempt_at
    assert delays == [5, 10, 20, 40, 80]
    assert (run.failed, row.status) == (1, "failed")
    assert len(reader.events("mail.failed")) == 1


def test_without_an_smtp_host_mail_stays_queued_and_run_jobs_says_so(api, published, engine, settings, db):
    distribute(api, users=["nhanvien"], due_days=1)
    drop_queued_mail(engine)
    lines = list(run_due_jobs(engine, settings.model_copy(update={"smtp_host": None})))
    assert "acknowledgement reminders: 1 people reminded, 1 e-mails queued" in lines
    assert any("QMS_SMTP_HOST is not set (1 message(s) wait" in line for line in lines), lines
    assert db.execute(select(MailOutbox.status)).scalar_one() == "queued"


def test_long_vietnamese_subjects_keep_every_space(engine, mail_settings, inbox):
    """Folding a long subject into several encoded words used to drop a space ("xácnhận")."""
    from qms.core.i18n import in_language
    from qms.distribution.reminders import DigestItem, render_digest
    from qms.notify.mail import queue_mail

    overdue = DigestItem("QT-01", "Quy trình kiểm soát tài liệu", 1, date(2026, 11, 1), True,
                         "http://qms/documents/QT-01/versions/1")
    with in_language("vi"):
        agencies = ("Sở Nội vụ", "Sở Tư pháp", "UBND huyện Hoa Lư", "Sở Nội vụ tỉnh Ninh Bình")
        subjects = [render_digest(agency, "Vũ Văn Khánh", [overdue])[0] for agency in agencies]
    assert subjects[0] == "[Sở Nội vụ] 1 tài liệu cần xác nhận đã đọc, 1 tài liệu quá hạn"
    with transaction(engine) as session:
        for n, subject in enumerate(subjects):
            queue_mail(session, dedup_key=f"subject-{n}", user_id=None, to_address=f"nv{n}@example.gov.vn",
                       subject=subject, body="Kính gửi")
    assert send_due_mail(engine, mail_settings).sent == len(subjects)
    assert sorted(message["Subject"] for message in inbox.messages) == sorted(subjects)
