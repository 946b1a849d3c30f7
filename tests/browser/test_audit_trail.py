"""The audit trail read by an auditor at 1,366 px: words, filters, no horizontal scroll."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_trail_reads_in_words_and_fits_a_1366_px_screen(page, live_url, sign_in, screenshot_dir):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "danhgia")
    page.goto(f"{live_url}/audit")
    assert page.locator("h1").inner_text() == "Nhật ký hệ thống"
    rows = page.locator("table.audit-table tbody tr")
    assert rows.count() > 10
    text = page.locator("#results").inner_text()
    assert "Đăng nhập" in text and "auth.login" not in text and '{"' not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    page.select_option("select[name=action]", "records_register.update")
    page.wait_for_url("**action=records_register.update**")
    page.locator("#results td", has_text="Cập nhật sổ đăng ký hồ sơ").first.wait_for()
    text = page.locator("#results").inner_text()
    assert "Cập nhật sổ đăng ký hồ sơ" in text and "Thời hạn lưu:" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=screenshot_dir / "audit-trail.png", full_page=False)
