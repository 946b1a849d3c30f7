"""Quality officers are reminded of periodic reviews 30 days ahead, once a day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from qms.documents.models import Document, Version
from qms.library.review_reminders import queue_review_reminders
from qms.notify.models import MailOutbox, Notification


def test_reviews_due_within_30_days_remind_the_quality_officer_once_a_day(api, db, people):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    today = date(2026, 11, 25)
    db.execute(update(Document).values(next_review_on=today + timedelta(days=45)))
    db.commit()
    assert "none" in queue_review_reminders(db, today)

    db.execute(update(Document).values(next_review_on=today + timedelta(days=10)))
    db.commit()
    assert "reminded: 1" in queue_review_reminders(db, today)
    assert "reminded: 0" in queue_review_reminders(db, today), "never twice the same day"
    db.commit()
    notes = db.execute(select(Notification).where(Notification.kind == "review_due")).scalars().all()
    assert [n.user_id for n in notes] == [people["iso"].id]
    assert notes[0].link == "/reviews"
    mail = db.execute(select(MailOutbox).where(MailOutbox.dedup_key.like("review_due:%"))).scalars().one()
    assert mail.to_address == "iso@example.gov.vn" and "QT-01" in mail.body

    assert "reminded: 1" in queue_review_reminders(db, today + timedelta(days=1))


def test_the_drafter_of_the_version_in_force_is_told_once_per_due_date(api, db, people):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    drafter = people["soanthao"].id
    db.execute(update(Version).values(drafter_id=drafter))
    today = date(2026, 11, 25)
    db.execute(update(Document).values(next_review_on=today + timedelta(days=10)))
    db.commit()
    queue_review_reminders(db, today)
    queue_review_reminders(db, today + timedelta(days=1))
    db.commit()
    (note,) = db.execute(select(Notification).where(Notification.user_id == drafter)).scalars().all()
    assert (note.kind, note.link) == ("review_due", "/documents/QT-01")
    mail = db.execute(select(MailOutbox).where(MailOutbox.user_id == drafter)).scalars().one()
    assert "QT-01 Quy trình kiểm soát tài liệu đến hạn xem xét định kỳ" in mail.subject
