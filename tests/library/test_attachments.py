"""Attachments: upload to a draft, checks by content, download rules, and hostile files.

Reasons are checked in Vietnamese, the default language of the API."""

from __future__ import annotations

from pathlib import Path

import pytest
import samples
from sqlalchemy import func, select

from qms.audit.models import AuditEvent
from qms.documents.content import content_hash, steps_of
from qms.documents.models import Document, Version
from qms.library.models import Attachment

URL = "/api/v1/documents/QT-01/versions/{rev}/attachments"


def files_on_disk(settings) -> list[Path]:
    root = settings.data_dir / "files"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def attachment_count(db) -> int:
    db.expire_all()
    return db.execute(select(func.count()).select_from(Attachment)).scalar_one()


def upload(api, name: str, data: bytes, rev: int = 1, username: str = "iso", content_type: str | None = None):
    kind = content_type or samples.DOCX_TYPE
    return api.post(username, URL.format(rev=rev), files={"file": (name, data, kind)})


@pytest.fixture
def draft(api):
    api.create_procedure()
    api.fill("QT-01")
    return "QT-01"


@pytest.fixture(autouse=True)
def _empty_store(settings):
    for path in files_on_disk(settings):
        path.unlink()


def test_a_docx_is_attached_to_the_draft_with_its_sha256_and_an_audit_event(api, draft, db, settings):
    data = samples.docx()
    response = upload(api, "Mẫu đơn đăng ký.docx", data)
    assert response.status_code == 201, response.text
    body = response.json()
    import hashlib
    assert body == {"name": "Mẫu đơn đăng ký.docx", "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data), "media_type": samples.DOCX_TYPE}
    assert [p.name for p in files_on_disk(settings)] == [body["sha256"]]
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "attachment.add")).scalar_one()
    assert event.object_id == "QT-01/1" and '"sha256"' in event.details

    download = api.get("iso", URL.format(rev=1) + "/Mẫu đơn đăng ký.docx")
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["content-type"] == samples.DOCX_TYPE
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "attachment;" in download.headers["content-disposition"]
    assert "X-Obsolete" not in download.headers


@pytest.mark.parametrize("name, maker, media_type", [
    ("bang-theo-doi.xlsx", samples.xlsx, samples.XLSX_TYPE),
    ("quyet-dinh.pdf", samples.pdf, "application/pdf"),
])
def test_xlsx_and_pdf_are_recognised_by_their_content(api, draft, name, maker, media_type):
    response = upload(api, name, maker(), content_type="application/octet-stream")
    assert response.status_code == 201, response.text
    assert response.json()["media_type"] == media_type


def test_a_name_without_extension_gets_the_extension_of_its_content(api, draft):
    response = upload(api, "Mẫu số 1", samples.pdf(), content_type="application/pdf")
    assert response.status_code == 201
    assert response.json()["name"] == "Mẫu số 1.pdf"


def test_odd_characters_in_a_name_are_replaced_for_display(api, draft):
    response = upload(api, 'mẫu <script>*?:x.docx', samples.docx())
    assert response.status_code == 201
    assert response.json()["name"] == "mẫu _script____x.docx"


HOSTILE = [
    ("../../etc/passwd.docx", samples.docx, 422, "thư mục"),
    ("..\\..\\windows\\win.ini.docx", samples.docx, 422, "thư mục"),
    ("chuong-trinh.docx", lambda: b"MZ\x90\x00" + b"\0" * 200, 415, "DOCX"),
    ("bao-cao.pdf", samples.docx, 415, ".pdf"),
    ("trang.docx", lambda: b"<html><script>alert(1)</script></html>", 415, "DOCX"),
    ("nen.docx", samples.plain_zip, 415, "ZIP"),
    ("bom.docx", samples.zip_bomb, 415, "bom ZIP"),
    ("hong.docx", samples.truncated_docx, 415, "bị hỏng"),
    ("macro.docx", samples.docx_with_macros, 415, "macro"),
    ("macro.docm", samples.docm, 415, "macro"),
    ("cu.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, 415, "DOCX"),
    ("trong.pdf", lambda: b"", 415, "rỗng"),
    ("cut.pdf", lambda: samples.pdf()[:40], 415, "PDF"),
]


@pytest.mark.parametrize("name, maker, status, reason", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_files_are_refused_with_a_reason_and_nothing_is_stored(api, draft, db, settings, name, maker,
                                                                      status, reason):
    response = upload(api, name, maker())
    assert response.status_code == status, response.text
    assert reason in response.json()["detail"]
    assert attachment_count(db) == 0
    assert files_on_disk(settings) == []
    assert not (settings.data_dir.parent / "etc").exists()
    assert db.execute(select(func.count()).select_from(AuditEvent)
                      .where(AuditEvent.action == "attachment.add")).scalar_one() == 0


def test_a_file_over_the_limit_is_refused_with_413_before_it_is_stored(api, draft, db, settings, app):
    limit = app.state.settings.max_upload_mb * 1024 * 1024
    big = b"%PDF-1.4\n" + b"0" * (limit + 10) + b"\n%%EOF\n"
    response = upload(api, "lon.pdf", big, content_type="application/pdf")
    assert response.status_code == 413
    assert "20 MB" in response.json()["detail"]
    assert attachment_count(db) == 0 and files_on_disk(settings) == []


def test_macros_are_accepted_when_the_installation_allows_them(api, draft, app, monkeypatch):
    monkeypatch.setattr(app.state.settings, "upload_allow_macros", True)
    response = upload(api, "macro.docm", samples.docm())
    assert response.status_code == 201, response.text
    assert response.json()["media_type"] == "application/vnd.ms-word.document.macroEnabled.12"


def test_files_change_only_in_a_draft_and_only_by_its_editors(api, draft, db):
    assert upload(api, "a.docx", samples.docx(), username="nhanvien").status_code == 404
    assert upload(api, "a.docx", samples.docx(), username="xemxet").status_code == 403
    assert upload(api, "a.docx", samples.docx()).status_code == 201
    assert upload(api, "a.docx", samples.docx("other")).status_code == 409  # same name twice
    assert api.submit("QT-01", 1).status_code == 200
    frozen = upload(api, "b.docx", samples.docx())
    assert frozen.status_code == 409 and "dự thảo" in frozen.json()["detail"]
    removed = api.client.delete(URL.format(rev=1) + "/a.docx", headers=api.as_("iso"))
    assert removed.status_code == 409
    assert attachment_count(db) == 1


def test_staff_download_files_of_the_version_in_force_only(api, draft):
    assert upload(api, "mau.docx", samples.docx()).status_code == 201
    assert api.get("nhanvien", URL.format(rev=1) + "/mau.docx").status_code == 404  # a draft
    api.publish("QT-01", 1)
    current = api.get("nhanvien", URL.format(rev=1) + "/mau.docx")
    assert current.status_code == 200 and current.headers["x-version-status"] == "effective"
    listed = api.get("nhanvien", URL.format(rev=1))
    assert [f["name"] for f in listed.json()] == ["mau.docx"]


def test_a_new_revision_keeps_the_files_and_the_old_ones_are_marked_obsolete(api, draft):
    assert upload(api, "mau.docx", samples.docx()).status_code == 201
    api.publish("QT-01", 1)
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    assert [f["name"] for f in api.get("iso", URL.format(rev=2)).json()] == ["mau.docx"]
    assert api.client.delete(URL.format(rev=2) + "/mau.docx", headers=api.as_("iso")).status_code == 204
    assert upload(api, "mau-moi.docx", samples.docx("Mẫu mới"), rev=2).status_code == 201
    api.fill("QT-01", 2)
    api.publish("QT-01", 2)

    assert api.get("nhanvien", URL.format(rev=1) + "/mau.docx").status_code == 404
    assert api.get("soanthao", URL.format(rev=1) + "/mau.docx").status_code == 403
    for reader in ("iso", "danhgia"):
        old = api.get(reader, URL.format(rev=1) + "/mau.docx")
        assert old.status_code == 200
        assert old.headers["x-obsolete"] == "true" and old.headers["x-version-status"] == "superseded"
    assert api.get("nhanvien", URL.format(rev=2) + "/mau-moi.docx").status_code == 200
    assert api.get("nhanvien", URL.format(rev=2) + "/mau.docx").status_code == 404


def test_an_unknown_file_is_404_and_a_missing_field_is_422(api, draft):
    assert api.get("iso", URL.format(rev=1) + "/khong-co.pdf").status_code == 404
    response = api.post("iso", URL.format(rev=1),
                        files={"other": ("x.pdf", samples.pdf(), "application/pdf")})
    assert response.status_code == 422 and "file" in response.json()["detail"]


def _swap_the_file_behind_the_signatures(db) -> None:
    db.expire_all()
    attachment = db.execute(select(Attachment)).scalar_one()
    attachment.sha256 = "0" * 64
    db.commit()


def test_the_signatures_cover_the_files_a_file_swapped_after_submission_cannot_be_approved(api, draft, db):
    assert upload(api, "mau.docx", samples.docx()).status_code == 201
    assert api.submit("QT-01", 1).status_code == 200
    assert api.review("QT-01", 1).status_code == 200
    _swap_the_file_behind_the_signatures(db)
    refused = api.approve("QT-01", 1)
    assert refused.status_code == 409 and "nội dung" in refused.json()["detail"].lower()
    assert api.get("iso", "/api/v1/documents/QT-01/versions/1").json()["status"] != "effective"


def test_a_version_frozen_before_files_were_signed_can_still_be_approved(api, draft, db):
    """Versions in review when files joined the signed content keep the hash they were
    submitted with."""
    assert upload(api, "mau.docx", samples.docx()).status_code == 201
    assert api.submit("QT-01", 1).status_code == 200
    assert api.review("QT-01", 1).status_code == 200
    db.expire_all()
    document = db.execute(select(Document).where(Document.code == "QT-01")).scalar_one()
    version = db.get(Version, document.latest_version_id)
    version.content_hash = content_hash("QT-01", version, steps_of(db, version.id), None, scheme=1)
    version.hash_scheme = 1  # as migration 0008 records a hash made before files were signed
    db.commit()
    assert api.approve("QT-01", 1).status_code == 200
