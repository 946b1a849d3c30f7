"""The compliance report finds what an ISO auditor would, and the audit pack carries the evidence."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import timedelta

from sqlalchemy import delete, select, update
from support import agency_today

from qms.documents.models import Document, Signature, Version


def _findings(api, username="danhgia"):
    response = api.get(username, "/api/v1/reports/compliance")
    assert response.status_code == 200, response.text
    return {c["clause"]: c for c in response.json()}


def test_a_clean_library_conforms_and_each_problem_is_found(api, db):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    clean = _findings(api)
    assert all(not c["findings"] for c in clean.values())
    assert "7.5.2 / 4.2.3 a" in clean and clean["7.5.2 / 4.2.3 a"]["title"]

    api.create_procedure("QT-02", "Quy trình kiểm soát hồ sơ")
    api.fill("QT-02")
    api.publish("QT-02")
    body = {"units": ["CCHC"], "due_days": 7, "paper_copies": [{"holder": "nhanvien"}]}
    assert api.post("iso", "/api/v1/documents/QT-02/versions/1/distribution", body).status_code < 300
    assert api.post("iso", "/api/v1/documents/QT-02/versions").status_code == 201
    api.fill("QT-02", 2)
    api.publish("QT-02", 2)

    qt01 = db.execute(select(Document).where(Document.code == "QT-01")).scalar_one()
    db.execute(update(Document).where(Document.id == qt01.id)
               .values(next_review_on=agency_today() - timedelta(days=3)))
    db.execute(delete(Signature).where(Signature.version_id == qt01.effective_version_id,
                                       Signature.meaning == "approved"))
    db.commit()

    found = _findings(api)
    unsigned = found["7.5.2 / 4.2.3 a"]["findings"]
    assert [f["object"] for f in unsigned] == ["QT-01/1"]
    assert unsigned[0]["link"] == "/documents/QT-01/versions/1"
    assert any(f["object"] == "QT-01" for f in found["7.5.2 / 4.2.3 b"]["findings"])
    recall = found["7.5.3.2 d / 4.2.3 g"]["findings"]
    assert [f["object"] for f in recall] == ["QT-02/1"]


def test_copies_brought_back_leave_the_recall_finding_and_its_link_opens(api, client):
    from support import login

    api.create_procedure("QT-02", "Quy trình kiểm soát hồ sơ")
    api.fill("QT-02")
    api.publish("QT-02")
    body = {"units": [], "due_days": 7, "paper_copies": [{"holder": "nhanvien"}, {"holder": "iso"}]}
    assert api.post("iso", "/api/v1/documents/QT-02/versions/1/distribution", body).status_code < 300
    assert api.post("iso", "/api/v1/documents/QT-02/versions").status_code == 201
    api.fill("QT-02", 2)
    api.publish("QT-02", 2)

    (finding,) = _findings(api)["7.5.3.2 d / 4.2.3 g"]["findings"]
    assert finding["message"].startswith("2 ")
    login(client, "iso")
    page = client.get(finding["link"])
    assert page.status_code == 200 and "QT-02" in page.text
    for number, outcome in ((1, "returned"), (2, "destroyed")):
        recalled = api.post("iso", f"/api/v1/documents/QT-02/versions/1/paper-copies/{number}/recall",
                            {"outcome": outcome, "on": agency_today().isoformat()})
        assert recalled.status_code == 200, recalled.text
    assert _findings(api)["7.5.3.2 d / 4.2.3 g"]["findings"] == []


def test_only_auditors_and_the_quality_officer_read_it(api):
    assert api.get("nhanvien", "/api/v1/reports/compliance").status_code == 403
    assert api.get("iso", "/api/v1/reports/compliance").status_code == 200
    assert api.get("iso", "/api/v1/reports/audit-pack.zip").status_code == 403


def test_audit_pack_holds_the_reports_the_trail_and_a_true_manifest(api, db):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    response = api.get("danhgia", "/api/v1/reports/audit-pack.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    pack = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(pack.namelist())
    for expected in ("reports/master-list.pdf", "reports/master-list.csv", "reports/audit-trail.csv",
                     "reports/acknowledgements.pdf", "audit-trail-verification.json", "compliance.json",
                     "SHA256SUMS", "README.txt"):
        assert expected in names, expected
    for line in pack.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(pack.read(name)).hexdigest() == digest, name
    assert b'"ok": true' in pack.read("audit-trail-verification.json")
    assert b"QT-01" in pack.read("reports/master-list.csv")
    version = db.execute(select(Version).join(Document, Document.id == Version.document_id)
                         .where(Document.code == "QT-01")).scalar_one()
    assert version.status == "effective"
