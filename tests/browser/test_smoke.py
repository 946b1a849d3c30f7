"""The first minute of a real user: open the site, sign in, see the home page."""

from __future__ import annotations

import pytest

from qms.core import i18n

pytestmark = pytest.mark.browser


def _message(language: str, message_id: str) -> str:
    """A message as the page shows it, in the page's language, from the same catalog."""
    i18n.set_language(language)
    try:
        return i18n.gettext(message_id)
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)


def _watch_assets(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Stylesheets and scripts that failed to load, and script errors, as they happen."""
    problems: list[str] = []

    def on_response(response) -> None:  # type: ignore[no-untyped-def]
        if response.request.resource_type in ("stylesheet", "script", "image", "font") \
                and response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    def on_failed(request) -> None:  # type: ignore[no-untyped-def]
        # A load the browser gives up because the page moved on (the icon while signing in) is
        # no failure of the server.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"failed {request.url}: {request.failure}")

    page.on("requestfailed", on_failed)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


def test_sign_in_as_head_of_agency(page, live_url, sign_in, screenshot_dir):
    problems = _watch_assets(page)

    page.goto("/")
    assert page.url == f"{live_url}/login?next=/", "a visitor is sent to the sign-in form"
    assert page.locator("form[action='/login']").is_visible()

    sign_in(page, "giamdoc")

    page.screenshot(path=screenshot_dir / "home-giamdoc.png", full_page=True)
    print(f"screenshot: {screenshot_dir / 'home-giamdoc.png'}")
    assert page.url == f"{live_url}/"
    assert "Đặng Văn Bình" in page.locator("main h1").inner_text()
    assert "Đặng Văn Bình" in page.locator(".user-menu summary").inner_text()
    assert "Giám đốc" in page.locator("main .welcome").inner_text()
    assert problems == []


def test_every_menu_link_opens_a_page(page, live_url, sign_in, screenshot_dir):
    """Each entry of the main menu that the head of agency sees answers with a page."""
    problems = _watch_assets(page)
    sign_in(page, "giamdoc")
    links = page.locator("nav.main-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/documents" in links
    broken = []
    for href in links:
        response = page.goto(href)
        if response is None or response.status >= 400:
            broken.append(f"{href}: {response.status if response else 'no response'}")
            page.screenshot(path=screenshot_dir / f"broken{href.replace('/', '_')}.png", full_page=True)
    assert broken == [], f"menu links that fail: {broken}"
    assert problems == []


def test_wrong_password_shows_the_error_on_the_form(page, live_url, sign_in, screenshot_dir):
    problems = _watch_assets(page)

    page.goto("/login")
    page.screenshot(path=screenshot_dir / "login.png", full_page=True)
    assert not page.get_by_role("alert").count(), "an untouched sign-in form shows no error"

    sign_in(page, "giamdoc", "not-the-password")
    page.screenshot(path=screenshot_dir / "login-wrong-password.png", full_page=True)
    print(f"screenshots: {screenshot_dir}")

    assert page.url.startswith(f"{live_url}/login")
    language = page.locator("html").get_attribute("lang") or i18n.DEFAULT_LANGUAGE
    alert = page.locator("article form[action='/login']").locator("xpath=..").get_by_role("alert")
    assert alert.is_visible()
    assert alert.inner_text().strip() == _message(language, "Wrong username or password.")
    assert page.locator("#f-username").input_value() == "giamdoc"
    assert page.locator("#f-password").input_value() == ""
    assert page.context.cookies(live_url) and not any(
        cookie["name"] == "qms_session" for cookie in page.context.cookies(live_url)
    ), "no session cookie after a failed sign-in"
    assert problems == []
