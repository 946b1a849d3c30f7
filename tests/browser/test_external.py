"""External documents in the real pages: a new one entered in one form, and a decree of the
demo library amended, which flags the procedures citing it for review."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_new_external_document_takes_its_number_on_the_new_document_form(person, screenshot_dir):
    with person("iso") as iso:
        iso.goto("/external-documents")
        with iso.expect_navigation():
            iso.get_by_role("button", name="Thêm tài liệu bên ngoài").click()
        details = iso.locator("#external-details")
        assert details.is_visible()
        iso.select_option("#f-kind", "procedure")
        assert details.is_hidden(), "a procedure has no number or issuer"
        iso.select_option("#f-kind", "external")
        iso.fill("#f-code", "TLBN-90")
        iso.fill("#f-title", "Thông tư hướng dẫn về văn thư điện tử")
        iso.fill("#f-number", "01/2026/TT-BNV")
        iso.fill("#f-issuer", "Bộ Nội vụ")
        iso.fill("#f-issued_on", "05/01/2026")
        with iso.expect_navigation():
            iso.click("form.narrow button[type=submit]")
        iso.goto("/documents/TLBN-90")
        facts = iso.locator("#external").inner_text()
        assert "01/2026/TT-BNV" in facts and "Bộ Nội vụ" in facts and "05/01/2026" in facts
        iso.screenshot(path=screenshot_dir / "external-new.png", full_page=True)


def test_an_amended_decree_flags_the_procedures_that_cite_it(person, screenshot_dir):
    with person("iso") as iso:
        iso.goto("/documents/TLBN-09")
        cited = iso.locator("#external").inner_text()
        assert all(code in cited for code in ("QT-06", "QT-07", "QT-08"))
        with iso.expect_navigation():
            iso.get_by_role("button", name="Sửa số hiệu, cơ quan ban hành và tình trạng").click()
        iso.select_option("#f-status", "amended")
        iso.fill("#f-replaced_by", "Nghị định sửa đổi, bổ sung Nghị định số 126/2024/NĐ-CP")
        with iso.expect_navigation():
            iso.click("main form button[type=submit]")
        assert "3 tài liệu viện dẫn" in iso.locator(".flash").first.inner_text()
        iso.goto("/reviews")
        rows = iso.locator("tbody tr", has=iso.locator(".badge--warn"))
        flagged = " ".join(rows.all_inner_texts())
        assert all(code in flagged for code in ("QT-06", "QT-07", "QT-08"))
        iso.screenshot(path=screenshot_dir / "reviews-flagged.png", full_page=True)
