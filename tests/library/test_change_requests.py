"""Change requests: any reader asks, the quality officer accepts (a linked draft) or rejects."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from qms.audit.models import AuditEvent
from qms.core.clock import local_today
from qms.core.db import new_session
from qms.documents.effective import make_due_effective
from qms.notify.models import Notification
from qms.notify.notifications import message

REQUEST = {"document_code": "QT-01", "reason": "Thời hạn giải quyết đã thay đổi",
           "proposal": "Sửa bước 2: 3 ngày thay cho 5 ngày"}


def in_force(api):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")


def test_staff_ask_and_the_officer_accepts_opening_a_linked_draft(api, db):
    in_force(api)
    created = api.post("nhanvien", "/api/v1/change-requests", REQUEST)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "open" and body["revision"] == 1 and body["requested_by"] == "nhanvien"
    officer_note = db.execute(select(Notification)
                              .where(Notification.kind == "change_request")).scalar_one()
    assert officer_note.link == f"/change-requests/{body['id']}"

    decided = api.post("iso", f"/api/v1/change-requests/{body['id']}/decision",
                       {"decision": "accepted", "comment": "Đồng ý"})
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "accepted" and decided.json()["draft_revision"] == 2
    version = api.get("iso", "/api/v1/documents/QT-01/versions/2").json()
    assert version["status"] == "draft"
    db.rollback()
    notes = db.execute(select(Notification).where(Notification.kind == "change_request")
                       .order_by(Notification.id)).scalars().all()
    assert len(notes) == 2 and notes[1].dedup_key.endswith(":decided:" + str(notes[1].user_id))
    actions = [e.action for e in db.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert "change_request.create" in actions and "change_request.accepted" in actions
    again = api.post("iso", f"/api/v1/change-requests/{body['id']}/decision", {"decision": "rejected",
                                                                                "comment": "x"})
    assert again.status_code == 409


def test_a_second_accepted_request_joins_the_draft_already_open(api):
    in_force(api)
    first = api.post("nhanvien", "/api/v1/change-requests", REQUEST).json()
    second = api.post("soanthao", "/api/v1/change-requests", REQUEST).json()
    api.post("iso", f"/api/v1/change-requests/{first['id']}/decision", {"decision": "accepted"})
    joined = api.post("iso", f"/api/v1/change-requests/{second['id']}/decision", {"decision": "accepted"})
    assert joined.json()["draft_revision"] == 2


def test_rejection_needs_a_comment_and_only_the_officer_decides(api, db):
    in_force(api)
    created = api.post("nhanvien", "/api/v1/change-requests", REQUEST).json()
    url = f"/api/v1/change-requests/{created['id']}/decision"
    assert api.post("nhanvien", url, {"decision": "accepted"}).status_code == 403
    missing = api.post("iso", url, {"decision": "rejected", "comment": " "})
    assert missing.status_code == 422 and missing.json()["field"] == "comment"
    assert api.get("iso", f"/api/v1/change-requests/{created['id']}").json()["status"] == "open"
    rejected = api.post("iso", url, {"decision": "rejected", "comment": "Không phù hợp quy định"})
    assert rejected.json()["status"] == "rejected" and rejected.json()["draft_revision"] is None


def test_requests_are_private_to_their_requester_and_validated(api):
    in_force(api)
    created = api.post("nhanvien", "/api/v1/change-requests", REQUEST).json()
    assert api.get("soanthao", f"/api/v1/change-requests/{created['id']}").status_code == 404
    assert api.get("danhgia", f"/api/v1/change-requests/{created['id']}").status_code == 200
    assert api.get("nhanvien", "/api/v1/change-requests").json()["total"] == 1
    assert api.get("soanthao", "/api/v1/change-requests").json()["total"] == 0
    short = api.post("nhanvien", "/api/v1/change-requests", {**REQUEST, "reason": "x"})
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "reason"
    unknown = api.post("nhanvien", "/api/v1/change-requests", {**REQUEST, "document_code": "QT-99"})
    assert unknown.status_code == 404


def test_a_request_or_decision_with_a_control_character_is_refused(api):
    in_force(api)
    bad = api.post("nhanvien", "/api/v1/change-requests", {**REQUEST, "proposal": "Sửa bước 2\x00"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "proposal"
    created = api.post("nhanvien", "/api/v1/change-requests", REQUEST).json()
    decided = api.post("iso", f"/api/v1/change-requests/{created['id']}/decision",
                       {"decision": "rejected", "comment": "Không\x1b phù hợp"})
    assert decided.status_code == 422 and decided.json()["errors"][0]["field"] == "comment"
    assert api.get("iso", f"/api/v1/change-requests/{created['id']}").json()["status"] == "open"


def test_the_request_shows_on_the_document_and_on_the_resulting_version(api, client):
    from support import login, post_form
    in_force(api)
    login(client, "nhanvien")
    sent = post_form(client, "/change-requests", REQUEST)
    assert sent.status_code == 303
    page = client.get("/documents/QT-01")
    assert "Thời hạn giải quyết đã thay đổi" in page.text
    client.cookies.clear()
    login(client, "iso")
    request_id = api.get("iso", "/api/v1/change-requests").json()["items"][0]["id"]
    decided = post_form(client, f"/change-requests/{request_id}/decision", {"decision": "accepted"})
    assert decided.status_code == 303 and decided.headers["location"] == "/documents/QT-01/versions/2/edit"
    version_page = client.get("/documents/QT-01/versions/2")
    assert f"/change-requests/{request_id}" in version_page.text


def test_an_accepted_request_closes_when_its_revision_comes_into_force(api, db, engine, settings):
    """The requester sees the request done, and is told, when revision 2 is in force; a request
    for a revision that only waits for its effective date stays accepted until the day comes."""
    in_force(api)
    first = api.post("nhanvien", "/api/v1/change-requests", REQUEST).json()
    assert api.post("iso", f"/api/v1/change-requests/{first['id']}/decision",
                    {"decision": "accepted"}).json()["draft_revision"] == 2
    api.fill("QT-01", 2, purpose="Mục đích đã sửa theo phiếu đề nghị.")
    api.publish("QT-01", 2)
    closed = api.get("nhanvien", f"/api/v1/change-requests/{first['id']}").json()
    assert closed["status"] == "closed"
    assert api.get("iso", "/api/v1/change-requests?status=closed").json()["total"] == 1
    assert api.get("iso", "/api/v1/change-requests?status=accepted").json()["total"] == 0
    db.rollback()
    told = db.execute(select(Notification).where(Notification.kind == "change_request")
                      .order_by(Notification.id.desc())).scalars().first()
    assert told.link == f"/change-requests/{first['id']}"
    assert "lần ban hành 02 đã có hiệu lực" in message(told.kind, json.loads(told.params))
    events = db.execute(select(AuditEvent).where(AuditEvent.action == "change_request.close")).scalars().all()
    assert [e.object_id for e in events] == [str(first["id"])]

    # Revision 3, approved for next week: its request stays accepted until the day.
    second = api.post("nhanvien", "/api/v1/change-requests", REQUEST).json()
    api.post("iso", f"/api/v1/change-requests/{second['id']}/decision", {"decision": "accepted"})
    api.fill("QT-01", 3, purpose="Mục đích sửa lần thứ hai.")
    day = local_today(settings.zone) + timedelta(days=7)
    assert api.edit("QT-01", 3, {"effective_date": day.isoformat()}).status_code == 200
    assert api.publish("QT-01", 3)["status"] == "approved"
    assert api.get("nhanvien", f"/api/v1/change-requests/{second['id']}").json()["status"] == "accepted"
    with new_session(engine, write=True) as session:
        assert make_due_effective(session, day) == ["QT-01/3"]
        session.commit()
    assert api.get("nhanvien", f"/api/v1/change-requests/{second['id']}").json()["status"] == "closed"
