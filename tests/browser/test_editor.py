"""The draft editor in Chromium: formatting with the toolbar and the keyboard, the server's
preview following the typing, and steps moved by keyboard and saved in their new order."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _new_draft(page, code: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/documents/new")
    page.fill("#f-code", code)
    page.fill("#f-title", "Quy trình giải quyết khiếu nại, tố cáo")
    page.select_option("#f-kind", "procedure")
    with page.expect_navigation():
        page.click("form.narrow button[type=submit]")
    assert page.url.endswith(f"/documents/{code}/versions/1/edit")


def test_toolbar_and_shortcuts_write_markdown_and_the_preview_follows(person, screenshot_dir):
    with person("iso") as iso:
        _new_draft(iso, "QT-51")
        bar = iso.get_by_role("toolbar", name="Định dạng: Mục đích")
        assert bar.is_visible()

        purpose = iso.locator("#f-purpose")
        # Typed in the page's own sans font: a monospace fallback (DejaVu Sans Mono on Linux)
        # sets Vietnamese tone marks beside their letters.
        fonts = iso.evaluate("[getComputedStyle(document.querySelector('#f-purpose')).fontFamily,"
                             " getComputedStyle(document.body).fontFamily]")
        assert fonts[0] == fonts[1] and "mono" not in fonts[0].lower()
        purpose.click()
        iso.keyboard.type("Quy định cách ")
        iso.keyboard.press("Control+b")
        iso.keyboard.type("tiếp nhận")
        iso.keyboard.press("End")
        iso.keyboard.type(" đơn thư của công dân.")
        assert purpose.input_value() == "Quy định cách **tiếp nhận** đơn thư của công dân."
        iso.locator("#preview-purpose strong", has_text="tiếp nhận").wait_for()

        # A toolbar change is one step of the browser's own undo.
        purpose.evaluate(
            "area => area.setSelectionRange(area.value.indexOf('công dân'), area.value.length - 1)")
        bar.get_by_role("button", name="Chữ nghiêng").click()
        assert purpose.input_value() == "Quy định cách **tiếp nhận** đơn thư của *công dân*."
        iso.keyboard.press("Control+z")
        assert purpose.input_value() == "Quy định cách **tiếp nhận** đơn thư của công dân."

        content = iso.locator("#f-content")
        content.fill("Tiếp nhận đơn\nPhân loại, xử lý đơn\nTrả lời công dân")
        content.press("Control+a")
        content_bar = iso.get_by_role("toolbar", name="Định dạng: Nội dung")
        content_bar.get_by_role("button", name="Danh sách đánh số").click()
        assert content.input_value() == "1. Tiếp nhận đơn\n2. Phân loại, xử lý đơn\n3. Trả lời công dân"
        iso.locator("#preview-content ol li").nth(2).wait_for()
        assert iso.locator("#preview-content ol li").all_inner_texts() == [
            "Tiếp nhận đơn", "Phân loại, xử lý đơn", "Trả lời công dân"]

        content.press("Control+Home")
        iso.keyboard.type("Các bước\n")
        iso.keyboard.press("ArrowUp")
        content_bar.get_by_role("button", name="Tiêu đề mục").click()
        assert content.input_value().startswith("### Các bước\n1. Tiếp nhận đơn")
        iso.locator("#preview-content h3", has_text="Các bước").wait_for()

        iso.locator("section.editor-section").first.screenshot(path=screenshot_dir / "editor-toolbar.png")
        iso.screenshot(path=screenshot_dir / "editor-page.png", full_page=True)

        with iso.expect_navigation():
            iso.click("button[name=then][value=stay]:not(.visually-hidden)")
        assert iso.locator("#f-purpose").input_value() == "Quy định cách **tiếp nhận** đơn thư của công dân."


def test_steps_move_by_keyboard_and_are_saved_in_their_new_order(person, screenshot_dir):
    with person("iso") as iso:
        _new_draft(iso, "QT-52")
        iso.fill("#f-purpose", "Quy định trình tự giải quyết khiếu nại.")
        tasks = ["Tiếp nhận, phân loại đơn", "Xác minh nội dung khiếu nại", "Ban hành quyết định giải quyết"]
        for n, task in enumerate(tasks):
            iso.click("button.add-step")
            iso.locator("textarea[name=step_task]").nth(n).wait_for()
            iso.locator("textarea[name=step_task]").nth(n).fill(task)
            iso.locator("[name=step_responsibility]").nth(n).fill("Thanh tra Sở")
        expect(iso.locator("textarea[name=step_task]").nth(2)).to_have_value(tasks[2])

        # Alt+Up in the third step's task moves the step, and the caret goes with it.
        iso.locator("textarea[name=step_task]").nth(2).focus()
        iso.keyboard.press("Alt+ArrowUp")
        # Locator assertions rather than wait_for_function, which needs eval (refused by the CSP).
        expect(iso.locator("textarea[name=step_task]").nth(1)).to_have_value("Ban hành quyết định giải quyết")
        expect(iso.locator("textarea[name=step_task]").nth(1)).to_be_focused()

        # The row's "move up" button by keyboard: Enter, and the focus stays on the moved step.
        iso.get_by_role("button", name="Chuyển bước 2 lên").focus()
        iso.keyboard.press("Enter")
        expect(iso.locator("textarea[name=step_task]").first).to_have_value("Ban hành quyết định giải quyết")
        expect(iso.get_by_role("button", name="Chuyển bước 1 xuống")).to_be_focused()

        iso.get_by_role("button", name="Xóa bước 3").click()
        expect(iso.locator("textarea[name=step_task]")).to_have_count(2)
        iso.locator("#steps-editor").screenshot(path=screenshot_dir / "editor-steps.png")

        # On a phone the table scrolls inside its frame; the page itself does not go sideways.
        iso.set_viewport_size({"width": 390, "height": 844})
        assert iso.evaluate("document.documentElement.scrollWidth") <= 390
        iso.set_viewport_size({"width": 1280, "height": 900})

        with iso.expect_navigation():
            iso.click("button[name=then][value=stay]:not(.visually-hidden)")
        saved = iso.locator("textarea[name=step_task]").evaluate_all("areas => areas.map(a => a.value)")
        assert saved == ["Ban hành quyết định giải quyết", "Tiếp nhận, phân loại đơn"]
        labels = iso.locator("input[name=step_step]").evaluate_all("inputs => inputs.map(i => i.value)")
        assert labels == ["B1", "B2"]


def test_text_typed_while_a_row_operation_is_on_its_way_is_kept(person):
    """The table comes back from the server as the form was when the request left; what was
    typed meanwhile goes into the row it was typed in, wherever that row has moved."""
    with person("iso") as iso:
        _new_draft(iso, "QT-56")
        tasks = iso.locator("textarea[name=step_task]")
        for n in range(2):
            iso.click("button.add-step")
            tasks.nth(n).wait_for()
        tasks.nth(0).fill("Tiếp nhận hồ sơ")

        held = []
        iso.route("**/steps-table", lambda route: held.append(route))
        iso.get_by_role("button", name="Chuyển bước 2 lên").click()
        tasks.nth(1).fill("Kiểm tra tính đầy đủ của hồ sơ")
        iso.locator("[name=step_duration]").nth(0).fill("1 ngày")
        while not held:
            iso.wait_for_timeout(20)
        iso.get_by_role("button", name="Thêm bước").click()  # dropped: one operation at a time
        held[0].continue_()

        expect(tasks.nth(0)).to_have_value("Kiểm tra tính đầy đủ của hồ sơ")
        expect(tasks.nth(1)).to_have_value("Tiếp nhận hồ sơ")
        durations = iso.locator("[name=step_duration]")
        expect(durations.nth(1)).to_have_value("1 ngày")
        expect(tasks).to_have_count(2)
        assert len(held) == 1

        # Other parts of the page settling later (the preview here) leave the caret alone.
        content = iso.locator("#f-content")
        content.click()
        iso.keyboard.type("Tiếp nhận")
        iso.locator("#preview-content p", has_text="Tiếp nhận").wait_for()
        iso.keyboard.type(" hồ sơ")
        expect(content).to_have_value("Tiếp nhận hồ sơ")


def test_without_javascript_the_row_buttons_and_enter_still_work(person):
    with person("iso", java_script_enabled=False) as iso:
        _new_draft(iso, "QT-53")
        assert not iso.get_by_role("toolbar").first.is_visible(), "no buttons that would do nothing"
        iso.fill("#f-purpose", "Quy định việc tiếp công dân.")
        for _ in range(2):
            with iso.expect_navigation():
                iso.click("button.add-step")
        iso.locator("textarea[name=step_task]").nth(0).fill("Đón tiếp, kiểm tra giấy tờ")
        iso.locator("textarea[name=step_task]").nth(1).fill("Ghi sổ tiếp công dân")
        with iso.expect_navigation():
            iso.get_by_role("button", name="Chuyển bước 2 lên").click()
        tasks = iso.locator("textarea[name=step_task]").evaluate_all("areas => areas.map(a => a.value)")
        assert tasks == ["Ghi sổ tiếp công dân", "Đón tiếp, kiểm tra giấy tờ"]
        assert iso.input_value("#f-purpose") == "Quy định việc tiếp công dân.", "what was typed is kept"

        with iso.expect_navigation():
            iso.locator("#f-changed_sections").press("Enter")
        assert "Đã lưu bản dự thảo" in iso.locator(".flash").first.inner_text()
        tasks = iso.locator("textarea[name=step_task]").evaluate_all("areas => areas.map(a => a.value)")
        assert tasks == ["Ghi sổ tiếp công dân", "Đón tiếp, kiểm tra giấy tờ"]


def test_a_table_of_a_section_is_edited_as_a_grid_and_stays_markdown(person, screenshot_dir):
    with person("iso") as iso:
        _new_draft(iso, "QT-54")
        records = iso.locator("#f-records")
        records.fill("Các hồ sơ sau được lưu:\n\n"
                     "| TT | Tên hồ sơ | Thời gian lưu |\n|---|---|---|\n| 1 | Sổ tiếp công dân | 10 năm |")
        records.evaluate("area => area.setSelectionRange(area.value.indexOf('Sổ'), area.value.indexOf('Sổ'))")
        bar = iso.get_by_role("toolbar", name="Định dạng: Hồ sơ cần lưu")
        bar.get_by_role("button", name="Bảng").click()

        grid = iso.get_by_role("region", name="Bảng trong mục Hồ sơ cần lưu")
        assert grid.get_by_role("textbox", name="Dòng 1, cột 2").input_value() == "Sổ tiếp công dân"
        grid.get_by_role("textbox", name="Dòng 1, cột 3").fill("Vĩnh viễn | lưu tại Văn phòng")
        grid.get_by_role("textbox", name="Dòng 1, cột 3").press("Enter")
        iso.keyboard.type("Biên bản tiếp công dân")
        expect(grid.get_by_role("textbox", name="Dòng 2, cột 3")).to_be_focused()
        grid.get_by_role("textbox", name="Dòng 2, cột 2").fill("Đơn thư, tài liệu kèm theo")
        grid.screenshot(path=screenshot_dir / "editor-table.png")
        grid.get_by_role("button", name="Hoàn tất").click()
        assert not grid.is_visible()

        assert records.input_value() == (
            "Các hồ sơ sau được lưu:\n\n"
            "| TT | Tên hồ sơ | Thời gian lưu |\n|---|---|---|\n"
            "| 1 | Sổ tiếp công dân | Vĩnh viễn \\| lưu tại Văn phòng |\n"
            "|  | Đơn thư, tài liệu kèm theo | Biên bản tiếp công dân |")
        iso.locator("#preview-records td", has_text="Đơn thư, tài liệu kèm theo").wait_for()
        assert iso.locator("#preview-records td").nth(2).inner_text() == "Vĩnh viễn | lưu tại Văn phòng"

        # Where there is no table, the button starts one on lines of its own.
        forms = iso.locator("#f-forms")
        forms.fill("Biểu mẫu sử dụng:")
        forms.press("End")
        iso.get_by_role("toolbar", name="Định dạng: Biểu mẫu").get_by_role("button", name="Bảng").click()
        iso.get_by_role("region", name="Bảng trong mục Biểu mẫu").get_by_role(
            "textbox", name="Tiêu đề cột 1").fill("Mã biểu mẫu")
        assert forms.input_value() == "Biểu mẫu sử dụng:\n\n| Mã biểu mẫu | Cột 2 |\n|---|---|\n|  |  |"


def test_toolbar_buttons_take_their_markup_off_again(person):
    with person("iso") as iso:
        _new_draft(iso, "QT-55")
        scope = iso.locator("#f-scope")
        bar = iso.get_by_role("toolbar", name="Định dạng: Phạm vi")
        scope.fill("Áp dụng tại Văn phòng Sở\nvà các phòng chuyên môn")

        def select(start: str, end: str | None = None) -> None:
            scope.evaluate("(area, [a, b]) => area.setSelectionRange(area.value.indexOf(a),"
                           " b === null ? area.value.length : area.value.indexOf(b) + b.length)",
                           [start, end])

        select("Văn phòng Sở", "Văn phòng Sở")
        scope.press("Control+b")
        assert scope.input_value() == "Áp dụng tại **Văn phòng Sở**\nvà các phòng chuyên môn"
        scope.press("Control+b")
        assert scope.input_value() == "Áp dụng tại Văn phòng Sở\nvà các phòng chuyên môn"

        select("Áp dụng")
        bar.get_by_role("button", name="Danh sách gạch đầu dòng").click()
        assert scope.input_value() == "- Áp dụng tại Văn phòng Sở\n- và các phòng chuyên môn"
        select("- Áp dụng")
        bar.get_by_role("button", name="Danh sách gạch đầu dòng").click()
        assert scope.input_value() == "Áp dụng tại Văn phòng Sở\nvà các phòng chuyên môn"

        # Arrow keys move along the toolbar: one Tab stop for all its buttons.
        bar.get_by_role("button", name="Tiêu đề mục").focus()
        iso.keyboard.press("ArrowRight")
        iso.keyboard.press("ArrowRight")
        expect(bar.get_by_role("button", name="Danh sách đánh số")).to_be_focused()
        iso.keyboard.press("Enter")
        assert scope.input_value().startswith("1. ")
