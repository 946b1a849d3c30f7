"""Notifications in the browser: the reviewer finds the request in the bell, sends the version
back (a wrong password first, the comment kept), and the drafter reads why."""

from __future__ import annotations

import json
import urllib.request

import pytest

pytestmark = pytest.mark.browser

CODE = "QT-31"


def _call(live_url: str, path: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(live_url + path, data=json.dumps(body).encode(), headers=headers,
                                     method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")


def _submitted_for_review(live_url: str) -> None:
    """The quality officer drafts a procedure and sends it to xemxet, over the API."""
    token = _call(live_url, "/api/v1/auth/token", {"username": "iso", "password": "demo1234"})["access_token"]
    _call(live_url, "/api/v1/documents", {
        "code": CODE, "title": "Quy trình tiếp nhận hồ sơ trực tuyến", "kind": "procedure",
        "owner_unit": "VP", "confidentiality": "internal", "review_interval_months": 12}, token)
    etag_request = urllib.request.Request(f"{live_url}/api/v1/documents/{CODE}/versions/1",
                                          headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(etag_request, timeout=30) as response:
        etag = json.loads(response.read())["etag"]
    edit = urllib.request.Request(
        f"{live_url}/api/v1/documents/{CODE}/versions/1", method="PATCH",
        data=json.dumps({"sections": {"purpose": "Quy định việc tiếp nhận hồ sơ.",
                                      "content": "Hồ sơ được tiếp nhận qua Cổng dịch vụ công."}}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "If-Match": etag})
    urllib.request.urlopen(edit, timeout=30).close()
    _call(live_url, f"/api/v1/documents/{CODE}/versions/1/submit",
          {"reviewers": ["xemxet"], "approver": "giamdoc", "password": "demo1234"}, token)


def test_the_reviewer_finds_the_request_in_the_bell_and_the_drafter_reads_why(person, live_url,
                                                                              screenshot_dir):
    _submitted_for_review(live_url)
    comment = "Đề nghị bổ sung thời hạn giải quyết ở bước 2."

    with person("xemxet") as reviewer:
        bell = reviewer.locator("a.bell .bell__count")
        assert bell.is_visible() and int(bell.inner_text().split()[0]) >= 1
        turn = reviewer.locator("#your-turn a", has_text=CODE)
        assert turn.is_visible(), "the request is among the home page's items of your turn"
        reviewer.screenshot(path=screenshot_dir / "home-your-turn.png", full_page=True)
        with reviewer.expect_navigation():
            reviewer.click("a.bell")
        request = reviewer.locator(".notification--unread a", has_text=CODE)
        assert "đề nghị bạn xem xét" in request.inner_text()
        reviewer.screenshot(path=screenshot_dir / "notifications.png", full_page=True)
        with reviewer.expect_navigation():
            request.click()
        assert reviewer.url.endswith(f"/documents/{CODE}/versions/1")

        reviewer.check("input[name=decision][value=rejected]")
        reviewer.fill("#review-comment", comment)
        reviewer.fill("#review-password", "sai-mat-khau")
        with reviewer.expect_navigation():
            reviewer.click("#review button[type=submit]")
        assert reviewer.locator("#review-password-error").is_visible()
        assert reviewer.input_value("#review-comment") == comment, "the comment survives a wrong password"
        assert reviewer.is_checked("input[name=decision][value=rejected]"), "and so does the decision"
        reviewer.fill("#review-password", "demo1234")
        with reviewer.expect_navigation():
            reviewer.click("#review button[type=submit]")
        assert "Dự thảo" in reviewer.locator(".doc-head__badges").inner_text()
        reviewer.goto("/")
        assert reviewer.locator("#your-turn a", has_text=CODE).count() == 0, "the request is done"

    with person("iso") as drafter:
        with drafter.expect_navigation():
            drafter.click("a.bell")
        returned = drafter.locator(".notification--unread", has_text=CODE).first
        assert "đã trả lại" in returned.inner_text() and comment in returned.inner_text()
        drafter.screenshot(path=screenshot_dir / "returned.png", full_page=True)
        drafter.goto("/")
        assert comment in drafter.locator("#your-turn").inner_text()

        drafter.goto("/account")
        drafter.check("input[name=notification_mail][value=daily]")
        with drafter.expect_navigation():
            drafter.click("#notification-mail button[type=submit]")
        assert drafter.is_checked("input[name=notification_mail][value=daily]"), "the choice is kept"
        drafter.screenshot(path=screenshot_dir / "account.png", full_page=True)
