"""Every CSV export makes formula cells inert (OWASP "CSV Injection"): a cell a spreadsheet would
run gets a leading apostrophe, and every cell is quoted, in the API's and the pages' exports."""

from __future__ import annotations

import csv
import io

import pytest
from support import login

from qms.core.csv_export import csv_bytes, neutralise

from .conftest import publish_rich

REPORTS = "/api/v1/reports"
HYPERLINK = '=HYPERLINK("http://evil.example/x","Bấm vào đây")'
DDE = "=cmd|' /C calc'!A0"


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _cells(response) -> list[str]:
    return [cell for row in _rows(response) for cell in row]


@pytest.mark.parametrize("value", ["=1+1", "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
                                   "   =1+1", "\u00a0@x", HYPERLINK, DDE])
def test_formula_cells_get_an_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Quy trình kiểm soát tài liệu", "QT-01", "30/2020/NĐ-CP", "05 năm",
                                   "a=b", "", "'=already"])
def test_other_cells_are_kept(value):
    assert neutralise(value) == value


def test_every_cell_is_quoted_and_read_back_as_text():
    data = csv_bytes([["TT", "Tên"], [1, HYPERLINK]])
    assert data == ('\ufeff"TT","Tên"\r\n"1","\'=HYPERLINK(""http://evil.example/x"",""Bấm vào đây"")"\r\n'
                    ).encode("utf-8")


def test_master_list(api):
    publish_rich(api, title=HYPERLINK, steps=1)
    cells = _cells(api.get("iso", f"{REPORTS}/master-list.csv"))
    assert "'" + HYPERLINK in cells and HYPERLINK not in cells


def test_external_documents(api):
    response = api.post("iso", "/api/v1/documents", {
        "code": "ND-30", "title": DDE, "kind": "external", "owner_unit": "VP",
        "confidentiality": "internal", "review_interval_months": 12,
        "external": {"number": "+84/2020/NĐ-CP", "issuer": "@Chính phủ", "issued_on": "2020-03-05",
                     "status": "in_force"}})
    assert response.status_code == 201, response.text
    row = _rows(api.get("iso", f"{REPORTS}/external-documents.csv"))[1]
    assert row[2:5] == ["'+84/2020/NĐ-CP", "'" + DDE, "'@Chính phủ"]


def test_records_list(api):
    publish_rich(api, steps=1)
    register = api.client.put("/api/v1/documents/QT-01/records", headers=api.as_("iso"), json=[
        {"name": "-2+3+cmd|' /C calc'!A0", "keeping_unit": "VP", "retention": "10"}])
    assert register.status_code == 200, register.text
    row = _rows(api.get("iso", f"{REPORTS}/records-list.csv"))[1]
    assert row[1] == "'-2+3+cmd|' /C calc'!A0"


def test_acknowledgements_from_the_api_and_the_page(api, make, client):
    make.user("nv2", "staff", unit="CCHC", full_name=HYPERLINK)
    publish_rich(api, steps=1)
    response = api.post("iso", "/api/v1/documents/QT-01/versions/1/distribution", {
        "units": ["CCHC"], "roles": [], "users": [], "due_days": 7, "paper_copies": []})
    assert response.status_code in (200, 201), response.text

    assert "'" + HYPERLINK in _cells(api.get("iso", f"{REPORTS}/acknowledgements.csv?unit=CCHC"))
    api.client.cookies.clear()
    login(client, "iso")
    page_cells = _cells(client.get("/distribution/acknowledgements.csv?unit=CCHC"))
    assert "'" + HYPERLINK in page_cells and HYPERLINK not in page_cells


def test_audit_trail_with_a_username_an_attacker_typed(api, client):
    """A failed sign-in is recorded under the username typed, whatever it is."""
    refused = client.post("/api/v1/auth/token", json={"username": DDE, "password": "x"})
    assert refused.status_code == 401
    cells = _cells(api.get("danhgia", f"{REPORTS}/audit-trail.csv?since=2000-01-01"))
    assert "'" + DDE.lower() in cells
    assert not [cell for cell in cells if cell.lstrip().startswith(("=", "+", "-", "@"))]
