"""The heart of document control, walked through the real pages in Chromium:
the quality officer drafts and submits, the reviewer signs, the head approves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser




def _sign(page, decision: str) -> None:  # type: ignore[no-untyped-def]
    page.check(f"input[name=decision][value={decision}]")
    page.locator("form:has(input[value=" + decision + "]) input[name=password]").fill("demo1234")
    with page.expect_navigation():
        page.locator("form:has(input[value=" + decision + "]) button[type=submit]").click()


def test_new_procedure_is_drafted_reviewed_and_approved(person, screenshot_dir):
    with person("iso") as iso:
        iso.goto("/documents/new")
        iso.fill("#f-code", "QT-20")
        iso.fill("#f-title", "Quy trình tiếp nhận và xử lý phản ánh, kiến nghị")
        iso.select_option("#f-kind", "procedure")
        with iso.expect_navigation():
            iso.click("form.narrow button[type=submit]")
        assert iso.url.endswith("/documents/QT-20/versions/1/edit")

        iso.fill("#f-purpose", "Quy định cách **tiếp nhận** phản ánh của người dân.")
        iso.locator("#preview-purpose strong").wait_for()
        assert iso.locator("#preview-purpose strong").inner_text() == "tiếp nhận"
        iso.fill("#f-content", "Phản ánh được tiếp nhận qua Cổng dịch vụ công.")
        iso.click("button.add-step")
        iso.locator("input[name=step_step]").first.wait_for()
        iso.locator("[name=step_responsibility]").first.fill("Văn phòng Sở")
        iso.locator("textarea[name=step_task]").first.fill("Tiếp nhận phản ánh, vào sổ")
        iso.locator("[name=step_duration]").first.fill("0,5 ngày")
        iso.click("button.add-step")
        iso.locator("input[name=step_step]").nth(1).wait_for()
        assert iso.locator("input[name=step_step]").count() == 2
        iso.locator("textarea[name=step_task]").nth(1).fill("Chuyển phòng chuyên môn xử lý")
        expect(iso.locator("textarea[name=step_task]").nth(1)).to_have_value(re.compile("^Chuyển"))
        iso.locator("button[aria-label*='2'][hx-vals*='up']").click()
        # a locator assertion, not wait_for_function: the CSP forbids the eval that one needs
        expect(iso.locator("textarea[name=step_task]").first).to_have_value(re.compile("^Chuyển"))
        iso.fill("#f-change_summary", "Ban hành lần đầu")
        with iso.expect_navigation():
            iso.click("button[name=then][value=submit]")

        iso.check("#f-reviewers-list input[value=xemxet]")
        iso.select_option("#f-approver", "giamdoc")
        iso.fill("#submit-password", "demo1234")
        with iso.expect_navigation():
            iso.click("#submit button[type=submit]")
        assert "Đang xem xét" in iso.locator(".doc-head__badges").inner_text()
        steps = iso.locator(".steps-table tbody tr")
        assert steps.count() == 2
        assert "Chuyển phòng chuyên môn" in steps.nth(0).inner_text()
        assert steps.nth(0).inner_text().startswith("B1"), "moved steps are numbered again"

    with person("xemxet") as reviewer:
        task = reviewer.locator(".task-list a", has_text="QT-20")
        assert task.is_visible(), "the review waits on the reviewer's home page"
        with reviewer.expect_navigation():
            task.click()
        reviewer.fill("#review-comment", "Nội dung phù hợp thực tế.")
        reviewer.fill("#review-password", "khong-phai-mat-khau")
        with reviewer.expect_navigation():
            reviewer.click("#review button[type=submit]")
        assert reviewer.locator("#review-password-error").is_visible(), "the error is at the password"
        assert reviewer.input_value("#review-comment") == "Nội dung phù hợp thực tế.", "the comment is kept"
        assert reviewer.input_value("#review-password") == ""
        _sign(reviewer, "reviewed")
        assert "Chờ phê duyệt" in reviewer.locator(".doc-head__badges").inner_text()

    with person("giamdoc") as head:
        with head.expect_navigation():
            head.locator(".task-list a", has_text="QT-20").click()
        head.screenshot(path=screenshot_dir / "approval.png", full_page=True)
        _sign(head, "approved")
        assert "Có hiệu lực" in head.locator(".doc-head__badges").inner_text()
        signatures = head.locator(".doc-side .signatures").inner_text()
        for who in ("Nguyễn Thị Thu Hà", "Phạm Thị Lan", "Đặng Văn Bình"):
            assert who in signatures


def test_new_revision_supersedes_the_one_in_force(person):
    with person("iso") as iso:
        iso.goto("/documents/QT-02")
        current = int(re.search(r"(\d+)", iso.locator(".facts--wide dd").nth(1).inner_text()).group(1))
        iso.once("dialog", lambda dialog: dialog.accept())
        with iso.expect_navigation():
            iso.click("form[action='/documents/QT-02/versions'] button")
        new = current + 1
        assert iso.url.endswith(f"/documents/QT-02/versions/{new}/edit")
        iso.fill("#f-change_summary", "Bổ sung quy định lưu hồ sơ điện tử")
        iso.fill("#f-records", "Hồ sơ điện tử được lưu trên hệ thống quản lý văn bản.")
        with iso.expect_navigation():
            iso.click("button[name=then][value=submit]")
        iso.select_option("#f-approver", "giamdoc")
        iso.fill("#submit-password", "demo1234")
        with iso.expect_navigation():
            iso.click("#submit button[type=submit]")
        assert "Chờ phê duyệt" in iso.locator(".doc-head__badges").inner_text()

    with person("giamdoc") as head:
        head.goto(f"/documents/QT-02/versions/{new}")
        assert head.locator("#approve").is_visible()
        assert head.locator("a[href*='diff?against']").first.is_visible()
        _sign(head, "approved")

    with person("danhgia") as auditor:
        auditor.goto("/documents/QT-02")
        revisions = auditor.locator(".revisions").inner_text()
        assert re.search(rf"Lần ban hành {new:02d}\s+Có hiệu lực", revisions)
        assert re.search(rf"Lần ban hành {current:02d}\s+Bị thay thế", revisions)
        auditor.goto(f"/documents/QT-02/versions/{current}")
        assert auditor.locator(".flash--warning").is_visible(), "a superseded revision is marked"
