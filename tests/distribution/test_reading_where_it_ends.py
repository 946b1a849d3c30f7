""""I have read and understood" comes after the text, on the version page and on the document
page; a document restricted after it was distributed leaves the reading list of those who may
no longer read it."""

from __future__ import annotations

from support import login, post_form

from .conftest import distribute

VERSION = "/documents/QT-01/versions/1"


def test_the_acknowledgement_button_comes_after_the_whole_text(client, api, published):
    assert distribute(api, users=["nhanvien"]).status_code in (200, 201)
    login(client, "nhanvien")
    page = client.get(VERSION).text
    button = page.index('class="ack-button"')
    assert page.index("Quy định cách kiểm soát tài liệu.") < button
    assert page.index("Soạn thảo") < button, "the steps table is read before confirming"
    note = page.index('href="#acknowledge"')
    assert note < page.index("Quy định cách kiểm soát tài liệu."), "a note at the top says where to confirm"


def test_the_document_page_offers_the_acknowledgement_to_a_reader_with_an_open_task(client, api, published):
    assert distribute(api, users=["nhanvien"]).status_code in (200, 201)
    login(client, "nhanvien")
    page = client.get("/documents/QT-01").text
    form = page.index(f'action="{VERSION}/acknowledge"')
    assert page.index("Quy định cách kiểm soát tài liệu.") < form
    assert post_form(client, f"{VERSION}/acknowledge").status_code in (200, 303)
    after = client.get("/documents/QT-01").text
    assert f'action="{VERSION}/acknowledge"' not in after
    assert "Bạn đã xác nhận đã đọc và hiểu lần ban hành này" in after

    login(client, "cchc1")
    assert 'class="ack-button"' not in client.get("/documents/QT-01").text, "not distributed to them"


def test_a_document_restricted_after_distribution_leaves_the_reading_list_of_other_units(
        client, api, published):
    assert distribute(api, users=["nhanvien", "vp1"]).status_code in (200, 201)
    title = "Quy trình kiểm soát tài liệu"
    assert [item["code"] for item in api.get("nhanvien", "/api/v1/me/reading-list").json()] == ["QT-01"]

    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    restricted = api.patch("iso", "/api/v1/documents/QT-01",
                           {"confidentiality": "restricted", "allowed_units": ["VP"]})
    assert restricted.status_code == 200, restricted.text

    assert api.get("nhanvien", "/api/v1/me/reading-list").json() == []
    login(client, "nhanvien")
    for url in ("/", "/reading"):
        page = client.get(url)
        assert page.status_code == 200
        assert title not in page.text, url
    assert [item["code"] for item in api.get("vp1", "/api/v1/me/reading-list").json()] == ["QT-01"]
    login(client, "vp1")
    assert title in client.get("/reading").text
