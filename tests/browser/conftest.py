"""Fixtures for browser tests: the real app served by ``qms serve`` on a loopback port,
over a fresh SQLite data folder that ``qms seed --demo`` filled, driven by Debian's
Chromium through Playwright.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium``
(``make system-deps`` installs it). Later browser tests take ``live_url`` (the base
URL, e.g. ``http://127.0.0.1:41234``) and ``page`` (a fresh browser context per
test), plus ``sign_in(page, username)`` for the demo accounts.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "demo1234"
STARTUP_TIMEOUT_S = 60.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Keep each phase's report on the test item, so ``page`` can tell that a test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(data_dir: Path, base_url: str) -> dict[str, str]:
    """The caller's environment without any QMS_ setting, then a fresh SQLite data folder."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("QMS_")}
    env.update({
        "QMS_DATA_DIR": str(data_dir),
        "QMS_SECRET_KEY": "browser-test-secret",
        "QMS_BASE_URL": base_url,
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _qms(*args: str) -> list[str]:
    return [sys.executable, "-m", "qms.cli", *args]


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log_file: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`qms serve` exited with {server.returncode} before answering:\n"
                        f"{log_file.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"`qms serve` did not answer {url}/healthz within {STARTUP_TIMEOUT_S:.0f} s:\n"
                f"{log_file.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the real app (``qms serve``) over a demo-seeded SQLite data folder."""
    data_dir = tmp_path_factory.mktemp("browser-data")
    log_file = data_dir / "server.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = _server_env(data_dir, url)

    seeded = subprocess.run(_qms("seed", "--demo"), env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    if seeded.returncode != 0:
        pytest.fail(f"`qms seed --demo` failed ({seeded.returncode}):\n{seeded.stdout}\n{seeded.stderr}")

    with log_file.open("wb") as log:
        server = subprocess.Popen(_qms("serve", "--host", "127.0.0.1", "--port", str(port)),
                                  env=env, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
    try:
        _wait_until_up(url, server, log_file)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: browser tests drive Debian's Chromium. "
                    "Install it with `make system-deps` (apt-get install chromium); "
                    "a browser downloaded by Playwright is never used.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, live_url: str, request: pytest.FixtureRequest,  # type: ignore[no-untyped-def]
         tmp_path: Path) -> Iterator[object]:
    """A page in a fresh browser context (no cookies), with ``live_url`` as its base URL.

    When the test fails, a screenshot of the page is saved in the test's temp folder.
    """
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 800},
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
        call = getattr(request.node, "rep_call", None)
        if call is not None and call.failed:
            shot = tmp_path / "failure.png"
            page.screenshot(path=shot, full_page=True)
            print(f"failure screenshot: {shot} (at {page.url})")
    finally:
        context.close()


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "screenshots"
    folder.mkdir()
    return folder


def _sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the real form; leaves the page wherever the app redirects."""
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")


@pytest.fixture
def sign_in() -> Callable[..., None]:
    return _sign_in


@pytest.fixture
def person(browser, live_url: str) -> Callable[..., AbstractContextManager[Any]]:  # type: ignore[no-untyped-def]
    """A separate browser (own cookies) signed in as a user: ``with person("iso") as page``."""

    @contextmanager
    def signed_in(username: str, **options: Any) -> Iterator[Any]:
        context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 900},
                                      locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **options)
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            _sign_in(page, username)
            yield page
        finally:
            context.close()

    return signed_in
