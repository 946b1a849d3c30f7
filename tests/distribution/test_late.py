"""An acknowledgement made after its due date is shown as late wherever acknowledgements are."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import update
from support import login

from qms.core.db import utcnow
from qms.distribution import tally
from qms.distribution.models import Acknowledgement

from .conftest import distribute

VERSION = "/documents/QT-01/versions/1"


def _late_and_on_time(api, db) -> None:
    """nhanvien acknowledges two days after the due date, cchc1 in time, cchc2 not yet."""
    assert distribute(api, users=["nhanvien", "cchc1", "cchc2"], due_days=3).status_code < 300
    assert api.post("cchc1", f"/api/v1{VERSION}/acknowledge").status_code == 200
    db.execute(update(Acknowledgement).where(Acknowledgement.status == "pending")
               .values(due_at=utcnow() - timedelta(days=2)))
    tally.rebuild(db)
    db.commit()
    assert api.post("nhanvien", f"/api/v1{VERSION}/acknowledge").status_code == 200


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split())


def test_a_late_acknowledgement_is_late_in_reports_csv_pages_and_dashboard(api, published, db, client):
    _late_and_on_time(api, db)

    report = {row[3]: row[4] for row in _csv(api.get("iso", "/api/v1/reports/acknowledgements.csv").content)}
    assert report["Vũ Văn Khánh"] == "Xác nhận muộn (sau hạn)"
    assert report["Trần Thị Ánh"] == "Đã xác nhận"
    assert report["Ngô Văn Bảo"] == "Quá hạn, chưa xác nhận"
    text = _pdf_text(api.get("iso", "/api/v1/reports/acknowledgements.pdf").content)
    assert "Xác nhận muộn (sau hạn)" in text and "trong đó 1 lượt xác nhận muộn" in text

    text = _pdf_text(api.get("iso", f"/api/v1{VERSION}/distribution-record.pdf").content)
    assert "Xác nhận muộn (sau hạn)" in text and "Hạn xác nhận" in text
    recipients = {r["username"]: r["late"] for r in api.get("iso", f"/api/v1{VERSION}/distribution").json()
                  ["recipients"]}
    assert recipients == {"nhanvien": True, "cchc1": False, "cchc2": False}

    login(client, "iso")
    export = {row[5]: row[6] for row in _csv(client.get("/distribution/acknowledgements.csv").content)}
    assert export["nhanvien"] == "Xác nhận muộn" and export["cchc1"] == "Đã xác nhận"
    page = client.get(f"{VERSION}/distribution").text
    assert "Xác nhận muộn" in page
    only_late = client.get(f"{VERSION}/distribution?status=acknowledged_late").text
    assert "Vũ Văn Khánh" in only_late and "Trần Thị Ánh" not in only_late
    assert "1 muộn" in client.get("/distribution").text

    login(client, "nhanvien")
    assert "muộn" in client.get(VERSION).text
