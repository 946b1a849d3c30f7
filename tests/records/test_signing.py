"""The agency's digital signature: issued versions are signed once (PAdES, visible stamp),
the file validates with pyHanko and poppler, a one-byte change breaks it, and
``qms verify-pdf`` says so with its exit status."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from qms.cli import main
from qms.core import jobs
from qms.core.clock import local_today
from qms.documents.models import Document, Version
from qms.files.storage import get_storage
from qms.records import certificates, listeners
from qms.records import service as record_service
from qms.records.models import SignedRecord
from qms.records.signing import validate

from .conftest import app_settings, audit_events, flat, pdf_pages, publish_rich

SIGNED = "/api/v1/documents/QT-01/versions/1/signed.pdf"


def _signed_rows(engine) -> list[SignedRecord]:
    with Session(engine) as session:
        return list(session.execute(select(SignedRecord)).scalars())


def _one_byte_changed(data: bytes) -> bytes:
    altered = bytearray(data)
    altered[len(data) // 3] ^= 0x01  # inside the first signed byte range
    return bytes(altered)


def test_a_version_is_signed_when_it_comes_into_force(api, engine, demo_signing, app, tmp_path):
    publish_rich(api, steps=5)
    rows = _signed_rows(engine)
    assert len(rows) == 1 and rows[0].demo and rows[0].signer == "Sở Nội vụ tỉnh Ninh Bình"
    assert [event["object"] for event in audit_events(engine, "record.sign")] == ["QT-01/1"]
    response = api.get("nhanvien", SIGNED)
    assert response.status_code == 200, response.text
    assert 'filename="QT-01_lan-01_ky-so.pdf"' in response.headers["content-disposition"]
    data = response.content
    assert get_storage(app.state.settings).get(rows[0].sha256) == data
    # the same stored file on every download: generated once
    assert api.get("iso", SIGNED).content == data
    assert len(_signed_rows(engine)) == 1

    verdict = validate(data, demo_signing.trust_roots)
    assert verdict.ok, verdict
    assert (verdict.intact, verdict.valid, verdict.trusted, verdict.whole_file) == (True, True, True, True)
    first_page = flat(pdf_pages(data)[0])
    assert "Bản điện tử có chữ ký số" in first_page
    assert "KHÔNG KIỂM SOÁT" not in first_page  # the electronic original carries no paper-copy stamp
    # the visible stamp: a signature widget with a real size on the cover page
    import io

    from pypdf import PdfReader

    widgets = [annotation.get_object() for annotation in PdfReader(io.BytesIO(data)).pages[0]["/Annots"]]
    stamp = next(w for w in widgets if w.get("/FT") == "/Sig")
    x1, y1, x2, y2 = (float(v) for v in stamp["/Rect"])
    assert x2 - x1 > 150 and y2 - y1 > 40
    assert "/AP" in stamp

    broken = validate(_one_byte_changed(data), demo_signing.trust_roots)
    assert not broken.ok and not broken.intact

    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(data)
    bad.write_bytes(_one_byte_changed(data))
    poppler = subprocess.run(["pdfsig", str(good)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in poppler and "Total document signed" in poppler
    poppler_bad = subprocess.run(["pdfsig", str(bad)], capture_output=True, text=True).stdout
    assert "Signature is Valid." not in poppler_bad

    downloads = [event for event in audit_events(engine, "record.download")
                 if event["format"] == "signed.pdf"]
    assert [event["actor"] for event in downloads] == ["nhanvien", "iso"]


def test_qms_verify_pdf_exits_0_for_a_signed_record_and_1_otherwise(api, demo_signing, app, tmp_path,
                                                                      monkeypatch, capsys):
    publish_rich(api, steps=2)
    data = api.get("iso", SIGNED).content
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(data)
    bad.write_bytes(_one_byte_changed(data))
    settings = app.state.settings
    monkeypatch.setenv("QMS_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("QMS_DATABASE_URL", settings.effective_database_url)
    assert main(["verify-pdf", str(good)]) == 0
    assert "VALID: an unaltered record signed by the agency" in capsys.readouterr().out
    assert main(["verify-pdf", str(bad)]) == 1
    assert "NOT VALID: the content was changed after signing" in capsys.readouterr().out
    unsigned = tmp_path / "plain.pdf"
    unsigned.write_bytes(api.get("iso", "/api/v1/documents/QT-01/versions/1/record.pdf").content)
    assert main(["verify-pdf", str(unsigned)]) == 1
    assert "no digital signature" in capsys.readouterr().out


def test_without_a_certificate_nothing_is_signed_and_signed_pdf_says_why(api, engine):
    publish_rich(api, steps=2)
    assert _signed_rows(engine) == []
    response = api.get("iso", SIGNED)
    assert response.status_code == 409
    assert "QMS_SIGNING_P12" in response.json()["detail"]
    assert audit_events(engine, "record.download") == []


def test_a_version_effective_before_the_certificate_is_signed_on_first_request(api, engine, app, settings,
                                                                                 tmp_path):
    publish_rich(api, steps=2)
    assert _signed_rows(engine) == []
    data_dir = tmp_path / "later"
    certificates.create_demo_certificate(data_dir, "Sở Nội vụ tỉnh Ninh Bình")
    with app_settings(app, settings.model_copy(update={"data_dir": data_dir})) as later:
        response = api.get("iso", SIGNED)
        assert response.status_code == 200, response.text
        assert validate(response.content, certificates.agency_certificate(later).trust_roots).ok
    assert len(_signed_rows(engine)) == 1
    assert audit_events(engine, "record.sign")[0]["actor"] == "iso"


def test_drafts_have_no_signed_original(api, demo_signing):
    api.create_procedure()
    api.fill("QT-01")
    response = api.get("iso", SIGNED)
    assert response.status_code == 409
    assert "bản gốc ký số" in response.json()["detail"]


def test_a_wrong_certificate_password_is_a_configuration_error(tmp_path):
    import pytest

    from qms.core.config import ConfigError

    path, _created = certificates.create_demo_certificate(tmp_path, "Sở Nội vụ")
    with pytest.raises(ConfigError, match="QMS_SIGNING_P12_PASSWORD"):
        certificates.load_p12(path, "wrong password")
    with pytest.raises(ConfigError, match="QMS_SIGNING_P12_PASSWORD"):
        certificates.load_p12(tmp_path / "signing" / "demo-ca.pem", None)


def _another_writer_gets_in_at_once(engine) -> None:
    """Another request could write right now: SQLite's write lock is free, and on PostgreSQL
    the document's row is not locked."""
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(engine.url.database, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" at once if anyone writes
            other.rollback()
        finally:
            other.close()
        return
    with engine.connect() as connection:
        connection.execute(select(Document.id).where(Document.code == "QT-01").with_for_update(nowait=True))
        connection.rollback()


def test_the_signed_original_is_typeset_after_the_approval_commits_with_the_write_lock_free(
        api, engine, demo_signing, monkeypatch):
    """Typesetting and signing take half a second or more: the approval's transaction has
    committed by then (others already see the version in force) and nobody's writes wait."""
    seen: list[str] = []
    real = record_service.build_pdf

    def watched(record):
        _another_writer_gets_in_at_once(engine)
        with Session(engine) as other:
            seen.append(other.execute(select(Version.status)).scalar_one())
        return real(record)

    monkeypatch.setattr(record_service, "build_pdf", watched)
    publish_rich(api, steps=3)
    assert seen == ["effective"]
    assert api.get("iso", "/api/v1/documents/QT-01/versions/1").json()["status"] == "effective"
    assert len(_signed_rows(engine)) == 1, "signed before the approval's response"
    assert [event["object"] for event in audit_events(engine, "record.sign")] == ["QT-01/1"]


def test_a_version_coming_into_force_on_its_day_is_signed_by_the_job(api, engine, demo_signing, settings,
                                                                    monkeypatch):
    api.create_procedure("QT-01", "Quy trình kiểm soát tài liệu")
    api.fill("QT-01")
    day = local_today(settings.zone) + timedelta(days=3)
    assert api.edit("QT-01", 1, {"effective_date": day.isoformat()}).status_code == 200
    assert api.publish("QT-01", 1)["status"] == "approved"
    assert _signed_rows(engine) == []
    monkeypatch.setattr(jobs, "local_today", lambda zone: day)
    assert "versions made effective: 1 (QT-01/1)" in [str(o) for o in jobs.run_jobs(engine, settings)]
    assert len(_signed_rows(engine)) == 1
    assert [event["actor"] for event in audit_events(engine, "record.sign")] == ["system"]


def test_a_signing_failure_leaves_the_version_in_force_and_the_first_download_signs_it(
        api, engine, demo_signing, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("the file store is full")

    monkeypatch.setattr(listeners, "make_signed_original", broken)
    publish_rich(api, steps=2)
    assert api.get("iso", "/api/v1/documents/QT-01/versions/1").json()["status"] == "effective"
    assert _signed_rows(engine) == []
    monkeypatch.undo()
    assert api.get("iso", SIGNED).status_code == 200
    assert len(_signed_rows(engine)) == 1


def test_the_demo_ca_keeps_its_key_private_to_issue_the_demo_certificates(tmp_path) -> None:
    certificates.create_demo_certificate(tmp_path, "Sở Nội vụ")
    loaded = certificates.load_demo_ca(tmp_path)
    assert loaded is not None
    ca_cert, ca_key = loaded
    assert ca_cert.public_key().public_numbers() == ca_key.public_key().public_numbers()
    key_file = tmp_path / certificates.DEMO_FOLDER / certificates.DEMO_CA_KEY
    assert key_file.stat().st_mode & 0o077 == 0
    assert certificates.load_demo_ca(tmp_path / "elsewhere") is None
