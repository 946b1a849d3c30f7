"""Records are typeset with no write transaction open: while a PDF or DOCX is being made,
another user's write goes through at once. The download's audit event is still written."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text

from qms.compliance import pack
from qms.records import certificates, reports, service

from .conftest import app_settings, audit_events, publish_rich

URL = "/api/v1/documents/QT-01/versions/1"


def another_writer_can_write(engine: Engine) -> bool:
    """Whether a second connection takes the write lock within a second (and lets it go)."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA busy_timeout=1000")
            try:
                cursor.execute("BEGIN IMMEDIATE")
            except Exception:
                return False
            cursor.execute("ROLLBACK")
            return True
        finally:
            raw.close()
    with engine.connect() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '1s'"))
        try:
            connection.execute(text("SELECT last_id FROM audit_head WHERE id = 1 FOR UPDATE"))
        except Exception:
            return False
        connection.rollback()
        return True


@pytest.fixture
def probe(engine, monkeypatch) -> Callable[[object, str], list[bool]]:
    """Wrap a module's builder so that each build first checks that others can write."""
    def wrap(module: object, name: str) -> list[bool]:
        seen: list[bool] = []
        original = getattr(module, name)

        def build(*args, **kwargs):
            seen.append(another_writer_can_write(engine))
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, build)
        return seen
    return wrap


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_controlled_document_is_typeset_while_others_write(api, engine, probe, fmt):
    publish_rich(api)
    seen = probe(service, f"build_{fmt}")
    response = api.get("nhanvien", f"{URL}/record.{fmt}")
    assert response.status_code == 200, response.text
    assert seen == [True]
    assert [event["format"] for event in audit_events(engine, "record.download")] == [fmt]


def test_a_report_is_typeset_while_others_write(api, engine, probe):
    publish_rich(api)
    seen = probe(reports, "build_pdf")
    response = api.get("iso", "/api/v1/reports/master-list.pdf")
    assert response.status_code == 200, response.text
    assert seen == [True]
    assert [event["format"] for event in audit_events(engine, "report.download")] == ["pdf"]


def test_the_signed_original_is_made_while_others_write(api, engine, probe, app, settings, tmp_path):
    publish_rich(api, steps=2)  # in force before the agency had a certificate: signed on first request
    certificates.create_demo_certificate(tmp_path / "later", "Sở Nội vụ tỉnh Ninh Bình")
    seen = probe(service, "build_pdf")
    with app_settings(app, settings.model_copy(update={"data_dir": tmp_path / "later"})):
        response = api.get("nhanvien", f"{URL}/signed.pdf")
        assert response.status_code == 200, response.text
        assert response.content.startswith(b"%PDF")
        assert api.get("nhanvien", f"{URL}/signed.pdf").content == response.content
    assert seen == [True], "signed once, with others free to write meanwhile"
    assert len(audit_events(engine, "record.sign")) == 1
    assert [event["format"] for event in audit_events(engine, "record.download")] == ["signed.pdf"] * 2


def test_the_audit_pack_is_made_while_others_write(api, engine, probe):
    publish_rich(api)
    seen = probe(pack, "build_pdf")
    response = api.get("danhgia", "/api/v1/reports/audit-pack.zip")
    assert response.status_code == 200, response.text
    assert seen and all(seen)
    assert len(audit_events(engine, "report.audit_pack")) == 1


def test_a_refused_download_writes_nothing(api, engine):
    publish_rich(api)
    response = api.get("nhanvien", f"{URL}/record.pdf?copy=3")
    assert response.status_code == 403
    assert audit_events(engine, "record.download") == []


def test_start_writing_refuses_to_commit_pending_changes_on_their_own(db):
    from qms.accounts.models import Unit
    from qms.core.db import start_writing

    db.add(Unit(code="VP", name="Văn phòng"))
    with pytest.raises(RuntimeError, match="pending"):
        start_writing(db)
    db.rollback()
    assert db.execute(text("SELECT count(*) FROM unit")).scalar_one() == 0


def test_text_too_long_to_typeset_in_seconds_is_refused_when_saved(api, engine):
    api.create_procedure()
    api.fill("QT-01")
    response = api.edit("QT-01", 1, {"sections": {"content": "# a\n" * 5_000 + "- b\n" * 5_000}})
    assert response.status_code == 422
    assert response.json()["field"] == "sections"
    assert "tối đa 9800" in response.json()["detail"]
    assert api.get("iso", "/api/v1/documents/QT-01/versions/1").json()["sections"]["content"] == "Nội dung."


def test_a_record_too_long_to_typeset_in_seconds_is_refused_with_the_reason(api, engine):
    """Seven sections can hold 350,000 one-line headings, minutes of typesetting: text saved
    before the limit existed is refused at once, with the reason, and the refused download leaves
    no audit event."""
    api.create_procedure()
    api.fill("QT-01")
    with engine.begin() as connection:
        connection.execute(text("UPDATE document_version SET content = :text"), {"text": "# a\n" * 10_001})
    response = api.get("iso", f"{URL}/record.pdf")
    assert response.status_code == 422
    assert "tối đa 10000" in response.json()["detail"]
    assert api.get("iso", f"{URL}/record.docx").status_code == 422
    assert audit_events(engine, "record.download") == []


def test_a_version_signed_by_another_request_meanwhile_keeps_that_signed_original(api, engine, settings,
                                                                                  tmp_path):
    """Signing happens outside the write lock, so two downloads of a signed original whose
    file went missing may both sign again: the one that writes second reads the version's
    row again and keeps the other's, instead of deleting the row the other one replaced."""
    from sqlalchemy import select

    from qms.core.db import new_session, start_writing
    from qms.documents.models import Document, Version

    publish_rich(api, steps=2)
    certificates.create_demo_certificate(tmp_path / "later", "Sở Nội vụ tỉnh Ninh Bình")
    later = settings.model_copy(update={"data_dir": tmp_path / "later"})
    agency = certificates.agency_certificate(later)

    def load(session):
        return session.execute(select(Document, Version).join(Version, Version.document_id == Document.id)
                               .where(Document.code == "QT-01")).one()

    with new_session(engine) as session:
        lost = service.sign_version(session, None, later, *load(session), agency)
        session.commit()
    (tmp_path / "later" / "files" / lost.sha256[:2] / lost.sha256[2:4] / lost.sha256).unlink()

    first, second = new_session(engine), new_session(engine)
    try:
        ours = service.make_signed_original(first, later, *load(first), agency)
        theirs = service.sign_version(second, None, later, *load(second), agency)
        second.commit()
        start_writing(first)
        kept = service.keep_signed_original(first, None, later, *load(first), agency, ours)
        first.commit()
    finally:
        first.close()
        second.close()
    assert kept.sha256 == theirs.sha256 != ours.sha256
    assert [event["sha256"] for event in audit_events(engine, "record.sign")] == [lost.sha256, theirs.sha256]
