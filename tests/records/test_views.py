"""Pages: download buttons where people expect them, the print dialog, the reports page."""

from __future__ import annotations

from support import login

from .conftest import issue_copies, publish_rich

VERSION_PAGE = "/documents/QT-01/versions/1"


def test_the_version_and_document_pages_offer_the_downloads(api, client):
    publish_rich(api, steps=1)
    login(client, "iso")
    page = client.get(VERSION_PAGE)
    assert page.status_code == 200
    for name in ("record.pdf", "record.docx", "signed.pdf"):
        assert f'href="/api/v1/documents/QT-01/versions/1/{name}"' in page.text
    assert 'action="/documents/QT-01/versions/1/print"' in page.text  # the quality officer's print dialog
    assert 'href="/api/v1/documents/QT-01/versions/1/distribution-record.pdf"' in page.text
    document = client.get("/documents/QT-01")
    assert 'href="/api/v1/documents/QT-01/versions/1/record.pdf"' in document.text


def test_a_document_not_yet_in_force_offers_no_records_of_a_revision_in_force(api, client):
    api.create_procedure("QT-02", "Quy trình chưa ban hành")
    login(client, "iso")
    page = client.get("/documents/QT-02")
    assert page.status_code == 200
    assert "Lần ban hành có hiệu lực:" not in page.text and "record.pdf" not in page.text


def test_staff_get_downloads_but_no_controlled_copies(api, client):
    publish_rich(api, steps=1)
    login(client, "nhanvien")
    page = client.get(VERSION_PAGE)
    assert 'href="/api/v1/documents/QT-01/versions/1/record.pdf"' in page.text
    assert "/versions/1/print" not in page.text, "no controlled-copy print dialog"
    assert "distribution-record" not in page.text
    refused = client.get(VERSION_PAGE + "/print?kind=controlled&copy=2&fmt=pdf", follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"] == VERSION_PAGE


def test_the_print_dialog_leads_to_the_numbered_copy(api, client):
    publish_rich(api, steps=1)
    login(client, "iso")
    never_issued = client.get(VERSION_PAGE + "/print?kind=controlled&copy=2&fmt=docx", follow_redirects=False)
    assert never_issued.headers["location"] == VERSION_PAGE + "#print"
    assert "Bản kiểm soát số 02" in client.get(never_issued.headers["location"]).text
    issue_copies(api, ("nhanvien", "xemxet"))
    controlled = client.get(VERSION_PAGE + "/print?kind=controlled&copy=2&fmt=docx", follow_redirects=False)
    assert controlled.status_code == 303
    assert controlled.headers["location"] == "/api/v1/documents/QT-01/versions/1/record.docx?copy=2"
    uncontrolled = client.get(VERSION_PAGE + "/print?kind=uncontrolled&copy=&fmt=pdf", follow_redirects=False)
    assert uncontrolled.headers["location"] == "/api/v1/documents/QT-01/versions/1/record.pdf"
    missing = client.get(VERSION_PAGE + "/print?kind=controlled&copy=&fmt=pdf", follow_redirects=False)
    assert missing.status_code == 303 and missing.headers["location"] == VERSION_PAGE + "#print"
    follow = client.get(missing.headers["location"])
    assert "1" in follow.text and "999" in follow.text  # the reason, shown on the page
    downloaded = client.get(controlled.headers["location"])
    assert downloaded.status_code == 200 and downloaded.content.startswith(b"PK")


def test_the_reports_page_lists_what_each_role_may_make(client, people):
    login(client, "nhanvien")
    page = client.get("/reports")
    assert page.status_code == 200
    assert 'formaction="/api/v1/reports/master-list.csv"' in page.text
    assert "audit-trail" not in page.text and "acknowledgements" not in page.text
    client.cookies.clear()
    login(client, "danhgia")
    auditor = client.get("/reports")
    assert 'formaction="/api/v1/reports/audit-trail.pdf"' in auditor.text
    assert 'formaction="/api/v1/reports/acknowledgements.csv"' in auditor.text
    assert 'name="since"' in auditor.text and 'name="unit"' in auditor.text


def test_the_reports_page_says_when_the_certificate_is_a_demo(client, people, demo_signing):
    login(client, "iso")
    page = client.get("/reports")
    assert "flash--warning" in page.text
