"""Reports: master list, external documents, records list, distribution record, acknowledgements
and the audit trail, as PDF, DOCX and CSV (UTF-8 with a byte-order mark), within access rules."""

from __future__ import annotations

import csv
import io

from docx import Document as open_docx

from .conftest import audit_events, flat, pdf_pages, publish_rich

REPORTS = "/api/v1/reports"


def _csv(response) -> list[list[str]]:
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_master_list_in_three_formats(api, engine):
    publish_rich(api, steps=1)
    publish_rich(api, code="QT-02", title="Quy trình kiểm soát hồ sơ", steps=1)
    api.create_procedure("QT-03", "Quy trình đánh giá nội bộ")  # a draft is not in the master list

    rows = _csv(api.get("nhanvien", f"{REPORTS}/master-list.csv"))
    assert rows[0] == ["TT", "Mã hiệu", "Tên tài liệu", "Loại tài liệu", "Lần ban hành", "Ngày hiệu lực",
                       "Đơn vị chủ trì"]
    assert [row[1:3] for row in rows[1:]] == [["QT-01", "Quy trình kiểm soát tài liệu"],
                                             ["QT-02", "Quy trình kiểm soát hồ sơ"]]
    assert rows[1][3:5] == ["Quy trình", "01"]

    pages = pdf_pages(api.get("iso", f"{REPORTS}/master-list.pdf").content)
    text = flat("\n".join(pages))
    assert "DANH MỤC TÀI LIỆU NỘI BỘ" in text and "Quy trình kiểm soát hồ sơ" in text
    assert "Ngày lập:" in text and "Trang: 1/1" in text and "QT-03" not in text

    document = open_docx(io.BytesIO(api.get("iso", f"{REPORTS}/master-list.docx").content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "QT-02" in cells and "Quy trình kiểm soát hồ sơ" in cells
    assert [(e["actor"], e["format"], e["rows"]) for e in audit_events(engine, "report.download")] == [
        ("nhanvien", "csv", 2), ("iso", "pdf", 2), ("iso", "docx", 2)]


def test_staff_see_only_what_they_may_read(api):
    publish_rich(api, steps=1)
    publish_rich(api, code="QT-09", title="Quy trình bảo vệ bí mật nhà nước", steps=1,
                 confidentiality="restricted", allowed_units=["VP"])
    staff = [row[1] for row in _csv(api.get("nhanvien", f"{REPORTS}/master-list.csv"))[1:]]
    officer = [row[1] for row in _csv(api.get("iso", f"{REPORTS}/master-list.csv"))[1:]]
    assert staff == ["QT-01"] and officer == ["QT-01", "QT-09"]


def test_records_list_comes_from_the_records_tables(api):
    publish_rich(api, steps=1)
    rows = _csv(api.get("iso", f"{REPORTS}/records-list.csv"))
    assert rows[0] == ["TT", "Tên hồ sơ", "Theo tài liệu", "Nơi lưu", "Thời gian lưu"]
    assert rows[1:] == [["1", "Danh mục tài liệu nội bộ", "QT-01", "Văn phòng Sở", "Vĩnh viễn"],
                        ["2", "Phiếu đề nghị sửa đổi tài liệu", "QT-01", "Văn phòng Sở", "05 năm"]]
    text = flat("\n".join(pdf_pages(api.get("iso", f"{REPORTS}/records-list.pdf").content)))
    assert "DANH MỤC HỒ SƠ" in text and "Vĩnh viễn" in text


def test_records_list_prefers_the_records_register(api):
    publish_rich(api, steps=1)
    register = api.client.put("/api/v1/documents/QT-01/records", headers=api.as_("iso"), json=[
        {"name": "Sổ theo dõi phân phối tài liệu", "keeping_unit": "VP", "retention": "10"},
        {"name": "Bản gốc tài liệu", "keeping_unit": "VP", "retention": "vĩnh viễn"}])
    assert register.status_code == 200, register.text
    rows = _csv(api.get("iso", f"{REPORTS}/records-list.csv"))
    assert rows[1:] == [["1", "Sổ theo dõi phân phối tài liệu", "QT-01", "Văn phòng Sở", "10 năm"],
                        ["2", "Bản gốc tài liệu", "QT-01", "Văn phòng Sở", "Vĩnh viễn"]]
    text = flat("\n".join(pdf_pages(api.get("iso", f"{REPORTS}/records-list.pdf").content)))
    assert "chưa được Thủ trưởng cơ quan phê duyệt" in text


def test_records_list_prints_as_approved_only_the_rows_the_head_signed(api):
    """Rows from a procedure's text and rows changed after the approval are not approved."""
    from datetime import date

    from support import PASSWORD

    publish_rich(api, steps=1)
    register = [{"name": "Sổ theo dõi phân phối tài liệu", "keeping_unit": "VP", "retention": "10"}]
    api.client.put("/api/v1/documents/QT-01/records", headers=api.as_("iso"), json=register)
    approved = api.post("giamdoc", "/api/v1/records-list/approval",
                        {"year": date.today().year, "password": PASSWORD})
    assert approved.status_code == 201, approved.text
    publish_rich(api, code="QT-02", title="Quy trình kiểm soát hồ sơ", steps=1)  # records only in its text
    api.client.put("/api/v1/documents/QT-01/records", headers=api.as_("iso"),
                   json=[{**register[0], "retention": "05"}])

    rows = _csv(api.get("iso", f"{REPORTS}/records-list.csv"))
    approved_part = [row[1:] for row in rows[1:] if row[0].startswith("I.")]
    pending_part = [row[1:] for row in rows[1:] if row[0].startswith("II.")]
    assert approved_part == [["1", "Sổ theo dõi phân phối tài liệu", "QT-01", "Văn phòng Sở", "10 năm"]]
    assert ["1", "Sổ theo dõi phân phối tài liệu", "QT-01", "Văn phòng Sở", "05 năm"] in pending_part
    assert {row[2] for row in pending_part} == {"QT-01", "QT-02"}
    text = flat("\n".join(pdf_pages(api.get("iso", f"{REPORTS}/records-list.pdf").content)))
    assert "các dòng ở phần II chưa được phê duyệt" in text and "cần trình phê duyệt lại" in text


def test_external_documents(api):
    response = api.post("iso", "/api/v1/documents", {
        "code": "ND-30", "title": "Nghị định về công tác văn thư", "kind": "external", "owner_unit": "VP",
        "confidentiality": "internal", "review_interval_months": 12,
        "external": {"number": "30/2020/NĐ-CP", "issuer": "Chính phủ", "issued_on": "2020-03-05",
                     "status": "in_force"}})
    assert response.status_code == 201, response.text
    rows = _csv(api.get("iso", f"{REPORTS}/external-documents.csv"))
    assert rows[0][:4] == ["TT", "Mã hiệu", "Số, ký hiệu", "Tên tài liệu"]
    assert rows[1][1] == "ND-30" and rows[1][3] == "Nghị định về công tác văn thư"
    assert rows[1][2] == "30/2020/NĐ-CP" and rows[1][4] == "Chính phủ" and rows[1][5] == "05/03/2020"
    assert api.get("iso", f"{REPORTS}/external-documents.docx").status_code == 200


def test_audit_trail_is_for_auditors(api, engine):
    publish_rich(api, steps=1)
    refused = api.get("nhanvien", f"{REPORTS}/audit-trail.csv")
    assert refused.status_code == 403
    rows = _csv(api.get("danhgia", f"{REPORTS}/audit-trail.csv?since=2000-01-01"))
    assert rows[0][:4] == ["Số", "Thời gian", "Người thực hiện", "Hành động"]
    actions = [row[3] for row in rows[1:]]
    assert "Có hiệu lực" in actions and "Đăng ký tài liệu mới" in actions
    later = _csv(api.get("danhgia", f"{REPORTS}/audit-trail.csv?since=2999-01-01"))
    assert later[1:] == []
    assert api.get("danhgia", f"{REPORTS}/audit-trail.csv?since=yesterday").status_code == 422
    pdf = flat("\n".join(pdf_pages(api.get("danhgia", f"{REPORTS}/audit-trail.pdf").content)))
    assert "TRÍCH XUẤT NHẬT KÝ KIỂM TRA" in pdf
    assert [e["actor"] for e in audit_events(engine, "report.download")] == ["danhgia"] * 3


def test_an_audit_trail_since_an_end_of_the_calendar_is_answered(api):
    """The last moment of year 9999 west of UTC has no time in the agency's zone: the
    extract since then was a server error. It is empty; one since year 1 has everything."""
    publish_rich(api, steps=1)
    late = api.get("danhgia", f"{REPORTS}/audit-trail.csv", params={"since": "9999-12-31T23:59:59-12:00"})
    assert late.status_code == 200, late.text
    assert _csv(late)[1:] == []
    early = api.get("danhgia", f"{REPORTS}/audit-trail.csv", params={"since": "0001-01-01T00:00:00+14:00"})
    assert "Đăng ký tài liệu mới" in [row[3] for row in _csv(early)[1:]]
    pdf = api.get("danhgia", f"{REPORTS}/audit-trail.pdf", params={"since": "9999-12-31T23:59:59-12:00"})
    assert pdf.status_code == 200
    assert "31/12/9999" in flat("\n".join(pdf_pages(pdf.content)))


def test_unknown_formats_and_anonymous_calls_are_refused(api, client, app):
    paths = app.openapi()["paths"]
    for path in ("/api/v1/documents/{code}/versions/{rev}/record.pdf",
                 "/api/v1/documents/{code}/versions/{rev}/record.docx",
                 "/api/v1/documents/{code}/versions/{rev}/signed.pdf",
                 "/api/v1/documents/{code}/versions/{rev}/distribution-record.docx",
                 "/api/v1/reports/master-list.csv", "/api/v1/reports/acknowledgements.pdf",
                 "/api/v1/reports/audit-trail.csv", "/api/v1/reports/records-list.docx"):
        assert path in paths, path
    assert api.get("iso", f"{REPORTS}/master-list.xlsx").status_code == 404
    assert api.get("iso", f"{REPORTS}/audit-trail.xlsx").status_code == 404
    assert client.get(f"{REPORTS}/master-list.pdf").status_code == 401


def test_distribution_record_and_acknowledgements(api, make, people):
    make.user("nv2", "staff", unit="CCHC", full_name="Trần Thị Bích")
    publish_rich(api, steps=1)
    response = api.post("iso", "/api/v1/documents/QT-01/versions/1/distribution", {
        "units": ["CCHC"], "roles": [], "users": [], "due_days": 7, "paper_copies": [{"holder": "nhanvien"}]})
    assert response.status_code in (200, 201), response.text
    assert api.post("nhanvien", "/api/v1/documents/QT-01/versions/1/acknowledge").status_code == 200

    record = api.get("iso", "/api/v1/documents/QT-01/versions/1/distribution-record.pdf")
    assert record.status_code == 200, record.text
    text = flat("\n".join(pdf_pages(record.content)))
    for expected in ("SỔ THEO DÕI PHÂN PHỐI TÀI LIỆU", "Phòng Cải cách hành chính", "Vũ Văn Khánh",
                     "Trần Thị Bích", "Đã xác nhận", "Chưa xác nhận", "Bản giấy có kiểm soát"):
        assert expected in text, expected
    assert api.get("iso", "/api/v1/documents/QT-01/versions/1/distribution-record.docx").status_code == 200
    refused = api.get("nhanvien", "/api/v1/documents/QT-01/versions/1/distribution-record.pdf")
    assert refused.status_code == 403

    rows = _csv(api.get("iso", f"{REPORTS}/acknowledgements.csv?unit=CCHC"))
    assert sorted(row[3] for row in rows[1:]) == ["Lê Văn Hùng", "Trần Thị Bích", "Vũ Văn Khánh",
                                                  "Đinh Thị Hương"]
    pdf = flat("\n".join(pdf_pages(api.get("iso", f"{REPORTS}/acknowledgements.pdf").content)))
    assert "Phòng Cải cách hành chính: 1/4 lượt đã xác nhận" in pdf
    assert api.get("iso", f"{REPORTS}/acknowledgements.pdf?unit=NOPE").status_code == 422
    assert api.get("nhanvien", f"{REPORTS}/acknowledgements.pdf").status_code == 403


def test_the_distribution_record_prints_every_status_in_vietnamese(api, people):
    from support import agency_today

    publish_rich(api, steps=1)
    body = {"units": [], "roles": [], "users": ["nhanvien", "xemxet2"], "due_days": 7,
            "paper_copies": [{"holder": "nhanvien"}, {"holder": "xemxet2"}]}
    assert api.post("iso", "/api/v1/documents/QT-01/versions/1/distribution", body).status_code < 300
    assert api.post("nhanvien", "/api/v1/documents/QT-01/versions/1/acknowledge").status_code == 200
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    api.fill("QT-01", 2)
    api.publish("QT-01", 2)
    for number, outcome in ((1, "returned"), (2, "destroyed")):
        recalled = api.post("iso", f"/api/v1/documents/QT-01/versions/1/paper-copies/{number}/recall",
                            {"outcome": outcome, "on": agency_today().isoformat()})
        assert recalled.status_code == 200, recalled.text

    text = flat("\n".join(pdf_pages(api.get("iso", "/api/v1/documents/QT-01/versions/1/"
                                               "distribution-record.pdf").content)))
    for expected in ("Đã xác nhận", "Đã đóng (tài liệu bị thay thế)", "Đã thu hồi", "Đã thu hồi và tiêu hủy",
                     "tình trạng: bị thay thế"):
        assert expected in text, expected
    for raw in ("superseded", "returned", "destroyed", "to_recall", "issued", "nhanvien"):
        assert raw not in text, raw
    assert "cá nhân: Vũ Văn Khánh, Đinh Thị Hương" in text


def test_acknowledgements_as_docx_and_the_distribution_record_as_csv(api, make, people):
    make.user("nv2", "staff", unit="CCHC", full_name="Trần Thị Bích")
    publish_rich(api, steps=1)
    response = api.post("iso", "/api/v1/documents/QT-01/versions/1/distribution", {
        "units": ["CCHC"], "roles": [], "users": [], "due_days": 7, "paper_copies": [{"holder": "nhanvien"}]})
    assert response.status_code in (200, 201), response.text
    assert api.post("nhanvien", "/api/v1/documents/QT-01/versions/1/acknowledge").status_code == 200

    docx = api.get("iso", f"{REPORTS}/acknowledgements.docx?unit=CCHC")
    assert docx.status_code == 200, docx.text
    document = open_docx(io.BytesIO(docx.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Trần Thị Bích" in cells and "Đã xác nhận" in cells and "Chưa xác nhận" in cells
    headings = [paragraph.text for paragraph in document.paragraphs]
    assert "Phòng Cải cách hành chính: 1/4 lượt đã xác nhận" in headings

    rows = _csv(api.get("iso", "/api/v1/documents/QT-01/versions/1/distribution-record.csv"))
    assert rows[0][:3] == ["Phần", "Thời gian", "Người phân phối"]
    parts = {row[0] for row in rows[1:]} - {"Phần"}  # each part's table has its own header row
    assert parts == {"1. Các lần phân phối", "2. Người nhận và xác nhận đã đọc", "3. Bản giấy có kiểm soát"}
    recipients = {row[2]: row[7] for row in rows if row[0] == "2. Người nhận và xác nhận đã đọc"}
    assert recipients["Trần Thị Bích"] == "Chưa xác nhận" and recipients["Vũ Văn Khánh"] == "Đã xác nhận"
    refused = api.get("nhanvien", "/api/v1/documents/QT-01/versions/1/distribution-record.csv")
    assert refused.status_code == 403
