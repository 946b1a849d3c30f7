"""Periodic review: due list, and the outcomes no change (signed), revise and withdraw."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update
from support import PASSWORD, agency_today

from qms.audit.models import AuditEvent
from qms.core.clock import add_months
from qms.documents.models import Document


def in_force(api, db, code="QT-01", due_in_days=10):
    api.create_procedure(code, f"Quy trình {code}")
    api.fill(code)
    api.publish(code)
    db.execute(update(Document).where(Document.code == code)
               .values(next_review_on=agency_today() + timedelta(days=due_in_days)))
    db.commit()


def test_due_reviews_list_what_is_due_within_the_window_overdue_first(api, db):
    in_force(api, db, "QT-01", due_in_days=10)
    in_force(api, db, "QT-02", due_in_days=-3)
    in_force(api, db, "QT-03", due_in_days=200)
    body = api.get("iso", "/api/v1/reviews/due?within_days=30").json()
    assert body["total"] == 2
    assert [(i["code"], i["overdue"]) for i in body["items"]] == [("QT-02", True), ("QT-01", False)]
    assert api.get("iso", "/api/v1/reviews/due?within_days=365").json()["total"] == 3
    assert api.get("nhanvien", "/api/v1/reviews/due").status_code == 403
    assert api.get("iso", "/api/v1/reviews/due?within_days=-1").status_code == 422


def test_no_change_is_signed_with_the_password_and_moves_the_date_by_the_interval(api, db):
    in_force(api, db, due_in_days=-5)
    url = "/api/v1/documents/QT-01/periodic-review"
    unsigned = api.post("iso", url, {"outcome": "no_change", "comment": "Vẫn phù hợp"})
    assert unsigned.status_code == 401 and unsigned.json()["field"] == "password"
    wrong = api.post("iso", url, {"outcome": "no_change", "password": "sai-mat-khau"})
    assert wrong.status_code == 401 and wrong.json()["field"] == "password"
    assert api.get("iso", "/api/v1/reviews/due").json()["total"] == 1
    done = api.post("iso", url, {"outcome": "no_change", "comment": "Vẫn phù hợp", "password": PASSWORD})
    assert done.status_code == 200, done.text
    next_on = date.fromisoformat(done.json()["next_review_on"])
    assert done.json()["signed"] is True and next_on == add_months(agency_today(), 12)
    assert api.get("iso", "/api/v1/reviews/due").json()["total"] == 0
    events = db.execute(select(AuditEvent)
                        .where(AuditEvent.action == "document.periodic_review")).scalars().all()
    assert len(events) == 1 and '"no_change"' in events[0].details


def test_revise_opens_a_draft_and_withdraw_asks_the_approver(api, db):
    in_force(api, db)
    url = "/api/v1/documents/QT-01/periodic-review"
    unsigned = api.post("iso", url, {"outcome": "revise", "comment": "Cập nhật biểu mẫu"})
    assert unsigned.status_code == 401 and unsigned.json()["field"] == "password"
    assert [v["revision"] for v in api.get("iso", "/api/v1/documents/QT-01").json()["versions"]] == [1]
    revise = api.post("iso", url, {"outcome": "revise", "comment": "Cập nhật biểu mẫu", "password": PASSWORD})
    assert revise.status_code == 200 and revise.json()["opened_revision"] == 2
    assert api.post("iso", url, {"outcome": "revise", "password": PASSWORD}).status_code == 409

    in_force(api, db, "QT-02")
    url2 = "/api/v1/documents/QT-02/periodic-review"
    no_approver = api.post("iso", url2, {"outcome": "withdraw", "comment": "Không còn áp dụng",
                                         "password": PASSWORD})
    assert no_approver.status_code == 422 and no_approver.json()["field"] == "approver"
    withdraw = api.post("iso", url2, {"outcome": "withdraw", "comment": "Không còn áp dụng",
                                      "approver": "giamdoc", "password": PASSWORD})
    assert withdraw.status_code == 200, withdraw.text
    pending = api.get("giamdoc", "/api/v1/me/pending").json()
    assert [(p["kind"], p["code"]) for p in pending] == [("withdrawal", "QT-02")]
    assert api.post("nhanvien", url2, {"outcome": "revise"}).status_code == 403


def test_the_reviews_page_shows_due_documents(api, db, client):
    from support import login
    in_force(api, db, due_in_days=-2)
    login(client, "iso")
    page = client.get("/reviews")
    assert page.status_code == 200 and "QT-01" in page.text
    home = client.get("/")
    assert 'href="/reviews"' in home.text
