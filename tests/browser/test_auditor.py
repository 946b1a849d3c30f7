"""An internal auditor's session: the compliance report, a finding, the audit pack."""

from __future__ import annotations

import io
import zipfile

import pytest

pytestmark = pytest.mark.browser


def test_auditor_follows_a_finding_and_downloads_the_audit_pack(page, live_url, sign_in, screenshot_dir):
    sign_in(page, "danhgia")
    page.click("nav a[href='/compliance']")
    page.wait_for_url(f"{live_url}/compliance")
    assert page.locator("h1").inner_text() == "Báo cáo tuân thủ"
    page.screenshot(path=screenshot_dir / "compliance.png", full_page=True)
    finding = page.locator(".clause--findings li a").first
    target = finding.get_attribute("href")
    with page.expect_navigation():
        finding.click()
    assert page.url == f"{live_url}{target}"
    assert page.locator("h1").is_visible()

    page.go_back()
    # The first pack signs every original in force and typesets the demo's distribution records.
    with page.expect_download(timeout=60_000) as download_info:
        page.click("#audit-pack")
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    pack = zipfile.ZipFile(io.BytesIO(download.path().read_bytes()))
    names = pack.namelist()
    assert "SHA256SUMS" in names and "reports/master-list.pdf" in names
    assert any(name.startswith("signed/") for name in names), "the demo certificate signs the originals"
