"""Word import: sections, steps, history and cover fields; what is refused creates nothing.

The round trip uses a DOCX built here in the layout of the generated record (page-header
table with code and revision, numbered upper-case section headings, "-" list items, the
steps table, the change-history and sign-off tables)."""

from __future__ import annotations

import io

import pytest
import samples
from docx import Document as new_docx
from sqlalchemy import func, select

from qms.documents.models import Document, RevisionHistory
from qms.intake.source import SECTION_HEADINGS  # noqa: F401  (the aliases the reader reuses)

SECTIONS = {
    "purpose": "Quy định trình tự tiếp nhận và giải quyết hồ sơ.",
    "scope": "Áp dụng cho Văn phòng Sở và Phòng Cải cách hành chính.",
    "references": "- Nghị định số 30/2020/NĐ-CP\n- TCVN ISO 9001:2015",
    "definitions": "- TTHC: thủ tục hành chính\n- BPMC: Bộ phận Một cửa",
    "content": "Hồ sơ được tiếp nhận tại Bộ phận Một cửa.\n\nThời gian giải quyết: 05 ngày làm việc.",
    "forms": "- BM-QT05-01: Phiếu tiếp nhận hồ sơ",
    "records": "- Sổ theo dõi hồ sơ, lưu 05 năm",
}
HEADINGS = {"purpose": "1. MỤC ĐÍCH", "scope": "2. PHẠM VI", "references": "3. TÀI LIỆU VIỆN DẪN",
            "definitions": "4. ĐỊNH NGHĨA, VIẾT TẮT", "content": "5. NỘI DUNG QUY TRÌNH",
            "forms": "6. BIỂU MẪU", "records": "7. HỒ SƠ CẦN LƯU"}
STEPS = [["B1", "Công chức BPMC", "Tiếp nhận, kiểm tra hồ sơ", "0,5 ngày", "BM-QT05-01"],
         ["B2", "Phòng CCHC", "Thẩm định hồ sơ", "3 ngày", "Tờ trình"],
         ["B3", "Giám đốc Sở", "Ký duyệt", "1 ngày", "Quyết định"]]


def procedure_docx(*, code: str = "QT-05", revision: str = "02", extra: list[str] | None = None) -> bytes:
    doc = new_docx()
    header = doc.sections[0].header.add_table(rows=1, cols=3, width=doc.sections[0].page_width)
    agency, title, facts = header.rows[0].cells
    agency.text = "SỞ NỘI VỤ TỈNH NINH BÌNH"
    title.text = "QUY TRÌNH TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ"
    facts.text = f"Mã số: {code}"
    facts.add_paragraph(f"Lần ban hành: {revision}")
    facts.add_paragraph("Ngày hiệu lực: 01/03/2026")
    table = doc.add_table(rows=3, cols=4)
    for cell, text in zip(table.rows[0].cells, ["", "NGƯỜI SOẠN THẢO", "NGƯỜI XEM XÉT", "NGƯỜI PHÊ DUYỆT"],
                          strict=True):
        cell.text = text
    history = doc.add_table(rows=3, cols=4)
    for row, values in zip(history.rows, [["Lần ban hành", "Ngày hiệu lực", "Nội dung sửa đổi", "Mục"],
                                          ["01", "15/01/2025", "Ban hành lần đầu", ""],
                                          ["02", "01/03/2026", "Rút ngắn thời gian giải quyết", "5"]],
                           strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    for line in extra or []:
        doc.add_paragraph(line)
    for name, heading in HEADINGS.items():
        doc.add_paragraph().add_run(heading).bold = True
        for paragraph in SECTIONS[name].split("\n"):
            if paragraph.strip():
                text = "-\t" + paragraph[2:] if paragraph.startswith("- ") else paragraph
                doc.add_paragraph(text)
        if name == "content":
            doc.add_paragraph().add_run("Các bước thực hiện").bold = True
            steps = doc.add_table(rows=1 + len(STEPS), cols=5)
            titles = ["Bước", "Trách nhiệm", "Nội dung công việc", "Thời gian", "Biểu mẫu, kết quả"]
            for cell, text in zip(steps.rows[0].cells, titles, strict=True):
                cell.text = text
            for row, values in zip(steps.rows[1:], STEPS, strict=True):
                for cell, text in zip(row.cells, values, strict=True):
                    cell.text = text
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def post(api, data: bytes, name: str = "quy-trinh.docx", username: str = "iso", **fields):
    return api.post(username, "/api/v1/import/docx", files={"file": (name, data, samples.DOCX_TYPE)},
                    data=fields)


def document_count(db) -> int:
    db.rollback()
    return db.execute(select(func.count()).select_from(Document)).scalar_one()


def test_a_record_layout_docx_round_trips_into_the_same_sections_and_steps(api, db):
    response = post(api, procedure_docx())
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["code"], body["revision"], body["status"]) == ("QT-05", 2, "draft")
    assert body["title"] == "QUY TRÌNH TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ"
    version = api.get("iso", "/api/v1/documents/QT-05/versions/2").json()
    assert version["sections"] == SECTIONS
    fields = ("step", "responsibility", "task", "duration", "output")
    assert [[s[f] for f in fields] for s in version["steps"]] == STEPS
    assert version["change_summary"] == "Rút ngắn thời gian giải quyết"
    db.rollback()
    history = db.execute(select(RevisionHistory.revision, RevisionHistory.change_summary)).all()
    assert [tuple(h) for h in history] == [(1, "Ban hành lần đầu")]


def test_what_cannot_be_placed_is_reported(api):
    body = post(api, procedure_docx(extra=["Ghi chú viết tay ở trang bìa"])).json()
    assert "trước mục “1. MỤC ĐÍCH”: Ghi chú viết tay ở trang bìa" in body["unmapped"]
    assert "trong bảng ở đầu trang, ô 1: SỞ NỘI VỤ TỈNH NINH BÌNH" in body["unmapped"]


def test_an_existing_code_gets_a_new_draft_revision(api):
    api.create_procedure("QT-05", "Quy trình tiếp nhận")
    api.fill("QT-05")
    api.publish("QT-05")
    body = post(api, procedure_docx()).json()
    assert body["revision"] == 2 and body["status"] == "draft"
    again = post(api, procedure_docx())
    assert again.status_code == 409


@pytest.mark.parametrize("name, data, reason", [
    ("hong.docx", samples.truncated_docx(), "bị hỏng"),
    ("macro.docx", samples.docx_with_macros(), "macro"),
    ("bom.docx", samples.zip_bomb(), "bom ZIP"),
    ("bang.xlsx", samples.xlsx(), "DOCX"),
    ("vanban.pdf", samples.pdf(), "DOCX"),
    ("trong.docx", samples.docx("Chỉ một dòng chữ"), "mục chuẩn"),
    ("../../etc/passwd.docx", procedure_docx(), "thư mục"),
])
def test_a_file_that_is_not_a_readable_procedure_gets_422_and_creates_nothing(api, db, name, data, reason):
    response = post(api, data, name)
    assert response.status_code == 422, response.text
    assert reason in response.json()["detail"]
    assert document_count(db) == 0


def test_a_code_is_needed_and_only_the_quality_officer_imports(api, db):
    no_code = post(api, procedure_docx(code=""))
    assert no_code.status_code == 422 and no_code.json()["field"] == "code"
    assert post(api, procedure_docx(code=""), code="QT-09").json()["code"] == "QT-09"
    assert post(api, procedure_docx(code="QT-10"), username="soanthao").status_code == 403
    assert document_count(db) == 1


def test_the_import_page_imports_several_files_each_on_its_own(api, client, db):
    from support import login, post_form
    login(client, "iso")
    files = [("files", ("a.docx", procedure_docx(code="QT-21"), samples.DOCX_TYPE)),
             ("files", ("b.docx", samples.truncated_docx(), samples.DOCX_TYPE)),
             ("files", ("c.docx", procedure_docx(code="QT-22"), samples.DOCX_TYPE))]
    response = post_form(client, "/import", {"owner_unit": "CCHC"}, files=files)
    assert response.status_code == 200
    assert "QT-21" in response.text and "QT-22" in response.text and "bị hỏng" in response.text
    db.rollback()
    assert sorted(db.execute(select(Document.code)).scalars()) == ["QT-21", "QT-22"]
