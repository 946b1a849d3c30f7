"""The import page in a browser: two Word files in agencies' layouts, one without a code on
its cover; the page keeps the imported one, says on the code field what the other needs, and
lists what could not be placed with where it was."""

from __future__ import annotations

import pytest
from intake.import_corpus import issue_cover, no_code_on_cover

pytestmark = pytest.mark.browser


def test_the_import_page_imports_and_asks_for_the_missing_code(person, screenshot_dir):
    with_code = screenshot_dir / "QT-TN-09 tham dinh.docx"
    with_code.write_bytes(issue_cover())
    without = screenshot_dir / "bia khong ma.docx"
    without.write_bytes(no_code_on_cover())
    with person("iso") as iso:
        iso.goto("/import")
        iso.set_input_files("#f-files", [str(with_code), str(without)])
        with iso.expect_navigation():
            iso.click("form[action=\"/import\"] button[type=submit]")
        iso.screenshot(path=screenshot_dir / "import.png", full_page=True)
        assert iso.get_attribute("#f-code", "aria-invalid") == "true"
        assert "bia khong ma.docx: Trang bìa không ghi mã số" in iso.inner_text("#e-code")
        results = iso.inner_text(".import-results")
        assert "QT-TN-09 — lần ban hành 02" in results or "QT-TN-09" in results
        assert "trong mục “8. PHỤ LỤC”" in results and "Phụ lục 1: Sơ đồ quy trình thẩm định" in results
        with iso.expect_navigation():
            iso.click(".import-results a")
        iso.goto(iso.url.removesuffix("/edit"))
        iso.screenshot(path=screenshot_dir / "imported.png", full_page=True)
        text = iso.inner_text("main")
        assert "Nghị định số 126/2024/NĐ-CP" in text and "Thẩm định hồ sơ, dự thảo Tờ trình" in text
        assert iso.locator("main li", has_text="BPMC: Bộ phận Một cửa").count() >= 1
        iso.goto("/import")
        iso.fill("#f-code", "QT-TN-10")
        iso.set_input_files("#f-files", [str(without)])
        with iso.expect_navigation():
            iso.click("form[action=\"/import\"] button[type=submit]")
        assert "QT-TN-10" in iso.inner_text(".import-results")
        assert iso.get_attribute("#f-code", "aria-invalid") is None
