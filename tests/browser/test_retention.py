"""Retention categories in the real pages: the quality officer adds one of the agency's own,
finds it offered in a procedure's records register, and removes it after confirming."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CODE = "TT10-3-09"


def test_a_category_is_added_offered_and_removed_after_confirming(page, sign_in, screenshot_dir):
    sign_in(page, "iso")
    page.goto("/records-register")
    with page.expect_navigation():
        page.click("a[href='/retention-categories']")
    page.fill("input[name=code]", CODE)
    page.fill("input[name=basis]", "Thông tư 10/2022/TT-BNV, Phụ lục I")
    page.fill("input[name=name]", "Hồ sơ thi nâng ngạch công chức")
    page.fill("input[name=years]", "20")
    with page.expect_navigation():
        page.click("#add button[type=submit]")
    assert f"Đã thêm loại thời hạn bảo quản {CODE}" in page.locator("#flashes").inner_text()
    row = page.locator("tr", has_text=CODE)
    assert "20 năm" in row.inner_text() and "Cơ quan bổ sung" in row.inner_text()
    page.screenshot(path=screenshot_dir / "retention-categories.png", full_page=True)

    page.goto("/documents/QT-01/records")
    assert page.locator(f"#retention-choices option[value='{CODE}']").count() == 1

    page.goto("/retention-categories")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("tr", has_text=CODE).locator("button").click()
    assert page.locator("tr", has_text=CODE).count() == 1, "dismissing the question keeps the category"

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("tr", has_text=CODE).locator("button").click()
    assert f"Đã xóa loại thời hạn bảo quản {CODE}" in page.locator("#flashes").inner_text()
    assert page.locator("tr", has_text=CODE).count() == 0
