"""The procedure library source format and its importer."""

from __future__ import annotations

import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import samples
from sqlalchemy import func, select

from qms.audit.service import verify_chain
from qms.core.paths import PROCEDURES_DIR
from qms.documents.content import content_hash, frozen_parts, signed_metadata, steps_of
from qms.documents.external import citing_documents
from qms.documents.models import Document, ExternalDetails, RevisionHistory, Signature, Version
from qms.documents.placement import split_at_steps, without_marker
from qms.files.storage import LocalFileStore, file_store
from qms.intake.procedures import import_directory
from qms.intake.source import SourceError, parse_source
from qms.library.models import Attachment
from qms.record_keeping.models import RecordEntry
from qms.seeding import seed_demo

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

GOOD = """+++
code = "QT-90"
title = "Quy trình thử nghiệm"
kind = "procedure"
unit = "VP"
confidentiality = "internal"
review_interval_months = 6

[[revisions]]
revision = 1
effective_date = 2024-01-02
change_summary = "Ban hành lần đầu"
drafted_by = "soanthao"
reviewed_by = ["xemxet"]
approved_by = "giamdoc"
+++

## 1. Mục đích

Thử nghiệm.

## 5. Nội dung quy trình

Đoạn mở đầu.

### 5.3. Các bước thực hiện

| Bước | Trách nhiệm | Nội dung công việc | Thời gian | Biểu mẫu, kết quả |
|---|---|---|---|---|
| B1 | Văn phòng | Tiếp nhận | 1 ngày | BM-01 |
| B2 | Lãnh đạo | Phê duyệt | 1 ngày | Quyết định |

Đoạn kết.
"""


def with_external(table: str, kind: str = "external") -> str:
    """GOOD as a document of ``kind`` with the lines of an ``[external]`` table (none if empty)."""
    lines = f"\n[external]\n{table}\n" if table else "\n"
    source = GOOD.replace('kind = "procedure"', f'kind = "{kind}"')
    return source.replace("\n[[revisions]]", lines + "[[revisions]]", 1)


def _counts(db) -> tuple[int, int, int]:
    return (db.execute(select(func.count()).select_from(Document)).scalar_one(),
            db.execute(select(func.count()).select_from(Version)).scalar_one(),
            db.execute(select(func.count()).select_from(Signature)).scalar_one())


@pytest.fixture
def store(settings) -> LocalFileStore:
    return file_store(settings)


@pytest.fixture
def demo(db, store):
    """The demo agency and its whole procedure library, as `qms seed --demo` loads it."""
    report = seed_demo(db, ZONE, store)
    db.commit()
    return report


def test_source_sections_and_steps_table():
    source = parse_source(GOOD)
    assert source.code == "QT-90" and source.review_interval_months == 6
    assert source.sections["purpose"] == "Thử nghiệm."
    assert "Đoạn mở đầu." in source.sections["content"] and "Đoạn kết." in source.sections["content"]
    assert "| B1 |" not in source.sections["content"], "the steps table leaves the text"
    assert [s.task for s in source.steps] == ["Tiếp nhận", "Phê duyệt"]


def test_the_steps_table_keeps_its_place_when_text_follows_it():
    before, heading, after = split_at_steps(parse_source(GOOD).sections["content"])
    assert (before, heading, after) == ("Đoạn mở đầu.", "5.3. Các bước thực hiện", "Đoạn kết.")
    ending_with_table = parse_source(GOOD.replace("\nĐoạn kết.\n", "\n")).sections["content"]
    assert ending_with_table == "Đoạn mở đầu.", "a table at the end needs no marker"


def test_a_library_imported_before_markers_is_unchanged_on_import(demo, db, store):
    """Installations whose library was imported when the table's place was not kept see the
    same revision as unchanged, not as a conflicting one."""
    document = db.execute(select(Document).where(Document.code == "QT-06")).scalar_one()
    version = db.get(Version, document.effective_version_id)
    assert split_at_steps(version.content)[1] is not None
    version.content = without_marker(version.content).strip()
    version.content_hash = content_hash(document.code, version, steps_of(db, version.id), None, scheme=1)
    version.hash_scheme = 1  # as migration 0008 records a hash made before files were signed
    db.commit()
    again = import_directory(db, PROCEDURES_DIR, ZONE, store)
    assert {r.action for r in again} == {"unchanged"}, [str(r) for r in again]


@pytest.mark.parametrize(("broken", "line", "reason"), [
    (GOOD.replace("+++\n\n## 1.", "\n## 1.", 1), 1, "not closed"),
    (GOOD.replace('kind = "procedure"', 'kind = "recipe"'), 4, "unknown kind"),
    (GOOD.replace('title = "Quy trình thử nghiệm"', 'title = "Quy trình'), 3, "not valid TOML"),
    (GOOD.replace("## 1. Mục đích", "## 1. Mục tiêu riêng"), 18, "unknown section heading"),
    (GOOD.replace("| B2 | Lãnh đạo | Phê duyệt | 1 ngày | Quyết định |", "| B2 | Lãnh đạo | Phê duyệt |"),
     31, "needs 5 cells"),
    (GOOD.replace('reviewed_by = ["xemxet"]', 'reviewed_by = ["soanthao"]'), 13, "cannot review"),
    (with_external(""), 1, "needs an [external] table"),
    (with_external('number = "30/2020/NĐ-CP"', kind="procedure"), 9, "only a document of kind 'external'"),
    (with_external('number = "30/2020/NĐ-CP"\nstatus = "repealed"'), 11, "external.status"),
    (with_external('issuer = "Chính phủ"'), 9, "needs the document's number"),
])
def test_malformed_source_names_its_line(broken, line, reason):
    with pytest.raises(SourceError) as error:
        parse_source(broken)
    assert error.value.line == line
    assert reason in error.value.message


def test_the_demo_fills_the_records_registers_its_procedures_state_fully(demo, db, store):
    assert demo.registers_filled == ["QT-02", "QT-03", "QT-04", "QT-05"]
    assert "QT-01" not in demo.registers_filled, "a period it cannot read waits for the quality officer"
    count = db.execute(select(func.count()).select_from(RecordEntry)).scalar_one()
    assert count >= 4 and seed_demo(db, ZONE, store).registers_filled == []


def test_demo_library_imports_as_effective_documents_with_signatures(demo, db):
    assert not [r for r in demo.documents if r.action == "error"], [str(r) for r in demo.documents]
    files = [p for p in PROCEDURES_DIR.glob("*.md") if p.name != "README.md"]
    assert len(files) >= 9 and len(demo.documents) == len(files)
    documents = db.execute(select(Document)).scalars().all()
    assert len(documents) == len(files)
    for document in documents:
        version = db.get(Version, document.effective_version_id)
        assert version is not None and version.status == "effective"
        meanings = db.execute(
            select(Signature.meaning).where(Signature.version_id == version.id)).scalars().all()
        assert {"drafted", "approved"} <= set(meanings)
        history = db.execute(select(RevisionHistory.revision).where(
            RevisionHistory.document_id == document.id).order_by(RevisionHistory.revision)).scalars().all()
        assert history == list(range(1, version.revision + 1))
    forms = {d.effective_version_id: d.code for d in documents if d.kind == "form"}
    files = dict(db.execute(select(Attachment.version_id, Attachment.name)
                            .where(Attachment.version_id.in_(forms))).all())
    assert files == {version_id: f"{code}.docx" for version_id, code in forms.items()}, \
        "every demo form has the file people fill in"
    qt06 = next(d for d in documents if d.code == "QT-06")
    assert qt06.confidentiality == "public"
    assert verify_chain(db).ok


def test_the_demo_library_holds_the_external_documents_its_procedures_cite(demo, db):
    decree = db.execute(select(Document).where(Document.code == "TLBN-06")).scalar_one()
    details = db.get(ExternalDetails, decree.id)
    assert (details.number, details.issuer, details.status) == ("30/2020/NĐ-CP", "Chính phủ", "in_force")
    citing = {document.code for document, _version in citing_documents(db, decree, details)}
    assert {"QT-01", "QT-02", "MT-01"} <= citing
    assert not db.execute(select(Document.code).where(Document.needs_review)).all()


def test_import_is_idempotent_and_adds_new_revisions(demo, db, store, tmp_path: Path):
    before = _counts(db)
    again = import_directory(db, PROCEDURES_DIR, ZONE, store)
    db.commit()
    assert {r.action for r in again} == {"unchanged"}
    assert _counts(db) == before

    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy(PROCEDURES_DIR / "QT-02.md", folder / "QT-02.md")
    text = (folder / "QT-02.md").read_text(encoding="utf-8")
    last = parse_source(text).current.revision
    entry = (f'\n[[revisions]]\nrevision = {last + 1}\neffective_date = 2026-11-01\n'
             'change_summary = "Bổ sung lưu trữ điện tử"\ndrafted_by = "iso"\n'
             'reviewed_by = ["xemxet"]\napproved_by = "giamdoc"\n+++\n')
    head, body = text.split("\n+++\n", 1)
    (folder / "QT-02.md").write_text(head + "\n" + entry + body, encoding="utf-8")
    reports = import_directory(db, folder, ZONE, store)
    db.commit()
    assert [r.action for r in reports] == ["revised"]
    statuses = dict(db.execute(
        select(Version.revision, Version.status).join(Document, Document.id == Version.document_id)
        .where(Document.code == "QT-02")).all())
    assert statuses[last + 1] == "effective" and statuses[last] == "superseded"


def test_a_bad_file_is_reported_and_leaves_nothing(demo, db, store, tmp_path: Path):
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "QT-90.md").write_text(GOOD, encoding="utf-8")
    (folder / "QT-91.md").write_text(GOOD.replace("QT-90", "QT-91").replace('unit = "VP"', 'unit = "NOPE"'),
                                     encoding="utf-8")
    (folder / "QT-92.md").write_bytes("+++\ncode = 'QT-92'\n".encode("utf-16"))
    before = _counts(db)
    reports = {r.file: r for r in import_directory(db, folder, ZONE, store)}
    db.commit()
    assert reports["QT-90.md"].action == "created"
    assert reports["QT-91.md"].action == "error" and "unknown unit 'NOPE'" in reports["QT-91.md"].message
    assert "line 5" in reports["QT-91.md"].message
    assert reports["QT-92.md"].action == "error"
    assert db.execute(select(Document).where(Document.code == "QT-91")).first() is None
    documents, versions, _signatures = _counts(db)
    assert (documents, versions) == (before[0] + 1, before[1] + 1)


def _library_with_files(tmp_path: Path, files: dict[str, bytes], names: str) -> Path:
    folder = tmp_path / "library"
    (folder / "files").mkdir(parents=True)
    for name, data in files.items():
        (folder / "files" / name).write_bytes(data)
    source = GOOD.replace("review_interval_months = 6", f"review_interval_months = 6\nfiles = [{names}]")
    (folder / "QT-90.md").write_text(source, encoding="utf-8")
    return folder


def test_the_files_a_source_names_are_attached_and_signed_with_the_revision(demo, db, store, tmp_path: Path):
    form = samples.docx("Phiếu đề nghị")
    folder = _library_with_files(tmp_path, {"BM-QT90-01.docx": form}, '"BM-QT90-01.docx"')
    reports = import_directory(db, folder, ZONE, store)
    db.commit()
    assert [r.action for r in reports] == ["created"], [str(r) for r in reports]
    version = db.execute(select(Version).join(Document, Document.id == Version.document_id)
                         .where(Document.code == "QT-90")).scalar_one()
    attachment = db.execute(select(Attachment).where(Attachment.version_id == version.id)).scalar_one()
    assert (attachment.name, attachment.size) == ("BM-QT90-01.docx", len(form))
    assert store.get(attachment.sha256) == form
    assert frozen_parts(db, version.id)["attachments"] == [{"name": "BM-QT90-01.docx",
                                                             "sha256": attachment.sha256}]
    assert version.content_hash == content_hash("QT-90", version, steps_of(db, version.id),
                                                frozen_parts(db, version.id), signed_metadata(db, version))
    assert {r.action for r in import_directory(db, folder, ZONE, store)} == {"unchanged"}


@pytest.mark.parametrize(("files", "names", "reason"), [
    ({}, '"BM-QT90-01.docx"', "is not in files/"),
    ({"BM-QT90-01.docx": b"plain text, not Word"}, '"BM-QT90-01.docx"', "file 'BM-QT90-01.docx': "),
    ({"BM-QT90-01.docm": samples.docm()}, '"BM-QT90-01.docm"', "file 'BM-QT90-01.docm': "),
    ({}, '"../QT-90.md"', "not a plain file name"),
])
def test_a_missing_or_refused_file_is_reported_and_nothing_is_imported(demo, db, store, tmp_path: Path,
                                                                       files, names, reason):
    folder = _library_with_files(tmp_path, files, names)
    attachments = db.execute(select(func.count()).select_from(Attachment)).scalar_one()
    [report] = import_directory(db, folder, ZONE, store)
    db.commit()
    assert report.action == "error" and reason in report.message and "line 8" in report.message
    assert db.execute(select(Document).where(Document.code == "QT-90")).first() is None
    assert db.execute(select(func.count()).select_from(Attachment)).scalar_one() == attachments


def test_a_new_title_in_a_source_needs_a_new_revision(demo, db, store, tmp_path: Path):
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "QT-90.md").write_text(GOOD, encoding="utf-8")
    assert [r.action for r in import_directory(db, folder, ZONE, store)] == ["created"]
    db.commit()

    renamed = GOOD.replace('title = "Quy trình thử nghiệm"', 'title = "Quy trình thử nghiệm mới"')
    (folder / "QT-90.md").write_text(renamed, encoding="utf-8")
    (report,) = import_directory(db, folder, ZONE, store)
    db.commit()
    assert report.action == "error" and "signed with another title" in report.message
    assert "line 3" in report.message
    document = db.execute(select(Document).where(Document.code == "QT-90")).scalar_one()
    assert document.title == "Quy trình thử nghiệm"

    entry = ('\n[[revisions]]\nrevision = 2\neffective_date = 2024-06-03\nchange_summary = "Đổi tên"\n'
             'drafted_by = "soanthao"\nreviewed_by = ["xemxet"]\napproved_by = "giamdoc"\n+++\n')
    head, body = renamed.split("\n+++\n", 1)
    (folder / "QT-90.md").write_text(head + "\n" + entry + body, encoding="utf-8")
    assert [r.action for r in import_directory(db, folder, ZONE, store)] == ["revised"]
    db.commit()
    db.expire_all()
    titles = {revision: title for revision, title in db.execute(
        select(Version.revision, Version.title).where(Version.document_id == document.id))}
    assert titles == {1: "Quy trình thử nghiệm", 2: "Quy trình thử nghiệm mới"}
    assert db.get(Document, document.id).title == "Quy trình thử nghiệm mới"
