"""The register tells the truth: a document in force stays in force while its next revision
is prepared, and the revision in preparation shows beside it."""

from __future__ import annotations

import re

from support import login

from qms.documents.service import library_counts


def _in_force_with_a_draft(api) -> None:
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    api.fill("QT-01", 2, content="Nội dung sửa đổi.")


def _item(api, username: str, query: str = "") -> dict | None:
    body = api.get(username, f"/api/v1/documents{query}").json()
    return next((item for item in body["items"] if item["code"] == "QT-01"), None)


def test_a_document_in_force_with_a_draft_is_listed_in_force_with_the_draft_in_progress(api):
    _in_force_with_a_draft(api)

    item = _item(api, "iso")
    assert item is not None
    assert (item["status"], item["current_revision"]) == ("effective", 1)
    assert item["in_progress"] == {"revision": 2, "status": "draft"}
    detail = api.get("iso", "/api/v1/documents/QT-01").json()
    assert (detail["status"], detail["current_revision"]) == ("effective", 1)
    assert detail["in_progress"] == {"revision": 2, "status": "draft"}

    assert _item(api, "iso", "?status=effective") is not None
    assert _item(api, "iso", "?status=draft") is None

    # Staff do not read drafts: the same document, in force, nothing in preparation.
    staff = _item(api, "nhanvien")
    assert staff is not None
    assert (staff["status"], staff["current_revision"], staff["in_progress"]) == ("effective", 1, None)
    assert api.get("nhanvien", "/api/v1/documents/QT-01").json()["in_progress"] is None

    assert api.submit("QT-01", 2).status_code == 200
    assert _item(api, "iso")["in_progress"] == {"revision": 2, "status": "in_review"}
    assert _item(api, "iso", "?status=in_review") is None


def test_a_document_not_yet_in_force_shows_its_latest_version(api):
    api.create_procedure()
    item = _item(api, "iso")
    assert (item["status"], item["current_revision"], item["in_progress"]) == ("draft", 1, None)
    assert _item(api, "iso", "?status=draft") is not None
    assert _item(api, "iso", "?status=effective") is None


def test_the_register_page_shows_in_force_and_a_second_badge_for_the_draft(api, client):
    _in_force_with_a_draft(api)
    login(client, "iso")
    page = client.get("/documents")
    row = re.search(r"<tr>\s*<td class=\"nowrap\"><a href=\"/documents/QT-01\">.*?</tr>", page.text, re.S)
    assert row is not None, page.text
    badges = re.findall(r'<span class="status status--(\w+)[^"]*">([^<]+)</span>', row.group(0))
    assert badges == [("effective", "Có hiệu lực"), ("draft", "Dự thảo lần ban hành 02")]
    assert ">01</td>" in row.group(0)

    effective = client.get("/documents?status=effective")
    assert 'href="/documents/QT-01"' in effective.text
    assert 'href="/documents/QT-01"' not in client.get("/documents?status=draft").text

    document_page = client.get("/documents/QT-01")
    assert "Dự thảo lần ban hành 02" in document_page.text

    search = client.get("/search?q=kiem+soat")
    assert "Có hiệu lực" in search.text and "Dự thảo lần ban hành 02" in search.text


def test_the_library_counts_and_the_home_page_count_a_document_in_force_as_in_force(api, client, db):
    _in_force_with_a_draft(api)
    api.create_procedure("QT-02", "Quy trình tiếp nhận hồ sơ")
    assert library_counts(db) == {"effective": 1, "draft": 1}
    login(client, "iso")
    home = client.get("/")
    stats = {status: int(number) for number, status in
             re.findall(r'<span class="stat">(\d+)</span> <span class="status status--(\w+)">', home.text)}
    assert stats["effective"] == 1 and stats["draft"] == 1
