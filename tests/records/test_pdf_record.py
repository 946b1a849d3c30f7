"""The controlled document as PDF: Vietnamese text exactly, the header and "Trang x/y" on every
page, the stamps, the sign-off block, the change history, the watermark, and the audit event."""

from __future__ import annotations

import re
import subprocess

from support import PASSWORD, agency_today

from qms.core.clock import local_today
from qms.records.fonts import FACES, STAMP_FONT, vietnamese_letters

from .conftest import audit_events, flat, issue_copies, many_steps, pdf_pages, publish_rich

URL = "/api/v1/documents/QT-01/versions/1"


def test_every_vietnamese_letter_is_in_the_shipped_fonts():
    from fontTools.ttLib import TTFont

    letters = vietnamese_letters()
    assert len(letters) == 146 and len(set(letters)) == 146
    for path in [*FACES.values(), STAMP_FONT]:
        cmap = TTFont(str(path)).getBestCmap()
        assert [letter for letter in letters if ord(letter) not in cmap] == [], path.name


def test_the_record_reads_exactly_and_repeats_its_header_on_every_page(api, engine, settings, tmp_path):
    publish_rich(api)
    response = api.get("nhanvien", URL + "/record.pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="QT-01_lan-01.pdf"' in response.headers["content-disposition"]
    pages = pdf_pages(response.content)
    assert len(pages) >= 3, "24 steps do not fit on two pages"
    for number, page in enumerate(pages, start=1):
        text = flat(page)
        assert f"Trang: {number}/{len(pages)}" in text
        assert "QUY TRÌNH KIỂM SOÁT TÀI LIỆU" in text
        assert "Mã hiệu: QT-01" in text and "Lần ban hành: 01" in text
        assert f"BẢN KHÔNG KIỂM SOÁT – in ngày {local_today(settings.zone):%d/%m/%Y}" in text
    whole = flat("\n".join(pages))
    for expected in (
        "Quy định thống nhất cách kiểm soát tài liệu của Sở Nội vụ; bảo đảm đúng thẩm quyền.",
        "Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 về công tác văn thư.",
        "Hệ thống quản lý chất lượng", "Đặng Văn Bình ký duyệt",
        "NGƯỜI SOẠN THẢO", "NGƯỜI XEM XÉT", "NGƯỜI PHÊ DUYỆT", "Phạm Thị Lan",
        "Đã ký điện tử: Phê duyệt ban hành", "BẢNG THEO DÕI SỬA ĐỔI", "Ban hành lần đầu",
        "1. MỤC ĐÍCH", "5. NỘI DUNG QUY TRÌNH", "Các bước thực hiện", "Nội dung công việc",
        "Biểu mẫu, kết quả", "Bước 24: tiếp nhận, kiểm tra thành phần hồ sơ",
        "Danh mục tài liệu nội bộ", "05 năm",
    ):
        assert expected in whole, expected
    # the steps table's header row is repeated on each page it continues on
    step_pages = [text for text in pages if re.search(r"\bB\d+\b", text)]
    assert len(step_pages) >= 2
    assert all("Nội dung công việc" in text for text in step_pages)
    # fonts are embedded (subsets of Liberation Serif), none is left to the reader's machine
    path = tmp_path / "record.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("LiberationSerif" in row[0] for row in rows)
    assert all(row[-5] == "yes" for row in rows), fonts  # the "emb" column
    assert audit_events(engine, "record.download") == [
        {"actor": "nhanvien", "object": "QT-01/1", "format": "pdf", "copy": None, "status": "effective"}]


def test_a_numbered_controlled_copy_is_for_the_quality_officer(api, engine):
    publish_rich(api, steps=3)
    issue_copies(api, ("nhanvien", "xemxet", "xemxet2"))
    response = api.get("iso", URL + "/record.pdf?copy=3")
    assert response.status_code == 200, response.text
    pages = pdf_pages(response.content)
    assert all("BẢN KIỂM SOÁT số 03" in text for text in pages)
    assert not any("KHÔNG KIỂM SOÁT" in text for text in pages)
    refused = api.get("nhanvien", URL + "/record.pdf?copy=4")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Chỉ Thư ký ISO được in bản kiểm soát có đánh số."
    bad = api.get("iso", URL + "/record.pdf?copy=0")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "copy"
    never_issued = api.get("iso", URL + "/record.pdf?copy=4")
    assert never_issued.status_code == 404 and "04" in never_issued.json()["detail"]
    assert [event["copy"] for event in audit_events(engine, "record.download")] == [3]


def test_superseded_versions_carry_the_watermark_on_every_page(api):
    publish_rich(api, steps=30)
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    api.fill("QT-01", 2)
    api.publish("QT-01", 2)
    old = pdf_pages(api.get("iso", URL + "/record.pdf").content)
    assert len(old) >= 3
    assert all("HẾT HIỆU LỰC" in text for text in old)
    assert "Lần ban hành này đã bị thay thế" in flat(old[0])
    current = pdf_pages(api.get("iso", "/api/v1/documents/QT-01/versions/2/record.pdf").content)
    assert not any("HẾT HIỆU LỰC" in text for text in current)
    history = flat(current[0])
    assert "Ban hành lần đầu" in history and "Sửa đổi mục 5" in history
    # no controlled copy of a version that is no longer in force
    assert api.get("iso", URL + "/record.pdf?copy=1").status_code == 409


def test_a_deputy_signs_under_kt(api, client, people):
    from datetime import timedelta

    api.create_procedure()
    api.fill("QT-01")
    today = agency_today()
    delegation = api.post("giamdoc", "/api/v1/delegations", {
        "delegate": "phogiamdoc", "starts_on": (today - timedelta(days=1)).isoformat(),
        "ends_on": (today + timedelta(days=5)).isoformat(), "password": PASSWORD})
    assert delegation.status_code == 201, delegation.text
    assert api.submit("QT-01", 1).status_code == 200
    assert api.review("QT-01", 1).status_code == 200
    assert api.approve("QT-01", 1, username="phogiamdoc").status_code == 200
    text = flat(pdf_pages(api.get("iso", URL + "/record.pdf").content)[0])
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text
    assert "Hoàng Thị Mai" in text


def test_staff_cannot_read_drafts_and_nobody_reads_without_signing_in(api, client, engine):
    api.create_procedure()
    api.fill("QT-01")
    assert api.get("nhanvien", URL + "/record.pdf").status_code == 404
    draft = pdf_pages(api.get("iso", URL + "/record.pdf").content)
    assert all("DỰ THẢO" in text for text in draft)
    assert client.get(URL + "/record.pdf").status_code == 401
    assert [event["actor"] for event in audit_events(engine, "record.download")] == ["iso"]


def test_steps_table_keeps_its_rows_whole(api):
    """A row never starts on one page and ends on the next when it fits on a page."""
    api.create_procedure()
    steps = many_steps(40)
    response = api.edit("QT-01", 1, {"sections": {"purpose": "Mục đích."}, "steps": steps})
    assert response.status_code == 200
    pages = pdf_pages(api.get("iso", URL + "/record.pdf").content)
    for n in range(1, 41):
        holding = [text for text in pages if f"Bước {n}:" in text]
        assert len(holding) == 1, n
        assert "hành chính." in flat(holding[0]).split(f"Bước {n}:")[1][:260]


def test_text_after_the_steps_table_follows_it_in_the_record_and_on_the_page(api, client):
    """The content section keeps the heading of the steps table where the table stands."""
    api.create_procedure()
    content = ("Quy định chung về tiếp nhận.\n\n### Các bước thực hiện\n\n"
               "Tổng thời gian giải quyết: 30 ngày làm việc.")
    response = api.edit("QT-01", 1, {"sections": {"purpose": "Mục đích.", "content": content},
                                     "steps": many_steps(2)})
    assert response.status_code == 200, response.text
    text = flat(" ".join(pdf_pages(api.get("iso", URL + "/record.pdf").content)))
    assert text.index("Quy định chung") < text.index("Bước 2:") < text.index("Tổng thời gian giải quyết")
    assert text.count("Các bước thực hiện") == 1
    page = api.get("iso", "/documents/QT-01/versions/1").text
    assert page.index("Quy định chung") < page.index("Bước 2:") < page.index("Tổng thời gian giải quyết")
    assert "### Các bước" not in page


def test_a_form_code_in_a_narrow_column_stays_on_one_line(api):
    """QT-01's coding table printed "BM-QT0" and "1-02" on two lines of its last column."""
    table = ("| Loại tài liệu | Ký hiệu mã | Ví dụ |\n|---|---|---|\n"
             "| Chính sách chất lượng | CS-xx | CS-01 |\n| Quy trình | QT-xx | QT-03 |\n"
             "| Biểu mẫu | BM-QTxx-yy (xx là số quy trình, yy là số thứ tự biểu mẫu) | BM-QT01-02 |")
    api.create_procedure()
    api.fill("QT-01", content=table)
    api.publish("QT-01")
    lines = [line.strip() for page in pdf_pages(api.get("iso", URL + "/record.pdf").content)
             for line in page.splitlines()]
    assert any(line.endswith("BM-QT01-02") for line in lines), [line for line in lines if "BM-QT" in line]
