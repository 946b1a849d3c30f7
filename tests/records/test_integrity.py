"""Integrity is checked, not assumed: a signed version edited in the database or in the file
store behind the application's back, and an audit trail cut at its end with its head rewound,
are reported by GET /api/v1/audit/verify, `qms verify-audit`, the version page, the compliance
report and the /audit page, and the altered text is not issued as a signed record."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import samples
from sqlalchemy import select, text
from support import login

from qms.core.db import transaction
from qms.documents.content import current_hash
from qms.documents.models import Document, Version
from qms.files.storage import file_store

VERSION = "/documents/QT-01/versions/1"
VERIFY = "/api/v1/audit/verify"


def raw(engine, sql: str, **params: object) -> None:
    with engine.begin() as connection:
        connection.execute(text(sql), params)


def overwrite_stored(settings, sha256: str, data: bytes) -> None:
    """Change a stored file in place, as someone with the data folder could."""
    path = settings.data_dir / "files" / sha256[:2] / sha256[2:4] / sha256
    path.chmod(0o640)
    path.write_bytes(data)


@pytest.fixture
def issued(api, settings):
    """QT-01 revision 1 in force, with a form attached, signed by drafter, reviewer and approver."""
    api.create_procedure()
    api.fill("QT-01")
    form = samples.docx("Mẫu BM-01: Phiếu đề nghị")
    response = api.post("iso", "/api/v1/documents/QT-01/versions/1/attachments",
                        files={"file": ("BM-01.docx", form, samples.DOCX_TYPE)})
    assert response.status_code == 201, response.text
    api.publish("QT-01")
    return hashlib.sha256(form).hexdigest()


def tamper_text(engine, settings, sha256):
    raw(engine, "UPDATE document_version SET content = 'Nội dung đã bị sửa ngoài ứng dụng.'")


def tamper_step(engine, settings, sha256):
    raw(engine, "UPDATE version_step SET duration = '20 ngày'")


def tamper_attachment_record(engine, settings, sha256):
    other = file_store(settings).put(samples.docx("Mẫu khác"))
    raw(engine, "UPDATE attachment SET sha256 = :other", other=other)


def tamper_attachment_bytes(engine, settings, sha256):
    overwrite_stored(settings, sha256, samples.docx("Mẫu BM-01 đã bị thay"))


def tamper_signature(engine, settings, sha256):
    raw(engine, "UPDATE signature SET content_hash = :h WHERE meaning = 'approved'", h="ab" * 32)


TAMPERING = {
    "text": (tamper_text, "its content is no longer what was signed"),
    "step": (tamper_step, "its content is no longer what was signed"),
    "attachment's SHA-256": (tamper_attachment_record, "its content is no longer what was signed"),
    "attachment's bytes": (tamper_attachment_bytes, "the attached file BM-01.docx was altered in the store"),
    "a signature's hash": (tamper_signature, "(approved) is over other content"),
}


@pytest.fixture
def english(client):
    """The API and pages in English, to compare messages as written."""
    client.headers["Accept-Language"] = "en"
    client.cookies.set("qms_lang", "en")
    return client


@pytest.fixture
def cli_env(settings) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("QMS_")}
    env.update({"QMS_DATABASE_URL": settings.effective_database_url, "QMS_DATA_DIR": str(settings.data_dir),
                "QMS_SECRET_KEY": "test-secret", "QMS_DEFAULT_LANGUAGE": "en"})
    return env


def verify_audit(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    qms = Path(sys.executable).with_name("qms")
    return subprocess.run([str(qms), "verify-audit"], env=env, capture_output=True, text=True, timeout=120)


def test_an_untouched_library_verifies_everywhere(api, client, issued, cli_env):
    body = api.get("danhgia", VERIFY).json()
    assert body["ok"] is True and body["bad_versions"] == [] and body["versions_checked"] == 1
    result = verify_audit(cli_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "versions checked: 1, all match their signatures" in result.stdout
    login(client, "danhgia")
    assert "integrity-alert" not in client.get(VERSION).text


@pytest.mark.parametrize("what", sorted(TAMPERING))
def test_a_signed_version_changed_behind_the_applications_back_is_reported_everywhere(
        api, english, engine, settings, issued, cli_env, what):
    client = english
    tamper, problem = TAMPERING[what]
    tamper(engine, settings, issued)

    body = api.get("danhgia", VERIFY).json()
    assert (body["ok"], body["bad_versions"], body["first_bad_event"]) == (False, ["QT-01/01"], None)
    assert any(problem in line for line in body["version_problems"][0]["problems"])

    result = verify_audit(cli_env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "audit chain intact" in result.stdout
    assert "QT-01/01:" in result.stdout and problem in result.stdout

    login(client, "danhgia")
    page = client.get(VERSION)
    assert "integrity-alert" in page.text and problem in page.text.replace("&#39;", "'")
    assert "This revision no longer matches its signatures." in page.text

    compliance = api.get("danhgia", "/api/v1/reports/compliance").json()
    assert [finding["object"] for clause in compliance for finding in clause["findings"]
                            if "no longer matches its signatures" in finding["message"]] == ["QT-01/01"]


def test_the_version_page_warns_in_vietnamese_by_default(api, client, engine, settings, issued):
    tamper_text(engine, settings, issued)
    login(client, "iso")
    page = client.get(VERSION)
    assert "flash--error integrity-alert" in page.text
    assert "Lần ban hành này không còn khớp với các chữ ký" in page.text


def test_a_tampered_version_is_not_issued_as_a_record(api, engine, settings, issued):
    tamper_text(engine, settings, issued)
    for fmt in ("pdf", "docx"):
        response = api.get("iso", f"/api/v1/documents/QT-01/versions/1/record.{fmt}")
        assert response.status_code == 409
        assert "chữ ký" in response.json()["detail"]


def test_the_signed_original_is_checked_in_the_store(api, app, engine, demo_signing, english):
    """The intact original is what was signed and is still served when the database text
    changed; its bytes altered in the store are reported and never served."""
    api.create_procedure("QT-02")
    api.fill("QT-02")
    api.publish("QT-02")
    signed = "/api/v1/documents/QT-02/versions/1/signed.pdf"
    original = api.get("iso", signed)
    assert original.status_code == 200
    raw(engine, "UPDATE document_version SET content = 'Sửa ngoài ứng dụng' WHERE id = "
                "(SELECT effective_version_id FROM document WHERE code = 'QT-02')")
    assert api.get("iso", signed).content == original.content
    assert api.get("danhgia", VERIFY).json()["bad_versions"] == ["QT-02/01"]

    with engine.connect() as connection:
        row = connection.execute(text("SELECT sha256 FROM signed_record")).one()
    raw(engine, "UPDATE document_version SET content = 'Nội dung.' WHERE id = "
                "(SELECT effective_version_id FROM document WHERE code = 'QT-02')")
    assert api.get("danhgia", VERIFY).json()["ok"] is True
    overwrite_stored(app.state.settings, row.sha256, original.content.replace(b"%%EOF", b"%%EOX"))
    body = api.get("danhgia", VERIFY).json()
    assert body["bad_versions"] == ["QT-02/01"]
    assert "its signed PDF was altered in the store" in body["version_problems"][0]["problems"][0]
    assert api.get("iso", signed).status_code == 409


@pytest.mark.parametrize("table", ["document_version", "document"])
def test_a_title_changed_in_the_database_is_reported(api, client, engine, settings, issued, table):
    raw(engine, f"UPDATE {table} SET title = 'Quy trình đã bị đổi tên'")
    body = api.get("danhgia", VERIFY).json()
    assert body["bad_versions"] == ["QT-01/01"]
    login(client, "danhgia")
    assert "integrity-alert" in client.get(VERSION).text


def test_text_hash_and_signatures_rewritten_together_still_disagree_with_the_trail(api, english, engine,
                                                                                   issued):
    """A consistent forgery of the database alone: new text, the hash recomputed for it, and
    every signature made to carry that hash. Only the keyed trail still knows the signed hash."""
    raw(engine, "UPDATE document_version SET content = 'Nội dung đã bị sửa ngoài ứng dụng.'")
    with transaction(engine) as session:
        document = session.execute(select(Document).where(Document.code == "QT-01")).scalar_one()
        version = session.get(Version, document.effective_version_id)
        version.content_hash = current_hash(session, document.code, version)
        forged = version.content_hash
    raw(engine, "UPDATE signature SET content_hash = :h", h=forged)
    body = api.get("danhgia", VERIFY).json()
    assert body["bad_versions"] == ["QT-01/01"]
    assert "the audit trail recorded" in body["version_problems"][0]["problems"][0]


def test_the_trail_cut_at_its_end_with_its_head_rewound_is_reported(api, english, engine, issued, cli_env):
    client = english
    api.as_("danhgia")  # signed in before the cut: signing in is an event too
    with engine.connect() as connection:
        last = connection.execute(text("SELECT last_id FROM audit_head")).scalar_one()
    raw(engine, "DELETE FROM audit_event WHERE id > :n", n=last - 3)
    raw(engine, "UPDATE audit_head SET last_id = :n, "
                "last_hash = (SELECT hash FROM audit_event WHERE id = :n)", n=last - 3)

    body = api.get("danhgia", VERIFY).json()
    assert body["ok"] is False and body["first_bad_event"] == last - 2
    assert "removed from the end" in body["chain_problem"]

    result = verify_audit(cli_env)
    assert result.returncode == 1
    assert f"first bad event {last - 2}" in result.stdout and "removed from the end" in result.stdout

    login(client, "danhgia")  # new events after the cut do not hide it: the journal names other hashes
    chain = client.get("/audit/chain", headers={"HX-Request": "true"})
    assert "Chain broken at event" in chain.text and "journal" in chain.text


def test_the_audit_page_names_the_versions_that_no_longer_verify(english, engine, settings, issued):
    client = english
    tamper_text(engine, settings, issued)
    login(client, "danhgia")
    chain = client.get("/audit/chain", headers={"HX-Request": "true"})
    assert "1 revision no longer matches its signatures" in chain.text
    assert 'href="/documents/QT-01/versions/1">QT-01/01</a>' in chain.text


def test_the_audit_pack_carries_the_integrity_report(api, engine, settings, issued):
    import io
    import json
    import zipfile

    tamper_step(engine, settings, issued)
    pack = api.get("danhgia", "/api/v1/reports/audit-pack.zip")
    assert pack.status_code == 200
    with zipfile.ZipFile(io.BytesIO(pack.content)) as archive:
        report = json.loads(archive.read("audit-trail-verification.json"))
    assert report["ok"] is False and report["bad_versions"] == ["QT-01/01"]


def test_a_signed_record_pointed_at_other_stored_bytes_is_reported(api, engine, demo_signing, english):
    """Both files are intact and signed by the agency, but the trail says which one was signed
    for which revision."""
    for code in ("QT-02", "QT-03"):
        api.create_procedure(code)
        api.fill(code)
        api.publish(code)
    assert api.get("danhgia", VERIFY).json()["ok"] is True
    raw(engine, "UPDATE signed_record SET sha256 = (SELECT r.sha256 FROM signed_record r "
                "JOIN document d ON d.effective_version_id = r.version_id WHERE d.code = 'QT-03') "
                "WHERE version_id = (SELECT effective_version_id FROM document WHERE code = 'QT-02')")
    body = api.get("danhgia", VERIFY).json()
    assert body["bad_versions"] == ["QT-02/01"]
    problems = body["version_problems"][0]["problems"]
    assert problems == ["its signed PDF is not the one the audit trail records"]
