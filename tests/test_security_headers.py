"""Every kind of response carries the security headers: a page, an htmx fragment, the JSON
API, a static file, an error (404, 500) and a file download."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from support import login

from qms.app import create_app
from qms.core.config import Settings
from qms.core.markup import render_markdown
from qms.core.paths import TEMPLATES_DIR

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def assert_secured(response) -> None:  # type: ignore[no-untyped-def]
    headers = response.headers
    policy = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
    assert policy == CSP_DIRECTIVES, "scripts and styles only from the app itself, never framed"
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert "geolocation=()" in headers["permissions-policy"]
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "strict-transport-security" not in headers, "no HSTS over plain http"


def test_a_page_has_the_headers(client, people):
    login(client, "nhanvien")
    response = client.get("/documents")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert_secured(response)


def test_the_sign_in_page_has_the_headers(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert_secured(response)


def test_an_htmx_fragment_has_the_headers(client, people):
    login(client, "nhanvien")
    response = client.get("/search?live=1&q=quy", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text, "a fragment, not a page"
    assert_secured(response)


def test_the_json_api_has_the_headers(client, api):
    response = client.get("/api/v1/me", headers=api.as_("nhanvien"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert_secured(response)
    assert_secured(client.get("/api/v1/me"))  # refused: 401


def test_a_static_file_has_the_headers(client):
    response = client.get("/static/app.js")
    assert response.status_code == 200
    assert_secured(response)


def test_a_missing_page_has_the_headers(client):
    page = client.get("/khong-co-trang-nay")
    api = client.get("/api/v1/khong-co")
    static = client.get("/static/khong-co.js")
    assert page.status_code == api.status_code == static.status_code == 404
    for response in (page, api, static):
        assert_secured(response)


def test_a_server_error_has_the_headers(settings, engine):
    app = create_app(settings, engine)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    @app.get("/api/v1/boom")
    def boom_api() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        page, api = client.get("/boom"), client.get("/api/v1/boom")
    assert page.status_code == api.status_code == 500
    assert_secured(page)
    assert_secured(api)


def test_a_downloaded_pdf_has_the_headers(client, api):
    api.create_procedure("QT-01")
    response = client.get("/api/v1/documents/QT-01/versions/1/record.pdf", headers=api.as_("iso"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert_secured(response)


def test_a_csv_export_has_the_headers(client, api):
    login(client, "iso")
    response = client.get("/distribution/acknowledgements.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert_secured(response)


@pytest.mark.parametrize("proto", ["https", "https, http"])
def test_hsts_behind_an_https_proxy(tmp_path, engine, settings, proto):
    """Behind a TLS proxy (the public address is https), HSTS follows X-Forwarded-Proto."""
    behind_proxy = Settings(**{**settings.model_dump(), "base_url": "https://qms.snv.ninhbinh.gov.vn"})
    with TestClient(create_app(behind_proxy, engine)) as client:
        forwarded = client.get("/login", headers={"X-Forwarded-Proto": proto})
        plain = client.get("/login")
    assert "max-age=63072000" in forwarded.headers["strict-transport-security"]
    assert "strict-transport-security" not in plain.headers


def test_hsts_when_served_over_https(client):
    response = TestClient(client.app, base_url="https://testserver").get("/login")
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_a_plain_http_proxy_header_is_not_believed_without_an_https_address(client):
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in response.headers


INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+\s*=|\sstyle\s*=|hx-on|javascript:|<style", re.I)


def test_no_template_has_inline_script_or_style():
    """The CSP refuses inline scripts, handlers and styles: no template of a page may hold any
    (e-mail bodies aside: mail readers know no stylesheets, and no CSP applies to them)."""
    offenders = [f"{path.relative_to(TEMPLATES_DIR)}: {match.group(0).strip()}"
                 for path in sorted(TEMPLATES_DIR.rglob("*.html"))
                 if "emails" not in path.parts
                 for match in INLINE.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_page_that_loads_htmx_tells_it_to_inject_no_style():
    """htmx adds an inline <style> for its indicators unless its config says not to."""
    loaders = [path for path in TEMPLATES_DIR.rglob("*.html") if "htmx-" in path.read_text(encoding="utf-8")
               and "static_url('htmx" in path.read_text(encoding="utf-8")]
    assert loaders, "the layouts load htmx"
    for path in loaders:
        text = path.read_text(encoding="utf-8")
        found = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", text)
        assert found, f"{path.name} configures htmx"
        config = json.loads(found.group(1))
        assert config["includeIndicatorStyles"] is False and config["allowEval"] is False, path.name


def test_an_aligned_markdown_table_keeps_its_alignment_without_inline_style():
    html = render_markdown("| Bước | Thời gian |\n|:-:|--:|\n| 1 | 02 ngày |")
    assert "style=" not in html
    assert '<th class="align-center">Bước</th>' in html
    assert '<td class="align-right">02 ngày</td>' in html
