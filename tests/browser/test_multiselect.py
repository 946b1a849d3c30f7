"""A list of people to pick (a `<select multiple>`) is a filterable list of checkboxes that
works by keyboard alone; without JavaScript the select is still there and still works."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _submit_panel(page) -> str:  # type: ignore[no-untyped-def]
    """The drafter's open revision of QT-01, where they pick reviewers to submit it to."""
    page.goto("/documents/QT-01")
    url = page.locator(".revisions a[href*='/versions/']").first.get_attribute("href")
    page.goto(url)
    assert page.locator("#submit").is_visible(), "the demo's QT-01 has a draft for its drafter"
    return url


def _chosen(page) -> list[str]:  # type: ignore[no-untyped-def]
    """What the submit form would post as reviewers."""
    return page.evaluate("new FormData(document.querySelector('#submit form')).getAll('reviewers')")


def test_reviewers_are_picked_by_keyboard_with_a_filter(person, screenshot_dir):
    with person("soanthao") as page:
        _submit_panel(page)
        assert not page.locator("select#f-reviewers").is_visible(), "the select gives way to the list"
        options = page.locator("#f-reviewers-list input[type=checkbox]")
        assert options.count() >= 2

        page.get_by_role("searchbox", name="Người xem xét").focus()  # the label names the filter
        assert page.evaluate("document.activeElement.id") == "f-reviewers-filter"
        page.keyboard.type("pham thi lan")  # diacritics need not be typed
        shown = page.locator("#f-reviewers-list li:not([hidden]) label")
        assert shown.count() == 1 and "Phạm Thị Lan" in shown.inner_text()
        page.screenshot(path=screenshot_dir / "multiselect-filtered.png", full_page=False)
        page.keyboard.press("Enter")  # the only match is ticked; the form is not sent
        assert page.locator("#submit").is_visible()
        assert _chosen(page) == ["xemxet"]
        assert "Đã chọn 1" in page.locator("#f-reviewers-list + .multiselect__status").inner_text()

        page.keyboard.press("Escape")  # clears the filter
        assert shown.count() == options.count()
        focused = "document.activeElement.value"
        page.keyboard.press("ArrowDown")  # from the filter to the first box
        first = page.evaluate(focused)
        page.keyboard.press("ArrowDown")
        assert page.evaluate(focused) != first and page.evaluate("document.activeElement.type") == "checkbox"
        page.keyboard.press("ArrowUp")
        assert page.evaluate(focused) == first
        page.keyboard.press("Space")
        assert set(_chosen(page)) == {"xemxet"} ^ {first}
        page.keyboard.press("Space")
        assert _chosen(page) == ["xemxet"], "Space ticks and unticks"


def test_without_javascript_the_select_still_works(browser, live_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_url, java_script_enabled=False, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("#f-username", "soanthao")
        page.fill("#f-password", "demo1234")
        with page.expect_navigation():
            page.click("form[action='/login'] button[type=submit]")
        _submit_panel(page)
        assert page.locator("select#f-reviewers[multiple]").is_visible()
        assert page.locator("#f-reviewers-filter").count() == 0
    finally:
        context.close()
