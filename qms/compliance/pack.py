"""The audit evidence pack: every list and report an ISO auditor asks for, the whole audit trail
with its hash columns and a script that re-checks it, the signed original of every document in
force, the versions no longer in force and the files attached to them, in one zip with a
manifest of SHA-256 sums."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.audit import service as audit
from qms.compliance import pack_registers as registers
from qms.compliance.checks import compliance_report
from qms.compliance.pack_trail import trail_files
from qms.compliance.policy import can_download_pack
from qms.core.clock import local_today
from qms.core.config import Settings
from qms.core.db import start_writing
from qms.distribution.models import Distribution
from qms.documents.choices import Status
from qms.documents.integrity import verify_integrity, version_problems
from qms.documents.models import Document, Version
from qms.files.storage import FileStore, get_storage
from qms.library.models import Attachment
from qms.records import certificates
from qms.records.document_record import Variant, load_agency
from qms.records.pdf_builder import build_pdf
from qms.records.report_data import Report
from qms.records.reports import build_report, distribution_report, report_csv, report_layout
from qms.records.service import (
    SignedOriginal,
    keep_signed_original,
    make_signed_original,
    render_version,
    signed_record_of,
)

REPORTS = ("master-list", "external-documents", "records-list", "acknowledgements", "audit-trail")


class _Pack:
    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.zip = zipfile.ZipFile(self.buffer, "w", compression=zipfile.ZIP_DEFLATED)
        self.sums: list[tuple[str, str]] = []

    def add(self, name: str, data: bytes) -> None:
        self.zip.writestr(name, data)
        self.sums.append((hashlib.sha256(data).hexdigest(), name))

    def close(self) -> bytes:
        manifest = "".join(f"{digest}  {name}\n" for digest, name in self.sums)
        self.zip.writestr("SHA256SUMS", manifest)
        self.zip.close()
        return self.buffer.getvalue()


def _report_files(
    pack: _Pack, report: Report, agency: list[str], author: str, today: date, folder: str
) -> None:
    record = report_layout(report, agency, author, today)
    pack.add(f"{folder}/{report.slug}.pdf", build_pdf(record).data)
    pack.add(f"{folder}/{report.slug}.csv", report_csv(report))


def build_audit_pack(session: Session, actor: Principal, settings: Settings) -> tuple[bytes, dict[str, int]]:
    """The zip and what went into it; one audit event records the download. The pack is made
    with no write transaction open (it takes seconds); the events are written at the end."""
    can_download_pack.require(actor)
    today = local_today(settings.zone)
    agency = load_agency(session).header_lines()
    pack = _Pack()
    since = audit.first_event_at(session)  # the whole trail, not this month's
    for name in REPORTS:
        report = build_report(session, actor, settings, name, since=since)
        _report_files(pack, report, agency, actor.full_name, today, "reports")
    for report in (registers.change_requests(session, settings.zone, today),
                   registers.periodic_reviews(session, today),
                   registers.recalls(session, settings.zone, today)):
        _report_files(pack, report, agency, actor.full_name, today, "reports")
    trail, events = trail_files(session)
    for name, data in trail.items():
        pack.add(name, data)

    effective = session.execute(
        select(Document, Version)
        .join(Version, col(Version.id) == Document.effective_version_id)
        .order_by(Document.code)
    ).all()
    distributed = set(session.execute(select(col(Distribution.version_id)).distinct()).scalars())
    for document, version in effective:
        if version.id in distributed:
            report = distribution_report(
                session, actor, document.code, version.revision, settings.zone, today
            )
            record = report_layout(report, agency, actor.full_name, today)
            pack.add(
                f"distribution-records/{document.code}_lan-{version.revision:02d}.pdf", build_pdf(record).data
            )

    storage = get_storage(settings)
    agency_certificate = certificates.agency_certificate(settings)
    signed = unsigned = 0
    newly_signed: list[tuple[Document, Version, SignedOriginal]] = []
    for document, version in effective:
        row = signed_record_of(session, version)
        if ((row is None or not storage.exists(row.sha256)) and agency_certificate is not None
                and not version_problems(session, storage, document, version, skip=("signed_record",))):
            original = make_signed_original(session, settings, document, version, agency_certificate)
            newly_signed.append((document, version, original))
            digest = original.sha256
        elif row is None or not storage.exists(row.sha256):
            unsigned += 1
            continue
        else:
            digest = row.sha256
        pack.add(f"signed/{document.code}_lan-{version.revision:02d}.pdf", storage.get(digest))
        signed += 1
    ended = _ended_versions(pack, session, settings, storage, today)
    form_files = _form_files(pack, session, storage)

    integrity = verify_integrity(session, storage)
    pack.add("audit-trail-verification.json",
             json.dumps(integrity.as_json(), ensure_ascii=False, indent=2).encode())
    findings = compliance_report(session, actor, today, settings.zone, storage)
    pack.add(
        "compliance.json",
        json.dumps(
            [
                {"clause": c.clause, "title": c.title, "findings": [f.__dict__ for f in c.findings]}
                for c in findings
            ],
            ensure_ascii=False,
            indent=2,
        ).encode(),
    )
    summary = {"documents": len(effective), "signed": signed, "unsigned": unsigned, "ended_versions": ended,
               "form_files": form_files, "events": events, "files": len(pack.sums)}
    pack.add("README.txt", _readme(summary, integrity.ok, today).encode())
    data = pack.close()
    # everything above only read: the write transaction begins here, for the events alone
    start_writing(session)
    if agency_certificate is not None:
        for document, version, original in newly_signed:
            keep_signed_original(session, actor, settings, document, version, agency_certificate, original)
    audit.record(
        session,
        actor=actor,
        action="report.audit_pack",
        object_type="report",
        object_id="audit-pack",
        details={**summary, "sha256": hashlib.sha256(data).hexdigest()},
    )
    return data, summary


ENDED_FOLDERS = {"superseded": "superseded", "obsolete": "obsolete"}


def _ended_versions(pack: _Pack, session: Session, settings: Settings, storage: FileStore,
                    today: date) -> int:
    """Each superseded or withdrawn version: its signed original when there is one, else a print
    of it (which carries the "no longer in force" mark)."""
    rows = session.execute(
        select(Document, Version).join(Version, col(Version.document_id) == Document.id)
        .where(col(Version.status).in_(tuple(ENDED_FOLDERS)))
        .order_by(col(Document.code), col(Version.revision))).all()
    for document, version in rows:
        row = signed_record_of(session, version)
        if row is not None and storage.exists(row.sha256):
            data = storage.get(row.sha256)
        else:
            data = render_version(session, document, version, settings, "pdf", Variant(printed_on=today))
        pack.add(f"{ENDED_FOLDERS[version.status]}/{document.code}_lan-{version.revision:02d}.pdf", data)
    return len(rows)


def _form_files(pack: _Pack, session: Session, storage: FileStore) -> int:
    """The files attached to each issued version (the fillable forms, the annexes), as uploaded."""
    rows = session.execute(
        select(col(Document.code), col(Version.revision), col(Attachment.name), col(Attachment.sha256))
        .join(Version, col(Version.id) == Attachment.version_id)
        .join(Document, col(Document.id) == Version.document_id)
        .where(col(Version.status).in_((Status.EFFECTIVE, *ENDED_FOLDERS)))
        .order_by(col(Document.code), col(Version.revision), col(Attachment.name))).all()
    count = 0
    for code, revision, name, digest in rows:
        if storage.exists(digest):
            pack.add(f"form-files/{code}_lan-{revision:02d}/{name}", storage.get(digest))
            count += 1
    return count


def _readme(summary: dict[str, int], chain_ok: bool, today: date) -> str:
    return (
        f"Gói hồ sơ đánh giá, lập ngày {today.strftime('%d/%m/%Y')}.\n\n"
        "reports/               Danh mục tài liệu nội bộ, tài liệu bên ngoài, danh mục hồ sơ,\n"
        "                       báo cáo xác nhận đã đọc, toàn bộ nhật ký hệ thống, sổ theo dõi\n"
        "                       đề nghị sửa đổi, hồ sơ rà soát định kỳ, sổ theo dõi thu hồi\n"
        "                       bản giấy (PDF để đọc, CSV để mở bằng Excel)\n"
        "distribution-records/  Sổ theo dõi phân phối của từng tài liệu đang có hiệu lực\n"
        "signed/                Bản gốc điện tử có chữ ký số của các tài liệu đang có hiệu lực\n"
        "superseded/            Các lần ban hành đã bị thay thế (bản ký số, nếu không có thì bản in)\n"
        "obsolete/              Các tài liệu đã bị hủy bỏ (bản ký số, nếu không có thì bản in)\n"
        "form-files/            Tệp biểu mẫu, phụ lục đính kèm từng lần ban hành\n"
        "audit-trail/           Toàn bộ nhật ký hệ thống kèm mã băm từng sự kiện\n"
        "                       (audit-trail.csv) và đầu chuỗi do hệ thống ghi nhận (chain.json)\n"
        "verify_trail.py        Chương trình kiểm tra lại chuỗi mã băm, chỉ cần Python 3:\n"
        "                           python3 verify_trail.py\n"
        "                       Kết quả \"OK\" là chuỗi nguyên vẹn; nếu có dòng bị sửa, xóa hay\n"
        "                       chèn thêm, chương trình nêu rõ dòng nào. Các sự kiện ghi sau khi\n"
        "                       có khóa nhật ký được bảo vệ bằng HMAC; để kiểm tra cả HMAC,\n"
        "                       đưa thêm tệp khóa audit_key của máy chủ:\n"
        "                           python3 verify_trail.py --key-file audit_key\n"
        "audit-trail-verification.json  Kết quả kiểm tra chuỗi nhật ký và các lần ban hành đã ký: "
        f"{'nguyên vẹn' if chain_ok else 'BỊ SỬA ĐỔI'}\n"
        "compliance.json        Kết quả kiểm tra tuân thủ theo điều khoản ISO 9001\n"
        "SHA256SUMS             Mã băm SHA-256 của từng tệp (sha256sum -c SHA256SUMS)\n\n"
        f"Tài liệu đang có hiệu lực: {summary['documents']}; có bản ký số: {summary['signed']}.\n"
        f"Lần ban hành đã bị thay thế hoặc hủy bỏ: {summary['ended_versions']}; "
        f"tệp biểu mẫu, phụ lục: {summary['form_files']}.\n"
        f"Nhật ký hệ thống: {summary['events']} sự kiện.\n"
    )
