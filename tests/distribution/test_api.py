"""The distribution API as shared/API.md states it, with its 403 and 409."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from qms.distribution.models import Acknowledgement, PaperCopy

from .conftest import distribute

URL = "/api/v1/documents/QT-01/versions/1"


def test_distribution_expands_units_to_their_members(api, published, reader):
    response = distribute(api, units=["CCHC"], due_days=5)
    assert response.status_code == 200, response.text
    recipients = response.json()
    assert sorted(r["username"] for r in recipients) == ["cchc1", "cchc2", "nhanvien", "soanthao", "xemxet2"]
    assert all(r["unit"] == "CCHC" and r["new"] for r in recipients)
    due = datetime.fromisoformat(recipients[0]["due_at"])
    assert due.utcoffset().total_seconds() == 7 * 3600, "due times are shown in Vietnam time"
    assert (due.hour, due.minute) == (23, 59)
    event = reader.events("distribution.create")[-1]
    assert event.object_id == "QT-01/1" and event.actor_username == "iso"
    assert '"added":5' in event.details


def test_a_unit_includes_its_sub_units_unless_told_otherwise(api, published):
    response = api.post("iso", f"{URL}/distribution?dry_run=true",
                        {"units": ["VP"], "include_subunits": True})
    names = {r["username"] for r in response.json()}
    assert "mc1" in names and "vp1" in names
    response = api.post("iso", f"{URL}/distribution?dry_run=true",
                        {"units": ["VP"], "include_subunits": False})
    names = {r["username"] for r in response.json()}
    assert "vp1" in names and "mc1" not in names


def test_a_dry_run_writes_nothing(api, published, reader):
    response = api.post("iso", f"{URL}/distribution?dry_run=true", {"units": ["CCHC"]})
    assert response.status_code == 200 and len(response.json()) == 5
    assert reader.count(Acknowledgement) == 0
    assert reader.events("distribution.create") == []


def test_roles_and_named_users_are_expanded_once(api, published):
    response = distribute(api, roles=["approver"], users=["giamdoc", "vp1"])
    assert sorted(r["username"] for r in response.json()) == ["giamdoc", "phogiamdoc", "vp1"]


def test_distributing_again_adds_new_members_only(api, published, make, db):
    assert len(distribute(api, units=["CCHC"]).json()) == 5
    make.user("cchc3", "staff", unit="CCHC", full_name="Phan Văn Em")
    again = distribute(api, units=["CCHC"]).json()
    assert {r["username"]: r["new"] for r in again}["cchc3"] is True
    assert sum(r["new"] for r in again) == 1
    total = db.execute(select(func.count()).select_from(Acknowledgement)).scalar_one()
    assert total == 6


def test_later_moves_do_not_rewrite_who_received_it(api, published, db):
    distribute(api, units=["CCHC"])
    from qms.accounts.models import Unit, User

    vp = db.execute(select(Unit).where(Unit.code == "VP")).scalar_one()
    user = db.execute(select(User).where(User.username == "cchc1")).scalar_one()
    user.unit_id = vp.id
    db.commit()
    summary = api.get("iso", f"{URL}/acknowledgements").json()
    assert summary["by_unit"] == [{"unit": "CCHC", "total": 5, "acknowledged": 0}]


def test_bad_targets_are_refused_with_the_field(api, published, reader):
    cases = [
        ({"units": ["NOPE"]}, "units"),
        ({"roles": ["king"]}, "roles"),
        ({"users": ["ghost"]}, "users"),
        ({"paper_copies": [{"holder": "ghost"}]}, "paper_copies"),
        ({}, "units"),
        ({"units": ["CCHC"], "due_days": 0}, "due_days"),
    ]
    for body, field in cases:
        response = distribute(api, **body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.text
    assert reader.count(Acknowledgement) == 0


def test_only_the_quality_officer_distributes(api, published, reader):
    for username in ("nhanvien", "giamdoc", "danhgia"):
        assert distribute(api, username=username, units=["CCHC"]).status_code == 403
    assert reader.count(Acknowledgement) == 0


def test_a_draft_cannot_be_distributed(api, staff):
    api.create_procedure("QT-02", "Quy trình nháp")
    response = distribute(api, code="QT-02", units=["CCHC"])
    assert response.status_code == 409
    assert "detail" in response.json()


def test_reading_list_and_acknowledgement(api, published, reader):
    distribute(api, units=["CCHC"], due_days=3)
    items = api.get("nhanvien", "/api/v1/me/reading-list").json()
    assert [(i["code"], i["revision"], i["overdue"]) for i in items] == [("QT-01", 1, False)]
    assert set(items[0]) >= {"code", "title", "revision", "due_at", "overdue"}

    first = api.post("nhanvien", f"{URL}/acknowledge")
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "acknowledged"
    second = api.post("nhanvien", f"{URL}/acknowledge")
    assert second.status_code == 200
    assert second.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    assert len(reader.events("distribution.acknowledge")) == 1, "acknowledging twice records it once"
    assert api.get("nhanvien", "/api/v1/me/reading-list").json() == []

    summary = api.get("iso", f"{URL}/acknowledgements").json()
    assert summary["total"] == 5 and summary["acknowledged"] == 1
    assert sorted(summary["pending"]) == ["cchc1", "cchc2", "soanthao", "xemxet2"]
    assert summary["by_unit"] == [{"unit": "CCHC", "total": 5, "acknowledged": 1}]


def test_someone_outside_the_distribution_cannot_acknowledge(api, published, reader):
    distribute(api, units=["CCHC"])
    response = api.post("vp1", f"{URL}/acknowledge")
    assert response.status_code == 403
    assert "detail" in response.json()
    assert reader.events("distribution.acknowledge") == []


def test_acknowledging_a_version_no_longer_in_force_is_a_conflict(api, published, reader):
    distribute(api, units=["CCHC"])
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    api.fill("QT-01", 2)
    api.publish("QT-01", 2)
    response = api.post("nhanvien", f"{URL}/acknowledge")
    assert response.status_code == 409, response.text
    assert "02" not in response.json()["detail"] and "QT-01" in response.json()["detail"]
    assert reader.events("distribution.acknowledge") == []


def test_the_follow_up_is_for_the_quality_officer_the_head_and_auditors(api, published):
    distribute(api, units=["CCHC"])
    for username in ("iso", "giamdoc", "danhgia"):
        assert api.get(username, f"{URL}/acknowledgements").status_code == 200
    assert api.get("nhanvien", f"{URL}/acknowledgements").status_code == 403


def test_unknown_documents_and_revisions_are_404(api, published):
    assert api.post("nhanvien", "/api/v1/documents/NOPE/versions/1/acknowledge").status_code == 404
    assert api.post("nhanvien", "/api/v1/documents/QT-01/versions/9/acknowledge").status_code == 404
    assert distribute(api, code="NOPE", units=["CCHC"]).status_code == 404


def test_paper_copies_are_numbered_per_version(api, published, reader):
    distribute(api, paper_copies=[{"holder": "cchc1"}, {"holder": "vp1"}])
    distribute(api, paper_copies=[{"holder": "nhanvien"}])
    record = api.get("iso", f"{URL}/distribution").json()
    assert [(c["number"], c["holder"], c["status"]) for c in record["paper_copies"]] == [
        ("01", "cchc1", "issued"), ("02", "vp1", "issued"), ("03", "nhanvien", "issued")]
    assert reader.count(PaperCopy) == 3


def test_repeating_a_distribution_issues_no_second_copy_to_a_holder(api, published, reader):
    distribute(api, paper_copies=[{"holder": "cchc1"}, {"holder": "cchc1"}])
    again = distribute(api, paper_copies=[{"holder": "cchc1"}, {"holder": "vp1"}])
    assert again.status_code < 300, again.text
    record = api.get("iso", f"{URL}/distribution").json()
    assert [(c["number"], c["holder"]) for c in record["paper_copies"]] == [("01", "cchc1"), ("02", "vp1")]
    assert reader.count(PaperCopy) == 2
    assert api.get("iso", f"{URL}/record.pdf?copy=2").status_code == 200
    assert api.get("iso", f"{URL}/record.pdf?copy=3").status_code == 404
