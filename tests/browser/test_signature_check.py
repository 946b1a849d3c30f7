"""A visitor, not signed in, goes from the sign-in page to "Kiểm tra văn bản ký số" and
checks a record the agency published: each signature is listed, intact and trusted."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_visitor_checks_a_published_record(page, live_url, person, screenshot_dir, tmp_path):
    code = "QT-06"
    with person("giamdoc") as head:
        summary = head.request.get(f"{live_url}/api/v1/documents/{code}").json()
        revision = summary["current_revision"]
        response = head.request.get(f"{live_url}/api/v1/documents/{code}/versions/{revision}/signed.pdf")
        assert response.status == 200, response.text()
        record = tmp_path / f"{code}.pdf"
        record.write_bytes(response.body())

    page.goto("/portal")
    page.get_by_role("link", name="Kiểm tra văn bản ký số").click()  # from the portal's footer
    assert page.url == f"{live_url}/verify"
    page.goto("/login")
    page.get_by_role("link", name="Kiểm tra văn bản ký số").click()
    assert page.url == f"{live_url}/verify"
    page.set_input_files("#verify-file", str(record))
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_selector(".verify__signature")
    page.screenshot(path=screenshot_dir / "verify-signed.png", full_page=True)
    print(f"screenshot: {screenshot_dir / 'verify-signed.png'}")

    assert page.locator(".verify__verdict--ok").is_visible()
    signature = page.locator(".verify__signature").first.inner_text()
    assert "Chữ ký 1 trên" in signature and "nguyên vẹn" in signature and "tin cậy" in signature
    assert code in page.locator(".verify__document").inner_text()
