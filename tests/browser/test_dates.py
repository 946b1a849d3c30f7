"""A date field shows and takes dd/mm/yyyy whatever the browser's locale, and a date typed
another common way is rewritten day first when the field is left."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_date_field_is_day_first_in_an_english_browser(browser, live_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_url, locale="en-US", timezone_id="Asia/Ho_Chi_Minh")
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("#f-username", "giamdoc")
        page.fill("#f-password", "demo1234")
        with page.expect_navigation():
            page.click("form[action='/login'] button[type=submit]")
        page.goto("/delegations")
        starts = page.locator("#f-starts_on")
        assert starts.get_attribute("type") == "text"
        assert starts.get_attribute("placeholder") == "dd/mm/yyyy"
        day, month, year = starts.input_value().split("/")
        assert len(day) == 2 and len(month) == 2 and len(year) == 4, "today, day first"

        ends = page.locator("#f-ends_on")
        for typed, shown in (("5.3.2030", "05/03/2030"), ("05032030", "05/03/2030"),
                             ("2030-03-05", "05/03/2030"), ("3/5/30", "3/5/30")):
            ends.fill(typed)
            ends.press("Tab")
            assert ends.input_value() == shown, typed
        assert page.evaluate("document.querySelector('#f-ends_on').validity.patternMismatch"), \
            "a two-digit year is not accepted by the field"
    finally:
        context.close()
