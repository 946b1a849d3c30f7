"""Word import over a corpus of procedures laid out the ways agencies lay them out
(``import_corpus``): every section and step lands where it belongs, and what has no place
is listed with where it was; the code typed on the import page wins over the cover's."""

from __future__ import annotations

import pytest
import samples
from docx import Document as new_docx
from sqlalchemy import select

from intake.import_corpus import (
    AGENCY,
    ARABIC,
    CORPUS,
    PURPOSE,
    ROLES,
    Case,
    _procedure,
    _save,
    issue_cover,
    no_code_on_cover,
)
from qms.documents.models import Document
from qms.intake.docx_reader import MAX_UNMAPPED, heading_of, read_docx


def post(api, data: bytes, name: str = "quy-trinh.docx", **fields):
    return api.post("iso", "/api/v1/import/docx", files={"file": (name, data, samples.DOCX_TYPE)},
                    data=fields)


def test_the_corpus_is_varied_enough():
    assert len(CORPUS) >= 12
    assert sum(case.name.startswith("lo-") for case in CORPUS) >= 3


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.name)
def test_every_file_of_the_corpus_lands_where_it_belongs(api, case: Case):
    response = post(api, case.data, code="" if case.code else "QT-TN-09")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["code"], body["revision"], body["title"]) == ("QT-TN-09", case.revision or 1, case.title)
    version = api.get("iso", f"/api/v1/documents/QT-TN-09/versions/{body['revision']}").json()
    assert version["sections"] == case.sections
    assert [[step[role] for role in ROLES] for step in version["steps"]] == case.steps
    unmapped = body["unmapped"]
    assert len(unmapped) == len(case.unmapped), unmapped
    for text, where in case.unmapped:
        assert any(line.startswith(where) or where in line.split(": ")[0] for line in unmapped
                   if line.endswith(text)), (text, where, unmapped)


@pytest.mark.parametrize("heading, part", [
    ("1. MỤC ĐÍCH", "purpose"), ("II. PHẠM VI ÁP DỤNG", "scope"), ("Phạm vi", "scope"),
    ("3. Tài liệu viện dẫn", "references"), ("Căn cứ pháp lý", "references"),
    ("4. ĐỊNH NGHĨA/VIẾT TẮT", "definitions"), ("IV. Thuật ngữ và định nghĩa", "definitions"),
    ("Các từ viết tắt", "definitions"), ("5. Nội dung quy trình:", "content"), ("V - NỘI DUNG", "content"),
    ("6) Biểu mẫu", "forms"), ("VII. HỒ SƠ CẦN LƯU", "records"), ("Ho so", "records"),
    ("8. Phụ lục", "annex"), ("Phần I. Mục đích", "purpose"),
    ("5.1 Hồ sơ", None), ("Hồ sơ được nộp trực tiếp", None), ("Thời hạn giải quyết", None),
])
def test_headings_are_matched_by_their_words_whatever_their_numbering(heading, part):
    found = heading_of(heading)
    assert (found.part if found else None) == part


def test_a_typed_code_wins_over_the_covers_and_an_empty_one_takes_it(api):
    assert post(api, issue_cover(), code="QT-TN-10").json()["code"] == "QT-TN-10"
    assert post(api, issue_cover(), code="").json()["code"] == "QT-TN-09"


def test_the_import_page_takes_a_typed_code(api, client, db):
    from support import login, post_form
    login(client, "iso")
    page = client.get("/import")
    assert 'name="code"' in page.text
    response = post_form(client, "/import", {"code": "qt-tn-11"},
                         files=[("files", ("a.docx", no_code_on_cover(), samples.DOCX_TYPE))])
    assert response.status_code == 200, response.text
    assert 'value="qt-tn-11"' not in response.text and 'value="QT-TN-11"' not in response.text
    db.rollback()
    assert db.execute(select(Document.code)).scalars().all() == ["QT-TN-11"]


def test_a_file_without_a_code_is_a_field_error_on_the_page_not_a_lost_batch(api, client, db):
    from support import login, post_form
    login(client, "iso")
    files = [("files", ("bia-khong-ma.docx", no_code_on_cover(), samples.DOCX_TYPE)),
             ("files", ("qt-tn-09.docx", issue_cover(), samples.DOCX_TYPE))]
    response = post_form(client, "/import", {}, files=files)
    assert response.status_code == 200
    assert 'id="f-code"' in response.text and 'aria-invalid="true"' in response.text
    assert "bia-khong-ma.docx: Trang bìa không ghi mã số" in response.text
    assert "Sau đó chọn lại tệp này và bấm Nhập." in response.text
    assert "trong bảng bìa, ô 1:</span> SỞ NỘI VỤ" in response.text
    db.rollback()
    assert db.execute(select(Document.code)).scalars().all() == ["QT-TN-09"]


def test_one_code_for_several_files_is_refused_on_the_code_field(api, client, db):
    from support import login, post_form
    login(client, "iso")
    files = [("files", ("a.docx", issue_cover(), samples.DOCX_TYPE)),
             ("files", ("b.docx", no_code_on_cover(), samples.DOCX_TYPE))]
    response = post_form(client, "/import", {"code": "QT-TN-12"}, files=files)
    assert response.status_code == 422
    assert "Mỗi mã số chỉ dùng cho một tài liệu" in response.text
    db.rollback()
    assert db.execute(select(Document.code)).scalars().all() == []


def test_a_long_list_of_passages_not_placed_ends_with_how_many_more():
    doc = new_docx()
    for n in range(MAX_UNMAPPED + 7):
        doc.add_paragraph(f"{AGENCY} — ghi chú {n}")
    doc.add_paragraph("Lưu đồ")  # a steps heading outside the content is text like any other
    _procedure(doc, ARABIC)
    parsed = read_docx(_save(doc))
    assert len(parsed.unmapped) == MAX_UNMAPPED + 1
    assert parsed.unmapped[-1].text == "8 đoạn khác cũng không xếp được vào mục nào."


@pytest.mark.parametrize("line, code, revision", [
    ("Mã số tài liệu: QT-01", "QT-01", None),
    ("Mã hiệu quy trình: QT.TN.09", "QT.TN.09", None),
    ("Ký hiệu: HD-05/Lần ban hành: 3", "HD-05", 3),
    ("Lần ban hành/sửa đổi: 02 - MÃ SỐ: QT-07", "QT-07", 2),
    ("Lần soát xét: 04", "", 4),
    ("Mã số : QT 01", "", None),
])
def test_cover_lines_as_agencies_word_them(line, code, revision):
    doc = new_docx()
    doc.add_paragraph(line)
    doc.add_paragraph("1. MỤC ĐÍCH")
    doc.add_paragraph(PURPOSE)
    parsed = read_docx(_save(doc))
    assert (parsed.code, parsed.revision) == (code, revision)
    assert [u.text for u in parsed.unmapped] == ([] if code or revision else [line])


def test_a_part_named_in_bold_at_the_start_of_its_paragraph():
    doc = new_docx()
    for label, text in (("Mục đích:", PURPOSE), ("Phạm vi áp dụng:", "Phòng Tổ chức.")):
        paragraph = doc.add_paragraph()
        paragraph.add_run(label).bold = True
        paragraph.add_run(f" {text}")
    doc.add_paragraph("Hồ sơ: theo danh mục.")  # not bold, not numbered: text of the scope
    parsed = read_docx(_save(doc))
    assert parsed.sections["purpose"] == PURPOSE
    assert parsed.sections["scope"] == "Phòng Tổ chức.\n\nHồ sơ: theo danh mục."


def test_a_file_without_section_properties_is_read():
    doc = new_docx()
    doc.add_paragraph("1. MỤC ĐÍCH")
    doc.add_paragraph(PURPOSE)
    body = doc.element.body
    body.remove(body.sectPr)
    assert read_docx(_save(doc)).sections["purpose"] == PURPOSE


def test_a_table_merged_down_from_no_row_above_is_read_as_written():
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = new_docx()
    doc.add_paragraph("1. MỤC ĐÍCH")
    doc.add_paragraph(PURPOSE)
    table = doc.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, [["Mã", "Tên"], ["BPMC", "Bộ phận Một cửa"]], strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    table.rows[0].cells[0]._tc.get_or_add_tcPr().append(parse_xml(f"<w:vMerge {nsdecls('w')}/>"))
    parsed = read_docx(_save(doc))
    assert parsed.sections["purpose"] == f"{PURPOSE}\n\n| Mã | Tên |\n|---|---|\n| BPMC | Bộ phận Một cửa |"


def test_words_set_in_bold_stay_bold():
    doc = new_docx()
    doc.add_paragraph("1. MỤC ĐÍCH")
    paragraph = doc.add_paragraph("Hồ sơ gửi về ")
    paragraph.add_run("Bộ phận Một cửa ").bold = True
    paragraph.add_run("trước 16 giờ.")
    item = doc.add_paragraph("Lệ phí: ", style="List Bullet")
    item.add_run("không").bold = True
    doc.add_paragraph().add_run("Cả đoạn in đậm").bold = True
    parsed = read_docx(_save(doc))
    assert parsed.sections["purpose"] == ("Hồ sơ gửi về **Bộ phận Một cửa** trước 16 giờ.\n\n"
                                          "- Lệ phí: **không**\n\nCả đoạn in đậm")
