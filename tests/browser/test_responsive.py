"""The pages a member of staff opens on a phone (390 × 844) fit the screen, the menu folds
behind a button that works by keyboard (and stays open without JavaScript), and a printout
carries the uncontrolled-copy mark and no navigation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_url: str) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A phone-sized browser; ``phone(username, javascript=True)`` signs in."""
    contexts = []

    def open_as(username: str, *, javascript: bool = True) -> Any:
        context = browser.new_context(base_url=live_url, viewport=PHONE, locale="vi-VN",
                                      timezone_id="Asia/Ho_Chi_Minh", java_script_enabled=javascript)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.fill("#f-username", username)
        page.fill("#f-password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("form[action='/login'] button[type=submit]")
        return page

    yield open_as
    for context in contexts:
        context.close()


def _latest_revision_url(page, code: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(f"/documents/{code}")
    return page.locator(".revisions a[href*='/versions/']").first.get_attribute("href")


def _page_width(page) -> int:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(("username", "code"), [("nhanvien8", "QT-04"), ("soanthao", "QT-01")])
def test_pages_fit_a_phone_screen(phone, username, code, screenshot_dir):
    page = phone(username)
    paths = ["/", f"/documents/{code}", _latest_revision_url(page, code), "/reading"]
    too_wide = {}
    for path in paths:
        page.goto(path)
        page.screenshot(path=screenshot_dir / f"{username}{path.replace('/', '_')}.png", full_page=True)
        if (width := _page_width(page)) > PHONE["width"]:
            too_wide[path] = width
    assert too_wide == {}, f"pages wider than the phone's screen (px): {too_wide}"


def test_the_menu_folds_behind_a_button_that_works_by_keyboard(phone, screenshot_dir):
    page = phone("iso")
    menu = page.locator("nav.main-nav")
    toggle = page.locator("button.nav-toggle")
    assert toggle.is_visible() and not menu.is_visible(), "on a phone the menu starts folded"
    assert toggle.get_attribute("aria-expanded") == "false"

    toggle.focus()
    page.keyboard.press("Enter")
    assert menu.is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    page.screenshot(path=screenshot_dir / "menu-open.png")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('nav.main-nav') !== null"), \
        "the next Tab goes into the menu"
    with page.expect_navigation():
        page.locator("nav.main-nav a[href='/documents']").press("Enter")
    assert page.url.endswith("/documents")
    assert _page_width(page) <= PHONE["width"]

    toggle.click()
    assert menu.is_visible()
    page.keyboard.press("Escape")
    assert not menu.is_visible() and toggle.get_attribute("aria-expanded") == "false"


def test_without_javascript_the_menu_stays_reachable(phone):
    page = phone("iso", javascript=False)
    assert page.locator("nav.main-nav a[href='/documents']").is_visible()
    assert not page.locator("button.nav-toggle").is_visible()
    assert _page_width(page) <= PHONE["width"]


def test_a_printed_version_is_marked_uncontrolled_and_has_no_navigation(phone, screenshot_dir):
    page = phone("nhanvien8")
    page.set_viewport_size({"width": 800, "height": 1100})
    page.goto(_latest_revision_url(page, "QT-04"))
    assert not page.locator(".print-header__mark").is_visible(), "the mark is for paper only"

    page.emulate_media(media="print")
    shot = screenshot_dir / "print.png"
    page.screenshot(path=shot, full_page=True)
    print(f"print screenshot: {shot}")
    header = page.locator(".print-header")
    assert header.is_visible()
    assert "BẢN KHÔNG KIỂM SOÁT" in header.inner_text()
    for hidden in ("header.site-header", "nav.main-nav", "footer.site-footer"):
        assert not page.locator(hidden).is_visible(), f"{hidden} is not printed"
    shown = page.locator("main button, main form, main [role=button], #flashes .flash")
    assert [i for i in range(shown.count()) if shown.nth(i).is_visible()] == [], \
        "no buttons, forms or messages on paper"
    assert page.locator("main h1").is_visible(), "the document itself is printed"


def test_every_printed_sheet_names_the_document_its_revision_and_the_page(phone, tmp_path):
    page = phone("nhanvien8")
    page.goto(_latest_revision_url(page, "QT-04"))
    heading = page.locator(".print-header__doc").inner_text(timeout=5000)
    assert re.fullmatch(r"QT-04 · Lần ban hành \d{2}", heading)
    page.set_viewport_size({"width": 800, "height": 1100})
    page.emulate_media(media="print")
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)

    sheets = [sheet.extract_text() for sheet in PdfReader(pdf).pages]
    assert len(sheets) >= 2, "a document long enough to need a second sheet"
    for number, text in enumerate(sheets, start=1):
        assert heading in text, f"sheet {number} names the document and its revision"
        assert f"Trang {number}/{len(sheets)}" in text
        assert "BẢN KHÔNG KIỂM SOÁT" in text


def test_a_printed_reading_list_is_marked_uncontrolled(phone):
    page = phone("nhanvien8")
    page.goto("/reading")
    page.emulate_media(media="print")
    assert page.locator(".print-header__mark").inner_text() == "BẢN KHÔNG KIỂM SOÁT"
    assert not page.locator("nav.main-nav").is_visible()
