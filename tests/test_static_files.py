"""Static files under fingerprinted addresses with long-lived caching, and gzip for what
compresses (pages, JSON, CSS, JS), not for files already compressed (PDF, DOCX, ZIP)."""

from __future__ import annotations

import gzip
import hashlib
import re

from support import login

from qms.core.paths import STATIC_DIR
from qms.core.static_files import fingerprint, static_url

YEAR = "public, max-age=31536000, immutable"


def _sha(name: str) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def test_static_url_carries_the_content_hash():
    assert static_url("app.css") == f"/static/app.css?v={_sha('app.css')}"
    assert static_url("htmx-2.0.11.min.js").endswith("?v=" + _sha("htmx-2.0.11.min.js"))


def test_a_file_added_after_start_up_is_fingerprinted_too(tmp_path):
    content = b"// added while the app runs\n"
    (tmp_path / "late.js").write_bytes(content)
    assert fingerprint("late.js", tmp_path) == hashlib.sha256(content).hexdigest()[:12]
    assert fingerprint("missing.js", tmp_path) is None
    assert fingerprint("../outside.js", tmp_path) is None


def test_every_static_file_a_page_links_is_fingerprinted_and_cached_for_a_year(client):
    page = client.get("/login")
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert len(links) >= 4
    for link in links:
        assert re.search(r"\?v=[0-9a-f]{12}$", link), link
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.headers["cache-control"] == YEAR, link


def test_a_static_file_without_or_with_a_stale_hash_is_revalidated(client):
    for url in ("/static/app.js", "/static/app.js?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers["cache-control"]
        assert "max-age=300" in response.headers["cache-control"]
        etag = response.headers["etag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert "immutable" not in again.headers["cache-control"]


def test_a_fingerprinted_file_answers_304_to_a_revalidation_with_the_long_cache(client):
    url = static_url("app.css")
    etag = client.get(url).headers["etag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["cache-control"] == YEAR


def _on_the_wire(client, url: str, encoding: str) -> tuple[dict[str, str], bytes]:  # type: ignore[no-untyped-def]
    with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as response:
        return dict(response.headers), b"".join(response.iter_raw())


def test_static_files_and_pages_are_gzipped(client, people):
    for url in (static_url("htmx-2.0.11.min.js"), static_url("pico-2.1.1.min.css"), "/login"):
        headers, body = _on_the_wire(client, url, "gzip")
        assert headers["content-encoding"] == "gzip", url
        assert "Accept-Encoding" in headers["vary"]
        assert len(body) < len(_on_the_wire(client, url, "identity")[1]) / 2, url
    plain = client.get(static_url("app.js"), headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


def test_json_is_gzipped_but_a_small_answer_is_not(client, api):
    api.create_procedure("QT-01")
    big = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert len(small.content) < 500
    assert "content-encoding" not in small.headers


def test_a_pdf_download_is_not_gzipped(client, api):
    api.create_procedure("QT-01")
    response = client.get("/api/v1/documents/QT-01/versions/1/record.pdf",
                          headers={**api.as_("iso"), "Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "content-encoding" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content)


def test_a_docx_download_is_not_gzipped(client, api):
    api.create_procedure("QT-01")
    response = client.get("/api/v1/documents/QT-01/versions/1/record.docx",
                          headers={**api.as_("iso"), "Accept-Encoding": "gzip"})
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"PK")
    assert "content-encoding" not in response.headers


def test_a_gzipped_page_reads_the_same(client, people):
    login(client, "nhanvien")
    raw = client.get("/documents", headers={"Accept-Encoding": "identity"})
    headers, body = _on_the_wire(client, "/documents", "gzip")
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body).decode().count("<tr") == raw.text.count("<tr")


def test_pages_name_their_icon_so_browsers_do_not_ask_for_a_missing_favicon(client):
    page = client.get("/login")
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="(/static/favicon\.svg\?v=[0-9a-f]{12})"',
                     page.text)
    assert icon, "the page names its icon"
    served = client.get(icon.group(1))
    assert served.status_code == 200 and served.headers["content-type"].startswith("image/svg+xml")
    asked = client.get("/favicon.ico", follow_redirects=False)  # where no page names it: a PDF
    assert asked.status_code == 301 and asked.headers["location"] == icon.group(1)
