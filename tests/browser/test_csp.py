"""Every kind of page, opened by the people who use it, under the strict Content-Security-
Policy: no policy violation, no console message, no script error; and the htmx actions
(live search, the editor's preview and steps table, the bell) still work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser

#: Pages each person opens besides their menu: a document, its versions, the draft editor,
#: the signing forms, the diff, the distribution pages with their meters, the forms.
PAGES: dict[str, list[str]] = {
    "giamdoc": ["/documents/QT-05", "/documents/QT-04", "/distribution/recalls", "/search?q=quy+trinh",
                "/account", "/account/password", "/notifications", "/reading"],
    "iso": ["/documents/new", "/import", "/records-register", "/retention-categories",
            "/external-documents", "/documents/QT-04", "/documents/CS-01", "/documents/QT-03",
            "/distribution/units/VP", "/documents/QT-04/versions/2/distribution/new",
            "/documents/QT-04/records", "/verify"],
    "soanthao": ["/documents/QT-01", "/change-requests"],
    "xemxet": ["/documents/QT-03", "/tasks"],
    "admin": ["/admin/users/new", "/admin/agency", "/audit"],
    "danhgia": ["/audit", "/compliance"],
    "nhanvien1": ["/portal", "/reading", "/khong-co-trang-nay"],
}

#: Links a page leads to that are worth opening too (versions, diffs, editors, forms).
FOLLOW = ("/versions/", "/edit", "/diff", "/distribution", "/print", "/portal/")

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.qmsCspViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber} on ${location.pathname}`);
});
"""


def _watch(page: Any) -> list[str]:
    """Policy violations, console messages and script errors, as they happen."""
    problems: list[str] = []
    page.expose_function("qmsCspViolation", lambda text: problems.append("CSP: " + text))
    page.add_init_script(REPORT_VIOLATIONS)

    def on_console(message: Any) -> None:
        text = message.text
        if message.type == "verbose" and text.startswith("[DOM]"):
            return  # Chromium's hints for password managers, not a fault of the page
        if "404" in text and "khong-co-trang-nay" in (message.location or {}).get("url", ""):
            return  # the 404 page we asked for
        problems.append(f"console {message.type}: {text} on {page.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error} on {page.url}"))
    return problems


def _visit(page: Any, url: str, seen: set[str], opened: list[str], depth: int = 0) -> None:
    """Open ``url``; on a document's pages, also the versions, editors and forms they lead to."""
    if url in seen or len(opened) > 60:
        return
    seen.add(url)
    response = page.goto(url)
    assert response is not None
    expected = 404 if "khong-co" in url else 200
    assert response.status == expected, f"{url}: {response.status}"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    opened.append(url)
    if url.startswith("/documents/") and depth < 2:
        for link in _links(page)[:12]:
            _visit(page, link, seen, opened, depth + 1)


def _links(page: Any) -> list[str]:
    hrefs = page.locator("main a[href^='/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return sorted({href.split("#")[0] for href in hrefs
                   if any(part in href for part in FOLLOW) and not href.endswith((".pdf", ".docx", ".csv",
                                                                                   ".zip", "/files"))
                   and "/files/" not in href})


@pytest.mark.parametrize("username", list(PAGES))
def test_every_page_runs_under_the_policy(person: Callable[..., Any], username: str) -> None:
    with person(username) as page:
        problems = _watch(page)
        page.reload()
        menu = page.locator("nav.main-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        seen: set[str] = set()
        opened: list[str] = []
        for url in ["/", *menu, *PAGES[username]]:
            _visit(page, url, seen, opened)
        print(f"{username} opened {len(opened)} pages: {opened}")
        assert len(opened) >= 6, opened
        assert problems == [], "\n".join(problems)


def test_the_policy_is_enforced_and_reported(person: Callable[..., Any]) -> None:
    """The watcher above would see a violation: an inline style is refused and reported."""
    with person("nhanvien1") as page:
        problems = _watch(page)
        page.reload()
        page.evaluate("document.body.insertAdjacentHTML('beforeend', "
                      "'<p id=\"x\" style=\"color: red\">x</p>')")
        page.wait_for_timeout(300)
        color = page.evaluate("getComputedStyle(document.getElementById('x')).color")
        assert color != "rgb(255, 0, 0)", "the inline style was not applied"
        assert any(p.startswith("CSP: style-src") for p in problems), problems


def test_htmx_actions_still_work(person: Callable[..., Any]) -> None:
    with person("soanthao") as page:
        problems = _watch(page)

        page.goto("/")
        page.fill(".header-search input[name=q]", "kiem soat")
        page.locator("#live-results a").first.wait_for()
        assert page.locator("#live-results a").count() >= 1

        page.goto("/documents/QT-01")
        draft = max(_links(page), key=lambda href: (href.count("/versions/"), href))
        page.goto(draft.split("/versions/")[0] + "/versions/" + draft.split("/versions/")[1].split("/")[0]
                  + "/edit")
        assert page.locator("#f-purpose").count() == 1
        page.fill("#f-purpose", "Quy định **cách** kiểm soát tài liệu.\n\n"
                                "| Bước | Thời gian |\n|:-:|--:|\n| 1 | 02 ngày |")
        page.locator("#preview-purpose strong").wait_for()
        assert page.locator("#preview-purpose strong").inner_text() == "cách"
        cell = page.locator("#preview-purpose td.align-right")
        assert cell.inner_text() == "02 ngày"
        assert cell.evaluate("td => getComputedStyle(td).textAlign") == "right"

        before = page.locator("input[name=step_step]").count()
        page.click("button.add-step")
        page.locator("input[name=step_step]").nth(before).wait_for()  # no wait_for_function: it needs eval

        page.goto("/notifications")
        assert problems == [], "\n".join(problems)


def test_the_sign_in_page_runs_under_the_policy(page: Any) -> None:
    problems = _watch(page)
    response = page.goto("/login")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert problems == [], "\n".join(problems)


def test_the_pdf_viewer_opens_a_record_under_the_policy(person: Callable[..., Any],
                                                        screenshot_dir: Any) -> None:
    """Chromium's PDF viewer shows a record the portal links, the policy notwithstanding."""
    with person("nhanvien1") as page:
        problems = _watch(page)
        page.goto("/portal")
        pdf = page.locator("main a[href$='.pdf']").first.get_attribute("href")
        fetched = page.request.get(pdf)
        assert fetched.headers["content-type"] == "application/pdf"
        assert "object-src 'none'" in fetched.headers["content-security-policy"]
        response = page.goto(pdf)
        assert response is not None and response.status == 200
        page.wait_for_timeout(1000)
        page.screenshot(path=screenshot_dir / "pdf-viewer.png")
        assert problems == [], "\n".join(problems)
