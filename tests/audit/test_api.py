"""The audit trail through the API and its page: who may read it, filters, verification."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text, update
from support import api_headers, login

from qms.audit.models import AuditEvent
from qms.core.db import utcnow


@pytest.fixture
def history(client, make, admin):
    """A morning of work: sign-ins, a failed one, a new unit and user, a sign-out."""
    make.user("danhgia", "auditor")
    make.user("nv1", "staff")
    headers = api_headers(client, "quantri")
    client.post("/api/v1/auth/token", json={"username": "nv1", "password": "Sai12345"})
    client.post("/api/v1/units", headers=headers, json={"code": "KH", "name": "Kế hoạch"})
    client.post("/api/v1/users", headers=headers, json={
        "username": "nv2", "full_name": "Lý Văn Tư", "unit": "KH", "password": "Tamthoi123"})
    client.patch("/api/v1/users/nv1", headers=headers, json={"title": "Phó phòng"})
    client.post("/api/v1/auth/logout", headers=headers)
    return api_headers(client, "danhgia")


def actions(response) -> list[str]:
    return [event["action"] for event in response.json()]


def test_every_change_wrote_exactly_one_event_newest_first(client, history):
    response = client.get("/api/v1/audit", headers=history)
    assert response.status_code == 200
    assert actions(response) == ["auth.login", "auth.logout", "user.update", "user.create",
                                 "unit.create", "auth.login_failed", "auth.login"]
    newest = response.json()[0]
    assert newest["actor"] == "danhgia"
    assert datetime.fromisoformat(newest["occurred_at"]).utcoffset() is not None
    assert newest["details"] == {"channel": "api"}
    assert set(newest) >= {"id", "object_type", "object_id", "address", "hash", "prev_hash"}


@pytest.mark.parametrize(("query", "expected"), [
    ("object=user:nv1", ["user.update", "auth.login_failed"]),
    ("object=unit", ["unit.create"]),
    ("actor=quantri", ["auth.logout", "user.update", "user.create", "unit.create", "auth.login"]),
    ("action=user.", ["user.update", "user.create"]),
    ("action=auth.login_failed", ["auth.login_failed"]),
    ("action=auth_login", []),
    ("action=user%25", []),
    ("actor=quantri&action=auth&limit=1", ["auth.logout"]),
    ("actor=quantri&limit=2&offset=1", ["user.update", "user.create"]),
])
def test_events_can_be_filtered(client, history, query, expected):
    response = client.get(f"/api/v1/audit?{query}", headers=history)
    assert actions(response) == expected


def test_events_can_be_filtered_by_time(client, history, db):
    db.execute(update(AuditEvent).where(AuditEvent.id <= 3)
               .values(occurred_at=utcnow() - timedelta(days=2)))
    db.commit()
    since = (utcnow() - timedelta(days=1)).isoformat()
    recent = client.get("/api/v1/audit", params={"since": since}, headers=history)
    assert [e["id"] for e in recent.json()] == [7, 6, 5, 4]
    naive = client.get("/api/v1/audit", params={"since": since[:19]}, headers=history)
    assert len(naive.json()) == 4, "a time without an offset is UTC"
    future = client.get("/api/v1/audit", params={"since": (utcnow() + timedelta(hours=1)).isoformat()},
                        headers=history)
    assert future.json() == []


@pytest.mark.parametrize("role", ["quality_officer", "staff", "approver", "drafter", "reviewer"])
def test_only_auditors_and_admins_read_the_trail(client, make, role):
    make.user("khac", role)
    headers = api_headers(client, "khac")
    listing = client.get("/api/v1/audit", headers=headers)
    verifying = client.get("/api/v1/audit/verify", headers=headers)
    assert listing.status_code == verifying.status_code == 403
    assert listing.json() == {"detail": "Your role does not allow this action."}


def test_the_trail_needs_a_sign_in(client):
    assert client.get("/api/v1/audit").status_code == 401
    assert client.get("/api/v1/audit/verify").status_code == 401


@pytest.mark.parametrize("who", ["quantri", "danhgia"])
def test_verify_reports_an_intact_chain(client, history, who):
    headers = api_headers(client, who)
    response = client.get("/api/v1/audit/verify", headers=headers)
    contract = ("ok", "events", "versions_checked", "bad_versions", "first_bad_event")
    assert {name: response.json()[name] for name in contract} == {
        "ok": True, "events": 8, "versions_checked": 0, "bad_versions": [], "first_bad_event": None}


def test_verify_names_the_first_altered_event(client, history, engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET actor_username = 'ai-do' WHERE id = 4"))
    response = client.get("/api/v1/audit/verify", headers=history)
    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert response.json()["first_bad_event"] == 4


@pytest.mark.parametrize("query", [
    "since=hôm-qua", "limit=0", "limit=100000", "offset=-1", "limit=abc",
    "object=" + "x" * 500, "offset=99999999999999999999999", "offset=9223372036854775808",
    "since=0001-01-01T00:00:00%2B07:00", "since=9999-12-31T23:59:59-07:00",
])
def test_bad_filters_are_422_or_harmless_never_500(client, history, query):
    response = client.get(f"/api/v1/audit?{query}", headers=history)
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert response.json()["detail"]
        assert response.json()["errors"][0]["field"] in ("since", "limit", "offset", "object")


# --- the page ---------------------------------------------------------------------------


def test_auditor_reads_the_trail_page_and_the_chain_status(client, history):
    login(client, "danhgia")
    page = client.get("/audit?actor=quantri")
    assert page.status_code == 200
    assert 'title="user.create"' in page.text and "nv2" in page.text
    chain = client.get("/audit/chain", headers={"HX-Request": "true"})
    assert chain.status_code == 200
    assert "<html" not in chain.text


def test_the_page_filters_by_day_in_the_agency_time_zone(client, history):
    login(client, "danhgia")
    today = datetime.now(client.app.state.settings.zone).date()
    page = client.get(f"/audit?since={today}&until={today}&action=unit.")
    assert 'title="unit.create"' in page.text
    earlier = client.get(f"/audit?until={today - timedelta(days=1)}&action=unit.")
    assert 'title="unit.create"' not in earlier.text


@pytest.mark.parametrize("query", ["until=9999-12-31", "since=0001-01-01", "since=2024-02-30",
                                   "page=0", "page=99999999999"])
def test_odd_page_filters_never_give_a_500(client, history, query):
    login(client, "danhgia")
    response = client.get(f"/audit?{query}")
    assert response.status_code in (200, 422)


def test_staff_cannot_open_the_trail_page(client, make):
    make.user("nv5", "staff")
    login(client, "nv5")
    response = client.get("/audit")
    assert response.status_code == 403
    assert "Your role does not allow this action." in response.text
    assert client.get("/audit/chain").status_code == 403


def test_a_change_whose_audit_event_fails_is_not_kept(app, admin, read, monkeypatch):
    """The event is written in the transaction of the change: no event, no change."""
    from fastapi.testclient import TestClient

    from qms.accounts import units

    with TestClient(app, raise_server_exceptions=False) as client:
        headers = api_headers(client, "quantri")

        def failing_record(*args, **kwargs):
            raise RuntimeError("the audit table is unavailable")

        monkeypatch.setattr(units.audit, "record", failing_record)
        response = client.post("/api/v1/units", headers=headers, json={"code": "KH", "name": "Kế hoạch"})
    assert response.status_code == 500
    assert read.unit("KH") is None
    assert [e.action for e in read.events()] == ["auth.login"]


def test_the_page_shows_a_tampered_chain_and_offers_the_csv_export(client, history, db):
    from sqlalchemy import text

    login(client, "danhgia")
    page = client.get("/audit")
    assert "/api/v1/reports/audit-trail.csv" in page.text
    assert "broken" not in client.get("/audit/chain").text.lower()
    db.execute(text("UPDATE audit_event SET action = 'user.delete' WHERE id = 2"))
    db.commit()
    status = client.get("/audit/chain").text
    assert "2" in status and "status--bad" in status
    export = client.get("/api/v1/reports/audit-trail.csv")
    assert export.status_code == 200 and export.content.startswith("\ufeff".encode())
