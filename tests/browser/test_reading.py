"""Distribution and acknowledgement through the real pages: the quality officer distributes a
new procedure to a unit, a member of that unit finds it on top of the home page, reads it and
presses "Tôi đã đọc và hiểu", and the dashboard count moves."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser
CODE = "QT-90"
PASSWORD = "demo1234"




def _publish_through_the_api(page) -> None:  # type: ignore[no-untyped-def]
    """A new procedure, drafted by the quality officer and approved by the head, in force today."""
    def token(username: str) -> dict[str, str]:
        response = page.request.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
        assert response.ok, response.text()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    iso, head = token("iso"), token("giamdoc")
    created = page.request.post("/api/v1/documents", headers=iso, data={
        "code": CODE, "title": "Quy trình tiếp nhận góp ý của cán bộ về tài liệu", "kind": "procedure",
        "owner_unit": "VP", "confidentiality": "internal", "review_interval_months": 12})
    assert created.status == 201, created.text()
    url = f"/api/v1/documents/{CODE}/versions/1"
    etag = page.request.get(url, headers=iso).json()["etag"]
    edited = page.request.patch(url, headers={**iso, "If-Match": etag}, data={
        "sections": {"purpose": "Quy định cách cán bộ góp ý về tài liệu của hệ thống quản lý chất lượng.",
                     "content": "Cán bộ gửi phiếu góp ý cho Thư ký ISO; Thư ký ISO tổng hợp hằng tháng."},
        "change_summary": "Ban hành lần đầu"})
    assert edited.ok, edited.text()
    assert page.request.post(f"{url}/submit", headers=iso, data={"reviewers": [], "approver": "giamdoc",
                                                                         "password": PASSWORD}).ok
    approved = page.request.post(f"{url}/approve", headers=head,
                                 data={"decision": "approved", "comment": "", "password": PASSWORD})
    assert approved.ok, approved.text()
    assert approved.json()["status"] == "effective"


def _acknowledged_count(page) -> int:  # type: ignore[no-untyped-def]
    page.goto("/distribution?view=documents&sort=code")
    row = page.locator("tr", has=page.locator(f"a:text-is('{CODE}')"))
    cells = row.locator("td.num")
    return int(cells.nth(2).inner_text())


def test_staff_read_and_acknowledge_what_the_quality_officer_distributed(person, screenshot_dir):
    with person("iso") as iso:
        _publish_through_the_api(iso)
        iso.goto(f"/documents/{CODE}/versions/1")
        with iso.expect_navigation():
            iso.click("a:has-text('Phân phối và xác nhận đã đọc lần ban hành này')")
        assert "Lần ban hành này chưa được phân phối" in iso.content()
        with iso.expect_navigation():
            iso.click(".doc-head__actions a:has-text('Phân phối')")
        iso.check("input[name=units][value=CCHC]")
        iso.fill("#f-due_days", "5")
        with iso.expect_navigation():
            iso.click("button:has-text('Xem danh sách người nhận')")
        preview = iso.locator("#preview")
        assert "Đinh Thị Hương" in preview.inner_text(), "the expanded list is shown before confirming"
        assert "Phòng Cải cách hành chính" in preview.inner_text()
        iso.screenshot(path=screenshot_dir / "distribution-preview.png", full_page=True)
        with iso.expect_navigation():
            iso.click("#preview button:has-text('Xác nhận phân phối')")
        assert "Đã phân phối" in iso.locator("#flashes").inner_text()
        assert _acknowledged_count(iso) == 0

    with person("nhanvien8") as staff:
        staff.goto("/")
        # what the reader is asked to do comes first: their turn (a decision on a request of
        # theirs, say), then the reading list
        first_section = staff.locator("main section:not(.welcome):not(.home-turn)").first
        assert "Tài liệu cần đọc" in first_section.locator("h2").inner_text(), "the reading list comes first"
        first = first_section.locator(".reading-item").first
        assert CODE in first.inner_text() and "Hạn" in first.inner_text()
        staff.locator(".bell__count").wait_for()
        assert int(re.sub(r"\D", "", staff.locator(".bell__count").inner_text())) >= 1
        staff.screenshot(path=screenshot_dir / "home-reading-list.png", full_page=True)
        with staff.expect_navigation():
            first.locator("a.reading-item__title").click()
        assert staff.url.endswith(f"/documents/{CODE}/versions/1#acknowledge")
        assert "Quy định cách cán bộ góp ý" in staff.content()
        staff.screenshot(path=screenshot_dir / "version-acknowledge.png", full_page=True)
        with staff.expect_navigation():
            staff.click("button:has-text('Tôi đã đọc và hiểu')")
        assert "Đã ghi nhận" in staff.locator("#flashes").inner_text()
        assert staff.locator("button:has-text('Tôi đã đọc và hiểu')").count() == 0
        staff.goto("/")
        assert CODE not in staff.locator("#reading").inner_text()

    with person("iso") as iso:
        assert _acknowledged_count(iso) == 1, "the dashboard count moved"
        iso.screenshot(path=screenshot_dir / "dashboard.png", full_page=True)
        iso.goto(f"/documents/{CODE}/versions/1/distribution?status=acknowledged")
        assert "Đinh Thị Hương" in iso.locator("#recipients").inner_text()
