"""/api/docs works without internet: Swagger UI comes from the app's own static files."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_api_docs_render_with_every_other_host_blocked(page, live_url, screenshot_dir):
    outside: list[str] = []
    problems: list[str] = []

    def only_the_app(route) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_app)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    page.goto("/api/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    page.screenshot(path=str(screenshot_dir / "api-docs.png"), full_page=False)

    operations = page.locator(".opblock")
    assert operations.count() >= 70, operations.count()
    approve = "/api/v1/documents/{code}/versions/{rev}/approve"
    assert page.locator(".opblock-summary-path", has_text=approve).count() == 1
    assert page.locator("button.authorize").is_visible(), "the bearer scheme offers Authorize"
    assert outside == [], f"the page asked other hosts: {outside}"
    assert problems == [], problems
