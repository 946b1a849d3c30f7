"""The public portal shows effective public documents and nothing else."""

from __future__ import annotations


def _publish(api, code: str, title: str, confidentiality: str, text: str) -> None:
    extra = {"confidentiality": confidentiality}
    if confidentiality == "restricted":
        extra["allowed_units"] = ["VP"]
    api.create_procedure(code, title, **extra)
    api.fill(code, content=text)
    api.publish(code)


def test_portal_lists_and_searches_only_public_effective_documents(api, client):
    _publish(api, "QT-06", "Thủ tục thành lập hội", "public", "Hồ sơ đề nghị thành lập hội gồm đơn.")
    _publish(api, "QT-01", "Quy trình kiểm soát tài liệu", "internal", "Nội bộ: thành lập hội đồng.")
    _publish(api, "QT-09", "Quy trình thanh tra kín", "restricted", "Bí mật: thành lập tổ thanh tra.")
    api.create_procedure("QT-10", "Thủ tục công khai chưa ban hành", confidentiality="public")
    api.fill("QT-10", content="Bản nháp thành lập hội mới.")

    page = client.get("/portal")
    assert page.status_code == 200
    assert "QT-06" in page.text
    for hidden in ("QT-01", "QT-09", "QT-10"):
        assert hidden not in page.text

    found = client.get("/portal", params={"q": "thanh lap"})
    assert "QT-06" in found.text and "<mark>thành</mark>" in found.text
    for hidden in ("QT-01", "QT-09", "QT-10", "Bí mật", "Bản nháp"):
        assert hidden not in found.text

    assert client.get("/portal/QT-06").status_code == 200
    for hidden in ("QT-01", "QT-09", "QT-10", "../QT-01", "NOPE"):
        response = client.get(f"/portal/{hidden}")
        assert response.status_code == 404
        assert "Bí mật" not in response.text and "Nội bộ" not in response.text


def test_a_withdrawn_public_document_leaves_the_portal(api, client):
    _publish(api, "QT-06", "Thủ tục thành lập hội", "public", "Nội dung.")
    assert api.post("iso", "/api/v1/documents/QT-06/versions/1/withdraw",
                    {"reason": "Thủ tục bị bãi bỏ", "approver": "giamdoc"}).status_code == 200
    assert api.post("giamdoc", "/api/v1/documents/QT-06/versions/1/withdraw",
                    {"decision": "approved", "password": "Qzx-Vbw-48Kr"}).status_code == 200
    assert client.get("/portal/QT-06").status_code == 404
    assert "QT-06" not in client.get("/portal").text


def test_portal_works_without_signing_in_and_on_a_phone(api, client):
    _publish(api, "QT-06", "Thủ tục thành lập hội", "public", "Nội dung.")
    page = client.get("/portal/QT-06")
    assert 'name="viewport"' in page.text
    assert "/login" not in page.url.path


def test_each_public_document_downloads_as_pdf_and_nothing_else_does(api, client):
    _publish(api, "QT-06", "Thủ tục thành lập hội", "public", "Nội dung.")
    _publish(api, "QT-01", "Quy trình kiểm soát tài liệu", "internal", "Nội bộ.")
    pdf = client.get("/portal/QT-06.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/portal/QT-01.pdf").status_code == 404
    assert "/portal/QT-06.pdf" in client.get("/portal").text
