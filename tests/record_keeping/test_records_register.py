"""The records register of a procedure, the records list and its signed yearly approval."""

from __future__ import annotations

import re

from sqlalchemy import select
from support import PASSWORD, login, post_form

from qms.audit.models import AuditEvent
from qms.record_keeping import register as records_register

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


RECORDS_SECTION = """Các hồ sơ sau được lưu:

| TT | Tên hồ sơ | Nơi lưu | Thời gian lưu |
|---|---|---|---|
| 1 | Sổ theo dõi phân phối tài liệu | Văn phòng Sở (Thư ký ISO) | 05 năm |
| 2 | Bản gốc tài liệu đã phê duyệt | Phòng Cải cách hành chính (phần mềm quản lý tài liệu) | Vĩnh viễn |
| 3 | Danh mục tài liệu nội bộ | Văn phòng Sở | Đến khi có danh mục thay thế |
| 4 | Hồ sơ đào tạo chuyên gia | Nơi không có trong cơ quan | 05 năm kể từ khi thôi nhiệm vụ |
"""


def test_the_editor_proposes_the_records_the_procedure_lists_until_the_register_is_saved(api, client):
    api.create_procedure()
    api.fill("QT-01", records=RECORDS_SECTION)
    api.publish("QT-01")
    login(client, "iso")
    page = client.get("/documents/QT-01/records")
    assert "Hồ sơ cần lưu" in page.text and "chưa có gì được lưu" in page.text
    names = re.findall(r'<input name="name" value="([^"]*)"', page.text)
    assert names[:4] == ["Sổ theo dõi phân phối tài liệu", "Bản gốc tài liệu đã phê duyệt",
                         "Danh mục tài liệu nội bộ", "Hồ sơ đào tạo chuyên gia"]
    periods = re.findall(r'<input name="retention" value="([^"]*)"', page.text)
    assert periods[:4] == ["5", "vĩnh viễn", "", "5"]
    unit_selects = re.findall(r'<select name="keeping_unit".*?</select>', page.text, re.S)
    kept_by = [re.search(r'value="(\w+)" selected', select).group(1) for select in unit_selects[:4]]
    assert kept_by == ["VP", "CCHC", "VP", "VP"], "the unit named in the cell, else the owner unit"
    assert re.findall(r'<option value="(\w+)" selected>', page.text).count("electronic") == 1
    assert "Trong quy trình ghi: “Đến khi có danh mục thay thế”" in page.text
    assert "Trong quy trình ghi: “05 năm kể từ khi thôi nhiệm vụ”" in page.text

    assert api.get("iso", "/api/v1/documents/QT-01/records").json() == []  # nothing saved by looking
    saved = post_form(client, "/documents/QT-01/records", {
        "name": names[:4], "keeping_unit": ["VP", "CCHC", "VP", "VP"],
        "retention": ["5", "vĩnh viễn", "3", "5"],
        "medium": ["paper", "electronic", "paper", "paper"],
        "disposal": ["destroy", "archive_agency", "destroy", "destroy"]})
    assert saved.status_code == 303
    rows = api.get("iso", "/api/v1/documents/QT-01/records").json()
    assert [(r["retention_years"], r["permanent"]) for r in rows] == [(5, False), (None, True), (3, False),
                                                                      (5, False)]
    again = client.get("/documents/QT-01/records")
    assert "chưa có gì được lưu" not in again.text and 'value="vĩnh viễn"' in again.text


def test_a_records_section_without_a_table_proposes_nothing(api, client):
    api.create_procedure()
    api.fill("QT-01", records="Hồ sơ được lưu theo quy định của cơ quan.")
    api.publish("QT-01")
    login(client, "iso")
    page = client.get("/documents/QT-01/records")
    assert "chưa có gì được lưu" not in page.text
    assert re.findall(r'<input name="name" value="([^"]*)"', page.text) == ["", "", ""]


def test_the_api_offers_the_same_proposal_to_the_quality_officer_only(api):
    api.create_procedure()
    api.fill("QT-01", records=RECORDS_SECTION)
    api.publish("QT-01")
    url = "/api/v1/documents/QT-01/records/proposed"
    proposed = api.get("iso", url).json()
    assert [(line["retention"], line["as_written"]) for line in proposed] == [
        ("5", ""), ("vĩnh viễn", ""), ("", "Đến khi có danh mục thay thế"),
        ("5", "05 năm kể từ khi thôi nhiệm vụ")]
    assert proposed[1]["medium"] == "electronic" and proposed[1]["disposal"] == "archive_agency"
    assert api.get("nhanvien", url).status_code == 403
