"""A form (biểu mẫu) in the real pages: the quality officer attaches the file to a draft,
the head approves, and a member of staff downloads the form in force."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from qms.core.paths import PROCEDURES_DIR

pytestmark = pytest.mark.browser


def _form_file(folder: Path) -> Path:
    document = Document()
    document.add_paragraph("PHIẾU ĐỀ NGHỊ SỬA ĐỔI TÀI LIỆU")
    document.add_paragraph("Họ và tên: ........................................")
    buffer = io.BytesIO()
    document.save(buffer)
    path = folder / "Phiếu đề nghị sửa đổi.docx"
    path.write_bytes(buffer.getvalue())
    return path


def test_a_form_is_attached_approved_and_downloaded_by_staff(person, screenshot_dir):
    form_file = _form_file(screenshot_dir)
    with person("iso", accept_downloads=True) as iso:
        iso.goto("/documents/new")
        iso.fill("#f-code", "BM-QT01-09")
        iso.fill("#f-title", "Phiếu đề nghị sửa đổi tài liệu")
        iso.select_option("#f-kind", "form")
        iso.select_option("#f-parent_code", "QT-01")
        with iso.expect_navigation():
            iso.click("form.narrow button[type=submit]")
        iso.fill("#f-purpose", "Biểu mẫu dùng để đề nghị sửa đổi tài liệu.")
        with iso.expect_navigation():
            iso.click("button[name=then][value=submit]")

        iso.set_input_files("#f-file", str(form_file))
        with iso.expect_navigation():
            iso.click(".upload-form button[type=submit]")
        assert "Phiếu đề nghị sửa đổi.docx" in iso.locator("#files").inner_text()
        iso.screenshot(path=screenshot_dir / "form-draft.png", full_page=True)

        iso.select_option("#f-approver", "giamdoc")
        iso.fill("#submit-password", "demo1234")
        with iso.expect_navigation():
            iso.click("#submit button[type=submit]")
        assert "Chờ phê duyệt" in iso.locator(".doc-head__badges").inner_text()
        assert iso.locator(".upload-form").count() == 0, "files are frozen once submitted"

    with person("giamdoc", accept_downloads=True) as head:
        head.goto("/documents/BM-QT01-09/versions/1")
        head.check("input[name=decision][value=approved]")
        head.locator("#approve input[name=password]").fill("demo1234")
        with head.expect_navigation():
            head.locator("#approve button[type=submit]").click()
        assert "Có hiệu lực" in head.locator(".doc-head__badges").inner_text()

    with person("nhanvien1", accept_downloads=True) as staff:
        staff.goto("/documents/BM-QT01-09")
        link = staff.locator("#files a", has_text="Phiếu đề nghị sửa đổi.docx")
        assert link.is_visible()
        staff.screenshot(path=screenshot_dir / "form-staff.png", full_page=True)
        with staff.expect_download() as download_info:
            link.click()
        download = download_info.value
        assert download.suggested_filename == "Phiếu đề nghị sửa đổi.docx"
        assert Path(download.path()).read_bytes() == form_file.read_bytes()

        staff.goto("/documents/QT-01")
        assert staff.locator("#files a", has_text="Phiếu đề nghị sửa đổi.docx").is_visible(), \
            "the procedure lists the file of its form in force"


def test_staff_download_a_demo_form_from_the_home_page(person):
    with person("nhanvien1", accept_downloads=True) as staff:
        staff.goto("/")
        link = staff.locator("#forms a", has_text="BM-QT06-01.docx")
        with staff.expect_download() as download_info:
            link.click()
        download = download_info.value
        assert download.suggested_filename == "BM-QT06-01.docx"
        expected = (PROCEDURES_DIR / "files" / "BM-QT06-01.docx").read_bytes()
        assert Path(download.path()).read_bytes() == expected
