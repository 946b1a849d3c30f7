"""`qms seed --demo` leaves a living agency: work for every role, dated from the seeding day."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import func, select
from support import AGENCY_ZONE, agency_today, login

from qms.accounts.models import User
from qms.accounts.passwords import hash_password
from qms.audit.models import AuditEvent
from qms.audit.service import verify_chain
from qms.core.db import utcnow
from qms.core.paths import PROCEDURES_DIR
from qms.demo_work import date_shifter
from qms.distribution.models import Acknowledgement, Distribution
from qms.documents.models import Document, Signature, Version
from qms.files.storage import file_store
from qms.intake.source import parse_source
from qms.library.models import ChangeRequest
from qms.seeding import seed_demo

DEMO_PASSWORD = "demo1234"
#: "Nothing overdue by years": the demo's oldest deadline missed is a few weeks old.
FEW_WEEKS = timedelta(days=28)


@pytest.fixture
def store(settings):
    return file_store(settings)


def _snapshot(db) -> dict[str, object]:
    counted = (Document, Version, Signature, Distribution, Acknowledgement, ChangeRequest, AuditEvent)
    counts = {model.__name__: db.execute(select(func.count()).select_from(model)).scalar_one()
              for model in counted}
    reviews = dict(db.execute(select(Document.code, Document.next_review_on)).all())
    acknowledged = db.execute(select(func.count()).select_from(Acknowledgement)
                              .where(Acknowledgement.status == "acknowledged")).scalar_one()
    return {**counts, "next_reviews": reviews, "acknowledged": acknowledged}


def _home(client, username: str) -> str:
    login(client, username, DEMO_PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    return response.text


def test_every_role_finds_work_on_the_home_page(db, client, store):
    report = seed_demo(db, AGENCY_ZONE, store)
    db.commit()
    assert not [r for r in report.documents if r.action == "error"]

    reviewer = _home(client, "xemxet")
    assert "QT-03" in reviewer and "Chờ xem xét".upper() in reviewer.upper()
    approver = _home(client, "giamdoc")
    assert "QT-05" in approver and "Chờ phê duyệt".upper() in approver.upper()
    drafter = _home(client, "soanthao")
    assert "Tài liệu cần đọc" in drafter and "Quá hạn" in drafter
    draft = db.execute(select(Version).join(Document, Document.id == Version.document_id)
                       .join(User, User.id == Version.drafter_id)
                       .where(Document.code == "QT-01", Version.status == "draft",
                              User.username == "soanthao")).scalar_one_or_none()
    assert draft is not None, "the drafter has a draft to finish"
    officer = _home(client, "iso")
    assert "phiếu đề nghị sửa đổi chờ quyết định" in officer
    assert "Quá hạn" in _home(client, "nhanvien1"), "the demo's staff login has a task overdue"
    staff = db.execute(select(User.id).where(User.username.like("nhanvien%"))).scalars().all()
    with_tasks = db.execute(select(Acknowledgement.user_id).distinct()
                            .where(Acknowledgement.status == "pending")).scalars().all()
    assert len(staff) == 20 and set(staff) <= set(with_tasks), "everyone has something to read"

    statuses = dict(db.execute(select(ChangeRequest.status, func.count())
                               .group_by(ChangeRequest.status)).all())
    assert statuses == {"open": 1, "accepted": 1, "rejected": 1}
    accepted = db.execute(select(ChangeRequest).where(ChangeRequest.status == "accepted")).scalar_one()
    assert accepted.version_id == draft.id, "the accepted request is the draft being written"
    db.commit()  # read the trail as the sign-ins above left it
    assert verify_chain(db).ok


def test_the_reading_list_keeps_a_space_between_the_change_and_the_link(db, client, store):
    seed_demo(db, AGENCY_ZONE, store)
    db.commit()
    page = _home(client, "nhanvien20")
    assert "trên phần mềm <a" in page


def test_demo_dates_are_recent_with_a_review_due_soon_and_one_just_overdue(db, store):
    seed_demo(db, AGENCY_ZONE, store)
    db.commit()
    today = agency_today()
    reviews = dict(db.execute(select(Document.code, Document.next_review_on)).all())
    assert all(day is not None and day >= today - FEW_WEEKS for day in reviews.values()), reviews
    overdue = [code for code, day in reviews.items() if day < today]
    soon = [code for code, day in reviews.items() if today <= day <= today + timedelta(days=30)]
    assert overdue and len(overdue) <= 3, overdue
    assert soon
    effective = db.execute(select(Version.effective_date)
                           .where(Version.status == "effective")).scalars().all()
    assert min(effective) >= today - timedelta(days=400) and max(effective) <= today

    now = utcnow()
    tasks = db.execute(select(Acknowledgement.status, Acknowledgement.due_at,
                              Acknowledgement.acknowledged_at)).all()
    pending = [due for status, due, _at in tasks if status == "pending"]
    assert min(pending) >= now - FEW_WEEKS, "nothing is overdue by more than a few weeks"
    assert any(due < now for due in pending) and any(due > now for due in pending)
    acknowledged = [(due, at) for status, due, at in tasks if status == "acknowledged"]
    assert any(at > due for due, at in acknowledged), "some acknowledged late"
    assert any(at <= due for due, at in acknowledged), "some acknowledged in time"


def test_seeding_again_changes_nothing(db, store):
    seed_demo(db, AGENCY_ZONE, store)
    db.commit()
    before = _snapshot(db)
    again = seed_demo(db, AGENCY_ZONE, store)
    db.commit()
    assert again.work_added == []
    assert {r.action for r in again.documents} == {"unchanged"}
    assert _snapshot(db) == before
    assert verify_chain(db).ok


def test_an_installation_seeded_before_gets_its_work_and_keeps_its_library(db, store, monkeypatch):
    """A library imported with the sources' own dates, as earlier seeds did, stays as it is;
    the work in progress is added once."""
    with monkeypatch.context() as before_dates:
        before_dates.setattr("qms.seeding.date_shifter",
                             lambda _settings, _today, _stated: lambda source: source)
        before_dates.setattr("qms.seeding.add_demo_work", lambda *_args: [])
        seed_demo(db, AGENCY_ZONE, store)
        db.commit()
    kept = dict(db.execute(select(Document.code, Document.next_review_on)).all())

    report = seed_demo(db, AGENCY_ZONE, store)
    db.commit()
    assert {r.action for r in report.documents} == {"unchanged"}
    assert len(report.work_added) == 9, report.work_added
    now = dict(db.execute(select(Document.code, Document.next_review_on)).all())
    assert {code: day for code, day in now.items() if code != "QT-04"} == \
        {code: day for code, day in kept.items() if code != "QT-04"}
    assert seed_demo(db, AGENCY_ZONE, store).work_added == []
    assert verify_chain(db).ok


def test_a_demo_user_with_another_password_skips_their_work_and_the_seeding_goes_on(db, store,
                                                                                   monkeypatch):
    with monkeypatch.context() as no_work:
        no_work.setattr("qms.seeding.add_demo_work", lambda *_args: [])
        seed_demo(db, AGENCY_ZONE, store)
    drafter = db.execute(select(User).where(User.username == "soanthao")).scalar_one()
    drafter.password_hash = hash_password("mat-khau-rieng-2026")
    db.commit()

    report = seed_demo(db, AGENCY_ZONE, store)
    db.commit()
    skipped = [line for line in report.work_added if "skipped" in line]
    assert len(skipped) == 3 and all("QT-0" in line for line in skipped), report.work_added
    assert "QT-01 draft" in report.work_added, "a draft needs no signature"
    assert "CS-01 distributed" in report.work_added
    states = dict(db.execute(select(Document.code, Version.status)
                             .join(Version, Version.id == Document.latest_version_id)).all())
    assert (states["QT-03"], states["QT-05"], states["QT-04"]) == ("effective", "effective", "effective")
    assert verify_chain(db).ok


def test_the_demo_moves_a_documents_revisions_together_and_only_forward():
    source = parse_source((PROCEDURES_DIR / "QT-01.md").read_text(encoding="utf-8"))
    written = [entry.effective_date for entry in source.revisions]
    stated: dict[str, int] = {}
    moved = date_shifter({"days_ago": {"QT-01": 30}}, date(2030, 5, 31), stated)(source)
    dates = [entry.effective_date for entry in moved.revisions]
    assert dates[-1] == date(2030, 5, 1) and stated == {"QT-01": 3}
    assert [b - a for a, b in pairwise(dates)] == [b - a for a, b in pairwise(written)]
    kept = date_shifter({"default_days_ago": 30}, written[-1], {})(source)
    assert [entry.effective_date for entry in kept.revisions] == written, "never before the written dates"


def test_only_the_demo_accounts_with_the_demo_password_skip_the_password_policy(db, store, monkeypatch):
    """The demo password is shorter than the policy asks; its accounts are marked exempt, so
    that `make run` signs them in without a change of password. No other account is."""
    with monkeypatch.context() as no_work:
        no_work.setattr("qms.seeding.add_demo_work", lambda *_args: [])
        seed_demo(db, AGENCY_ZONE, store)
        db.commit()
        drafter = db.execute(select(User).where(User.username == "soanthao")).scalar_one()
        drafter.password_hash = hash_password(DEMO_PASSWORD + "-khac")
        drafter.password_policy_exempt = False
        db.commit()
        seed_demo(db, AGENCY_ZONE, store)
        db.commit()
    exempt = dict(db.execute(select(User.username, User.password_policy_exempt)).all())
    assert exempt["giamdoc"] and exempt["nhanvien20"] and exempt["admin"]
    assert not exempt["soanthao"]
