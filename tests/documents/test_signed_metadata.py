"""The title, kind, owner unit and confidentiality are signed with each revision: they change
only in a draft, each revision keeps and prints its own, and the content hash covers them."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update
from support import login, post_form

from qms.accounts.models import Unit
from qms.audit.details import describe
from qms.audit.models import AuditEvent
from qms.documents.content import (
    CURRENT_SCHEME,
    content_hash,
    frozen_hash_matches,
    frozen_parts,
    steps_of,
)
from qms.documents.models import Document, Version, VersionStep
from qms.library.models import Attachment

DOCS = "/api/v1/documents"
OLD_TITLE = "Quy trình kiểm soát tài liệu"
NEW_TITLE = "Quy trình kiểm soát tài liệu và hồ sơ"
SIGNED_WITH_EACH_REVISION = "được ký cùng từng lần ban hành"


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def in_force(api):
    """QT-01, revision 1 in force."""
    api.create_procedure("QT-01", OLD_TITLE)
    api.fill("QT-01")
    api.publish("QT-01")
    return api


def _version(db, code: str, revision: int) -> Version:
    db.expire_all()
    return db.execute(select(Version).join(Document, Document.id == Version.document_id)
                      .where(Document.code == code, Version.revision == revision)).scalar_one()


def _document(db, code: str = "QT-01") -> Document:
    db.expire_all()
    return db.execute(select(Document).where(Document.code == code)).scalar_one()


def _events(db) -> int:
    return db.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


@pytest.mark.parametrize("body", [
    {"title": NEW_TITLE}, {"kind": "work_instruction"}, {"owner_unit": "CCHC"}, {"confidentiality": "public"},
])
def test_a_signed_detail_cannot_change_without_a_draft(in_force, db, body):
    api = in_force
    before = (_document(db).model_dump(), _version(db, "QT-01", 1).model_dump(), _events(db))
    response = api.patch("iso", f"{DOCS}/QT-01", body)
    assert response.status_code == 409, response.text
    assert SIGNED_WITH_EACH_REVISION in response.json()["detail"]
    assert "mở lần ban hành mới" in response.json()["detail"]
    assert (_document(db).model_dump(), _version(db, "QT-01", 1).model_dump(), _events(db)) == before


def test_a_frozen_revision_keeps_its_details_too(api, db):
    api.create_procedure("QT-01", OLD_TITLE)
    api.fill("QT-01")
    assert api.submit("QT-01", 1).status_code == 200
    response = api.patch("iso", f"{DOCS}/QT-01", {"title": NEW_TITLE})
    assert response.status_code == 409
    assert _version(db, "QT-01", 1).title == _document(db).title == OLD_TITLE
    assert frozen_hash_matches(db, "QT-01", _version(db, "QT-01", 1))


def test_details_that_are_not_signed_change_at_any_time(in_force, db):
    api = in_force
    response = api.patch("iso", f"{DOCS}/QT-01", {"title": OLD_TITLE, "owner_unit": "VP",
                                                  "review_interval_months": 24})
    assert response.status_code == 200, response.text
    assert response.json()["review_interval_months"] == 24
    assert frozen_hash_matches(db, "QT-01", _version(db, "QT-01", 1))
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "document.update")).scalar_one()
    lines = describe(event.details, "vi", object_type="document")
    assert "Chu kỳ rà soát (tháng): 12 → 24" in lines and "Tên tài liệu: " + OLD_TITLE in lines


def test_the_html_form_says_a_new_revision_is_needed_and_changes_nothing(in_force, client, db):
    login(client, "iso")
    page = client.get("/documents/QT-01/edit")
    assert "muốn thay đổi, hãy mở lần ban hành mới trước" in page.text
    before = _events(db)
    response = post_form(client, "/documents/QT-01/edit", {
        "title": NEW_TITLE, "owner_unit": "VP", "confidentiality": "internal",
        "review_interval_months": "12"})
    assert response.status_code == 409
    assert "mở lần ban hành mới" in response.text and 'role="alert"' in response.text
    assert NEW_TITLE in response.text, "what the user typed is kept"
    assert _document(db).title == _version(db, "QT-01", 1).title == OLD_TITLE
    assert _events(db) == before


def test_with_a_draft_open_the_change_belongs_to_the_draft(in_force, db, client):
    api = in_force
    assert api.post("iso", f"{DOCS}/QT-01/versions").status_code == 201
    response = api.patch("iso", f"{DOCS}/QT-01", {"title": NEW_TITLE, "owner_unit": "CCHC"})
    assert response.status_code == 200, response.text

    # The register and the document show the version in force; the draft has the new details.
    assert response.json()["title"] == OLD_TITLE and response.json()["owner_unit"] == "VP"
    draft = api.get("iso", f"{DOCS}/QT-01/versions/2").json()
    assert (draft["title"], draft["owner_unit"]) == (NEW_TITLE, "CCHC")
    current = api.get("nhanvien", f"{DOCS}/QT-01/versions/1").json()
    assert (current["title"], current["owner_unit"], current["kind"], current["confidentiality"]) == (
        OLD_TITLE, "VP", "procedure", "internal")
    listed = api.get("nhanvien", DOCS).json()["items"]
    assert [(i["code"], i["title"], i["owner_unit"]) for i in listed] == [("QT-01", OLD_TITLE, "VP")]
    record = api.get("nhanvien", f"{DOCS}/QT-01/versions/1/record.pdf")
    assert record.status_code == 200
    assert OLD_TITLE.upper() in pdf_text(record.content) and NEW_TITLE.upper() not in pdf_text(record.content)
    login(client, "iso")
    assert NEW_TITLE in client.get("/documents/QT-01/versions/2").text
    page = client.get("/documents/QT-01/versions/1").text
    assert f"<h1>{OLD_TITLE}</h1>" in page
    form = client.get("/documents/QT-01/edit").text
    assert NEW_TITLE in form and "dự thảo lần ban hành 02" in form

    # Once the draft comes into force, everything shows its details; revision 1 keeps its own.
    api.fill("QT-01", 2)
    api.publish("QT-01", 2)
    listed = api.get("nhanvien", DOCS).json()["items"]
    assert [(i["code"], i["title"], i["owner_unit"]) for i in listed] == [("QT-01", NEW_TITLE, "CCHC")]
    assert api.get("nhanvien", f"{DOCS}/QT-01").json()["title"] == NEW_TITLE
    assert NEW_TITLE.upper() in pdf_text(api.get("nhanvien", f"{DOCS}/QT-01/versions/2/record.pdf").content)
    old = api.get("iso", f"{DOCS}/QT-01/versions/1/record.pdf")
    assert old.status_code == 200
    assert OLD_TITLE.upper() in pdf_text(old.content) and NEW_TITLE.upper() not in pdf_text(old.content)
    assert api.get("iso", f"{DOCS}/QT-01/versions/1").json()["title"] == OLD_TITLE
    for revision in (1, 2):
        assert frozen_hash_matches(db, "QT-01", _version(db, "QT-01", revision))


def test_a_draft_only_document_shows_the_drafts_details(api, db):
    api.create_procedure("QT-01", OLD_TITLE)
    response = api.patch("iso", f"{DOCS}/QT-01", {"title": NEW_TITLE, "kind": "work_instruction"})
    assert response.status_code == 200, response.text
    assert (response.json()["title"], response.json()["kind"]) == (NEW_TITLE, "work_instruction")
    assert (_version(db, "QT-01", 1).title, _version(db, "QT-01", 1).kind) == (NEW_TITLE, "work_instruction")
    listed = api.get("iso", DOCS).json()["items"]
    assert [(i["title"], i["kind"]) for i in listed] == [(NEW_TITLE, "work_instruction")]


def test_a_new_revision_starts_with_the_documents_details(in_force, db):
    api = in_force
    assert api.post("iso", f"{DOCS}/QT-01/versions").status_code == 201
    draft = _version(db, "QT-01", 2)
    assert (draft.title, draft.kind, draft.owner_unit_id, draft.confidentiality) == (
        OLD_TITLE, "procedure", _document(db).owner_unit_id, "internal")


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "external"}, "kind"),
    ({"kind": "form"}, "kind"),
    ({"owner_unit": "NOPE"}, "owner_unit"),
    ({"confidentiality": "restricted"}, "allowed_units"),
])
def test_a_wrong_detail_in_the_draft_is_refused_with_its_field(in_force, db, body, field):
    api = in_force
    assert api.post("iso", f"{DOCS}/QT-01/versions").status_code == 201
    response = api.patch("iso", f"{DOCS}/QT-01", body)
    assert response.status_code == 422, response.text
    assert field in response.text
    draft = _version(db, "QT-01", 2)
    assert (draft.kind, draft.confidentiality) == ("procedure", "internal")


def test_restricting_in_a_draft_hides_the_document_at_once(in_force, db):
    api = in_force
    assert api.post("iso", f"{DOCS}/QT-01/versions").status_code == 201
    response = api.patch("iso", f"{DOCS}/QT-01", {"confidentiality": "restricted", "allowed_units": ["VP"]})
    assert response.status_code == 200, response.text
    assert api.get("nhanvien", f"{DOCS}/QT-01").status_code == 404  # of the CCHC
    assert _version(db, "QT-01", 1).confidentiality == "internal", "revision 1 keeps what it signed"


# What a change in the database does to the signed hash.

def _unit_id(db, code: str) -> int:
    return db.execute(select(Unit.id).where(Unit.code == code)).scalar_one()


TAMPERING = {
    "title": lambda db, v: {"title": "Tiêu đề đã sửa"},
    "kind": lambda db, v: {"kind": "work_instruction"},
    "owner unit": lambda db, v: {"owner_unit_id": _unit_id(db, "CCHC")},
    "confidentiality": lambda db, v: {"confidentiality": "public"},
    "section": lambda db, v: {"purpose": "Mục đích khác."},
    "change summary": lambda db, v: {"change_summary": "Khác"},
}


@pytest.mark.parametrize("what", TAMPERING)
def test_a_change_in_the_database_breaks_the_signed_hash(in_force, db, what):
    version = _version(db, "QT-01", 1)
    assert version.hash_scheme == CURRENT_SCHEME and frozen_hash_matches(db, "QT-01", version)
    db.execute(update(Version).where(Version.id == version.id).values(**TAMPERING[what](db, version)))
    db.commit()
    assert not frozen_hash_matches(db, "QT-01", _version(db, "QT-01", 1))


def test_a_changed_step_or_attached_file_in_the_database_breaks_the_signed_hash(in_force, db):
    version = _version(db, "QT-01", 1)
    db.execute(update(VersionStep).where(VersionStep.version_id == version.id).values(task="Khác"))
    db.commit()
    assert not frozen_hash_matches(db, "QT-01", _version(db, "QT-01", 1))
    db.execute(update(VersionStep).where(VersionStep.version_id == version.id).values(task="Soạn thảo"))
    db.commit()
    assert frozen_hash_matches(db, "QT-01", _version(db, "QT-01", 1))
    db.add(Attachment(version_id=version.id, name="them.pdf", sha256="0" * 64, size=1,
                      media_type="application/pdf", uploaded_by_id=version.drafter_id))
    db.commit()
    assert not frozen_hash_matches(db, "QT-01", _version(db, "QT-01", 1))


@pytest.mark.parametrize("scheme", [1, 2])
def test_a_version_frozen_under_an_earlier_scheme_still_verifies(in_force, db, scheme):
    """As migration 0008 leaves a version frozen before: its old hash and the scheme it was made with."""
    version = _version(db, "QT-01", 1)
    parts = frozen_parts(db, version.id) if scheme == 2 else None
    version.content_hash = content_hash("QT-01", version, steps_of(db, version.id), parts, scheme=scheme)
    version.hash_scheme = scheme
    db.commit()
    assert frozen_hash_matches(db, "QT-01", _version(db, "QT-01", 1))
    # the other scheme's formula is not tried: a scheme-1 hash does not pass as scheme 2
    db.execute(update(Version).where(Version.id == version.id).values(hash_scheme=3 - scheme))
    db.commit()
    assert not frozen_hash_matches(db, "QT-01", _version(db, "QT-01", 1))
    db.execute(update(Version).where(Version.id == version.id).values(hash_scheme=scheme, purpose="Khác."))
    db.commit()
    assert not frozen_hash_matches(db, "QT-01", _version(db, "QT-01", 1))


def test_a_never_frozen_version_does_not_match(api, db):
    api.create_procedure("QT-01", OLD_TITLE)
    assert not frozen_hash_matches(db, "QT-01", _version(db, "QT-01", 1))


def test_the_differences_show_the_signed_details_that_changed(in_force, client):
    api = in_force
    assert api.post("iso", f"{DOCS}/QT-01/versions").status_code == 201
    assert api.patch("iso", f"{DOCS}/QT-01", {"title": NEW_TITLE, "owner_unit": "CCHC"}).status_code == 200
    diff = api.get("iso", f"{DOCS}/QT-01/versions/2/diff", params={"against": 1}).json()
    assert diff["changed"] is True
    assert diff["details"] == [{"field": "title", "old": OLD_TITLE, "new": NEW_TITLE},
                               {"field": "owner_unit", "old": "VP", "new": "CCHC"}]
    login(client, "iso")
    page = client.get("/documents/QT-01/versions/2/diff?against=1").text
    assert "Thông tin được ký cùng lần ban hành" in page
    assert f"<del>{OLD_TITLE}</del> <ins>{NEW_TITLE}</ins>" in page
