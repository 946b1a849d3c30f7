"""The records register of a procedure, the records list and its signed yearly approval."""

from __future__ import annotations

from sqlalchemy import select
from support import PASSWORD

from qms.audit.models import AuditEvent
from qms.library import records_register

ROWS = [
    {"name": "Sổ theo dõi văn bản đến", "keeping_unit": "VP", "retention": "permanent", "medium": "paper",
     "disposal": "archive_historical"},
    {"name": "Chứng từ thanh toán", "keeping_unit": "VP", "retention": "KT-10", "medium": "both"},
    {"name": "Phiếu kiểm soát hồ sơ", "keeping_unit": "CCHC", "retention": "5", "medium": "electronic"},
]


def procedure_in_force(api):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")


def test_records_are_listed_with_retention_from_the_categories(api, db):
    procedure_in_force(api)
    response = api.client.put("/api/v1/documents/QT-01/records", json=ROWS, headers=api.as_("iso"))
    assert response.status_code == 200, response.text
    rows = response.json()
    assert [(r["retention"], r["permanent"], r["retention_years"]) for r in rows] == [
        ("Vĩnh viễn", True, None), ("10 năm", False, 10), ("5 năm", False, 5)]
    assert rows[1]["basis"].startswith("Luật Kế toán") and rows[1]["category"] == "KT-10"
    listing = records_register.records_list_rows(db)
    assert [(r.keeping_unit_code, r.name) for r in listing] == [
        ("CCHC", "Phiếu kiểm soát hồ sơ"), ("VP", "Sổ theo dõi văn bản đến"), ("VP", "Chứng từ thanh toán")]


def test_bad_lines_are_refused_naming_the_line_and_nothing_changes(api):
    procedure_in_force(api)
    api.client.put("/api/v1/documents/QT-01/records", json=ROWS[:1], headers=api.as_("iso"))
    bad = api.client.put("/api/v1/documents/QT-01/records",
                         json=[ROWS[0], {**ROWS[1], "retention": "mãi mãi"}], headers=api.as_("iso"))
    assert bad.status_code == 422 and bad.json()["field"] == "entries.1.retention"
    unit = api.client.put("/api/v1/documents/QT-01/records", json=[{**ROWS[0], "keeping_unit": "XX"}],
                          headers=api.as_("iso"))
    assert unit.status_code == 422 and unit.json()["field"] == "entries.0.keeping_unit"
    assert len(api.get("iso", "/api/v1/documents/QT-01/records").json()) == 1
    staff = api.client.put("/api/v1/documents/QT-01/records", json=ROWS, headers=api.as_("nhanvien"))
    assert staff.status_code == 403


def test_a_record_name_with_a_control_character_is_refused(api):
    """It would have made the records list as Word fail for everyone."""
    procedure_in_force(api)
    bad = api.client.put("/api/v1/documents/QT-01/records", json=[{**ROWS[0], "name": "Sổ\x00 theo dõi"}],
                         headers=api.as_("iso"))
    assert bad.status_code == 422, bad.text
    assert api.get("iso", "/api/v1/documents/QT-01/records").json() == []
    assert api.get("iso", "/api/v1/reports/records-list.docx").status_code == 200


def test_the_head_approves_the_yearly_list_with_a_signature_once_per_content(api, db):
    procedure_in_force(api)
    api.client.put("/api/v1/documents/QT-01/records", json=ROWS, headers=api.as_("iso"))
    url = "/api/v1/records-list/approval"
    assert api.post("iso", url, {"year": 2026, "password": PASSWORD}).status_code == 403
    assert api.post("giamdoc", url, {"year": 2026, "password": "sai"}).status_code == 401
    approved = api.post("giamdoc", url, {"year": 2026, "password": PASSWORD})
    assert approved.status_code == 201, approved.text
    assert approved.json()["rows"] == 3 and approved.json()["signer_name"] == "Đặng Văn Bình"
    assert api.post("giamdoc", url, {"year": 2026, "password": PASSWORD}).status_code == 409
    api.client.put("/api/v1/documents/QT-01/records", json=ROWS[:2], headers=api.as_("iso"))
    assert api.post("giamdoc", url, {"year": 2026, "password": PASSWORD}).status_code == 201
    events = db.execute(select(AuditEvent).where(AuditEvent.action == "records_list.approve")).scalars().all()
    assert len(events) == 2
    listing = records_register.records_list(db, 2026)
    assert listing.approved_as_is and len(records_register.approved_rows(listing.approval)) == 2


def test_the_register_pages_render(api, client):
    from support import login
    procedure_in_force(api)
    api.client.put("/api/v1/documents/QT-01/records", json=ROWS, headers=api.as_("iso"))
    login(client, "iso")
    assert "Chứng từ thanh toán" in client.get("/documents/QT-01").text
    assert client.get("/documents/QT-01/records").status_code == 200
    page = client.get("/records-register?year=2026")
    assert page.status_code == 200 and "Phiếu kiểm soát hồ sơ" in page.text
