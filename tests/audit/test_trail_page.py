"""The audit page and its exports speak in words, filter by person, document, action and day,
and export exactly the events the page shows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from docx import Document as open_docx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session
from support import login

from qms.audit import service as audit


@pytest.fixture
def vi_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver", cookies={"qms_lang": "vi"}) as test_client:
        yield test_client


@pytest.fixture
def trail(engine, make):
    """Events on an account, on document QT-01 and its revision, on another document, a change request."""
    admin = make.user("quantri", "admin", unit="CNTT", full_name="Nguyễn Quản Trị")
    officer = make.user("thuky", "quality_officer", full_name="Trần Thư Ký")
    make.user("danhgia", "auditor")
    with Session(engine) as session:
        audit.record(session, actor=admin, action="user.update", object_type="user", object_id="nv1",
                     details={"roles": ["approver"], "roles_before": ["staff"], "active": False,
                              "email": None})
        audit.record(session, actor=officer, action="document.create", object_type="document",
                     object_id="QT-01", details={"code": "QT-01", "kind": "procedure", "parent_code": None})
        audit.record(session, actor=officer, action="version.submit", object_type="version",
                     object_id="QT-01/2", details={"reviewers": ["xemxet"], "approver": "lanhdao"})
        audit.record(session, actor=officer, action="document.create", object_type="document",
                     object_id="QT-011", details={"code": "QT-011", "kind": "procedure"})
        audit.record(session, actor=officer, action="change_request.accepted", object_type="change_request",
                     object_id="7", details={"document": "QT-01", "comment": "Đồng ý", "draft_revision": 2})
        session.commit()


def _ids(html: str) -> list[str]:
    return re.findall(r'<td class="num">(\d+)</td>', html)


def test_the_page_names_actions_objects_and_details_in_vietnamese(vi_client, trail):
    login(vi_client, "danhgia")
    page = vi_client.get("/audit?actor=quantri").text
    assert "Sửa thông tin tài khoản" in page and "Tài khoản nv1" in page
    assert "Vai trò: Cán bộ, công chức, viên chức → Người phê duyệt" in page
    assert "Đang hoạt động: Không" in page and "Thư điện tử: —" in page
    results = page[page.index('id="results"'):]
    assert "{" not in results and "True" not in results and "None" not in results
    assert "user.update" not in re.sub(r'title="[^"]*"', "", results)


def test_filters_by_document_code_action_group_and_person(vi_client, trail):
    login(vi_client, "danhgia")
    page = vi_client.get("/audit?document=qt-01").text
    assert _ids(page) == ["5", "3", "2"]  # not QT-011, not the account
    assert '<a href="/documents/QT-01/versions/2">QT-01, lần ban hành 02</a>' in page
    assert _ids(vi_client.get("/audit?action=document.").text) == ["4", "2"]
    assert _ids(vi_client.get("/audit?action=version.submit").text) == ["3"]
    person = vi_client.get("/audit?actor=thuky").text
    assert _ids(person) == ["5", "4", "3", "2"]
    assert '<option value="thuky" selected>Trần Thư Ký (thuky)</option>' in person
    assert '<optgroup label="Đăng nhập, đăng xuất">' in person


def test_exports_hold_the_events_of_the_page_in_the_same_words(vi_client, trail, engine):
    login(vi_client, "danhgia")
    page = vi_client.get("/audit?document=QT-01").text
    links = re.findall(r'href="(/api/v1/reports/audit-trail\.(?:pdf|docx|csv)\?[^"]*)"', page)
    assert len(links) == 3 and all("document=QT-01" in link for link in links)
    by_format = {link.split("?")[0].rsplit(".", 1)[1]: link.replace("&amp;", "&") for link in links}

    response = vi_client.get(by_format["csv"])
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["2", "3", "5"]
    assert rows[0] == ["Số", "Thời gian", "Người thực hiện", "Hành động", "Đối tượng", "Chi tiết",
                       "Địa chỉ IP"]
    assert rows[2][3:6] == ["Trình xem xét", "QT-01, lần ban hành 02",
                            "Người phê duyệt: lanhdao\nNgười xem xét: xemxet"]

    document = open_docx(io.BytesIO(vi_client.get(by_format["docx"]).content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Chấp nhận đề nghị sửa đổi" in cells and "Đề nghị sửa đổi 7" in cells
    assert any("Chỉ gồm các sự kiện có tài liệu: QT-01" in p.text for p in document.paragraphs)

    pdf = PdfReader(io.BytesIO(vi_client.get(by_format["pdf"]).content))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Đăng ký tài liệu mới" in text and "QT-011" not in text


def test_the_export_until_a_day_includes_that_day_only(vi_client, trail):
    login(vi_client, "danhgia")
    rows = vi_client.get("/api/v1/reports/audit-trail.csv?since=2000-01-01&until=2000-01-02")
    assert rows.status_code == 200
    assert rows.content.decode("utf-8-sig").count("\n") == 1  # the header alone
    assert vi_client.get("/api/v1/reports/audit-trail.csv?until=someday").status_code == 422


def test_the_api_filters_by_document_code_too(client, trail):
    from support import api_headers

    response = client.get("/api/v1/audit?document=QT-01", headers=api_headers(client, "danhgia"))
    assert [event["id"] for event in response.json()] == [5, 3, 2]


def test_an_account_or_unit_change_reads_before_and_after(vi_client, trail):
    from support import api_headers

    admin = api_headers(vi_client, "quantri")
    assert vi_client.patch("/api/v1/users/thuky", headers=admin,
                           json={"title": "Phó Chánh Văn phòng", "active": True}).status_code == 200
    renamed = vi_client.patch("/api/v1/units/VP", headers=admin, json={"name": "Văn phòng Sở"})
    assert renamed.status_code == 200, renamed.text
    login(vi_client, "danhgia")
    page = vi_client.get("/audit?action=user.update").text
    assert "Chức danh: Chuyên viên → Phó Chánh Văn phòng" in page
    assert "Đang hoạt động: Có" in page and "Đang hoạt động: Có →" not in page  # unchanged: no arrow
    unit = vi_client.get("/audit?action=unit.update").text
    assert "Tên đơn vị: " in unit and "→ Văn phòng Sở" in unit


def test_the_form_sends_empty_dates_and_days_typed_dd_mm_yyyy(vi_client, trail):
    login(vi_client, "danhgia")
    empty = vi_client.get("/audit?actor=&document=&action=document.&since=&until=")
    assert empty.status_code == 200 and _ids(empty.text) == ["4", "2"]
    typed = vi_client.get("/audit?action=document.&since=01/01/2000&until=02/01/2000")
    assert typed.status_code == 200 and _ids(typed.text) == []
    wrong = vi_client.get("/audit?since=31/02/2026")
    assert wrong.status_code == 422 and "dd/mm/yyyy" in wrong.text
