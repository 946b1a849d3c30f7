"""The public verify pages: what a QR code on a printed copy points to, and the check of an
uploaded PDF. Nobody signs in; a restricted document shows nothing but its status."""

from __future__ import annotations

import re

from support import post_form

from .conftest import publish_rich


def _page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def test_the_qr_code_of_a_record_points_to_its_verify_page(api, settings):
    import io

    from pypdf import PdfReader

    publish_rich(api, steps=2)
    data = api.get("iso", "/api/v1/documents/QT-01/versions/1/record.pdf").content
    # the QR code is drawn from segno's matrix; its target is the verify URL of this revision
    from qms.records.qr import qr_matrix, verify_url

    url = verify_url(settings.base_url, "QT-01", 1)
    assert url == "http://127.0.0.1:8000/verify/QT-01/1"
    assert len(qr_matrix(url)) >= 25
    assert "Quét để kiểm tra hiệu lực" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_current_superseded_and_obsolete_revisions(api, client):
    publish_rich(api, steps=2)
    page = client.get("/verify/QT-01/1")
    assert page.status_code == 200
    text = _page_text(page)
    assert "QT-01" in text and "Quy trình kiểm soát tài liệu" in text
    assert "verify__verdict--ok" in page.text

    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    api.fill("QT-01", 2)
    api.publish("QT-01", 2)
    old = client.get("/verify/QT-01/1")
    assert old.status_code == 200 and "verify__verdict--bad" in old.text
    assert "/verify/QT-01/2" not in old.text
    assert "02" in _page_text(old)  # the revision that replaces it

    withdraw = api.post("iso", "/api/v1/documents/QT-01/versions/2/withdraw",
                        {"reason": "Không còn áp dụng", "approver": "giamdoc"})
    assert withdraw.status_code == 200, withdraw.text
    signed = api.post("giamdoc", "/api/v1/documents/QT-01/versions/2/withdraw",
                      {"decision": "approved", "comment": "", "password": "Qzx-Vbw-48Kr"})
    assert signed.status_code == 200, signed.text
    obsolete = client.get("/verify/QT-01/2")
    assert obsolete.status_code == 200 and "verify__verdict--bad" in obsolete.text


def test_unknown_and_unissued_revisions_are_not_found(api, client):
    api.create_procedure()
    api.fill("QT-01")
    assert client.get("/verify/QT-01/1").status_code == 404  # a draft was never issued
    assert client.get("/verify/QT-99/1").status_code == 404
    assert client.get("/verify/QT-01/0").status_code in (404, 422)


def test_a_restricted_document_shows_nothing_but_its_status(api, client):
    publish_rich(api, code="QT-09", title="Quy trình bảo vệ bí mật nhà nước", steps=1,
                 confidentiality="restricted", allowed_units=["VP"])
    page = client.get("/verify/QT-09/1")
    assert page.status_code == 200
    assert "verify__verdict--ok" in page.text
    assert "bí mật" not in page.text and "Quy trình bảo vệ" not in page.text


def test_an_uploaded_signed_record_is_authentic_and_a_changed_one_is_not(api, client, demo_signing):
    publish_rich(api, steps=2)
    data = api.get("iso", "/api/v1/documents/QT-01/versions/1/signed.pdf").content
    client.get("/verify")
    genuine = post_form(client, "/verify", files={"file": ("QT-01.pdf", data, "application/pdf")})
    assert genuine.status_code == 200
    assert "verify__verdict--ok" in genuine.text and "Sở Nội vụ tỉnh Ninh Bình" in genuine.text

    altered = bytearray(data)
    altered[len(data) // 3] ^= 0x01
    changed = post_form(client, "/verify", files={"file": ("QT-01.pdf", bytes(altered), "application/pdf")})
    assert changed.status_code == 200
    assert "verify__verdict--bad" in changed.text

    unsigned = api.get("iso", "/api/v1/documents/QT-01/versions/1/record.pdf").content
    plain = post_form(client, "/verify", files={"file": ("QT-01.pdf", unsigned, "application/pdf")})
    assert "verify__verdict--bad" in plain.text


def test_an_upload_that_is_not_a_pdf_is_refused(client):
    client.get("/verify")
    text = post_form(client, "/verify", files={"file": ("note.txt", b"hello", "text/plain")})
    assert text.status_code == 415
    empty = post_form(client, "/verify", files={"file": ("empty.pdf", b"", "application/pdf")})
    assert empty.status_code == 422
    big = post_form(client, "/verify", files={"file": ("big.pdf", b"%PDF-" + b"0" * (21 * 2**20),
                                                       "application/pdf")})
    assert big.status_code == 413
