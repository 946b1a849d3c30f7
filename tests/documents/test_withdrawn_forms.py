"""A form withdrawn while a procedure in force still refers to it: flagged on the procedure
and in the compliance report, and explained to staff who follow the link."""

from __future__ import annotations

from support import PASSWORD, login

FORM = "BM-QT01-02"


def _withdraw(api, code: str, reason: str) -> None:
    url = f"/api/v1/documents/{code}/versions/1/withdraw"
    assert api.post("iso", url, {"reason": reason, "approver": "giamdoc"}).status_code == 200
    signed = api.post("giamdoc", url, {"decision": "approved", "password": PASSWORD})
    assert signed.status_code == 200, signed.text


def _library(api) -> None:
    """QT-01 owns the form; QT-02 names it in its forms section; both in force; the form withdrawn."""
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    api.create_procedure("QT-02", "Quy trình kiểm soát hồ sơ")
    api.fill("QT-02", forms=f"| TT | Mã hiệu | Tên biểu mẫu |\n|---|---|---|\n| 1 | {FORM} | Danh mục |")
    api.publish("QT-02")
    api.create_procedure(FORM, "Danh mục tài liệu nội bộ", kind="form", parent_code="QT-01")
    api.fill(FORM)
    api.publish(FORM)
    _withdraw(api, FORM, "Gộp vào biểu mẫu BM-QT01-01")


def test_staff_following_the_link_are_told_when_why_and_whom_to_ask(api, client):
    _library(api)
    login(client, "nhanvien")
    procedure = client.get("/documents/QT-01")
    assert procedure.status_code == 200
    assert 'id="withdrawn-forms"' in procedure.text and f'href="/documents/{FORM}"' in procedure.text
    assert "Gộp vào biểu mẫu BM-QT01-01" in procedure.text

    page = client.get(f"/documents/{FORM}")
    assert page.status_code == 410
    assert "Biểu mẫu này đã bị thu hồi ngày" in page.text
    assert "Lý do: Gộp vào biểu mẫu BM-QT01-01." in page.text
    assert "liên hệ Nguyễn Thị Thu Hà (Văn phòng Sở)" in page.text
    assert 'href="/documents/QT-01"' in page.text and 'href="/documents/QT-02"' in page.text
    assert client.get(f"/documents/{FORM}/versions/1").status_code == 410
    assert client.get("/documents/BM-KHONG-CO").status_code == 404


def test_the_compliance_report_lists_each_procedure_still_referring_to_it(api):
    _library(api)
    clauses = {c["clause"]: c for c in api.get("danhgia", "/api/v1/reports/compliance").json()}
    findings = clauses["7.5.3.2 / 4.2.3 g"]["findings"]
    assert [(f["object"], f["link"]) for f in findings] == [("QT-01/1", "/documents/QT-01"),
                                                            ("QT-02/1", "/documents/QT-02")]
    assert all(FORM in f["message"] for f in findings)
