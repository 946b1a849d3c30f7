"""The audit evidence pack: every list and report an ISO auditor asks for, the audit trail
with its verification, and the signed original of every document in force, in one zip
with a manifest of SHA-256 sums."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.accounts.roles import Role, require_any
from qms.audit import service as audit
from qms.clock import local_today
from qms.compliance.checks import compliance_report
from qms.config import Settings
from qms.db import start_writing
from qms.distribution.models import Distribution
from qms.documents.integrity import verify_integrity, version_problems
from qms.documents.models import Document, Version
from qms.records import certificates
from qms.records.document_record import load_agency
from qms.records.pdf_builder import build_pdf
from qms.records.report_data import Report
from qms.records.reports import build_report, distribution_report, report_csv, report_layout
from qms.records.service import SignedOriginal, keep_signed_original, make_signed_original, signed_record_of
from qms.storage import get_storage

PACK_READERS = frozenset({Role.AUDITOR})
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
    require_any(actor.roles, PACK_READERS)
    today = local_today(settings.zone)
    agency = load_agency(session).header_lines()
    pack = _Pack()
    for name in REPORTS:
        report = build_report(session, actor, settings, name)
        _report_files(pack, report, agency, actor.full_name, today, "reports")

    effective = session.execute(
        select(Document, Version)
        .join(Version, Version.id == Document.effective_version_id)
        .order_by(Document.code)
    ).all()
    distributed = set(session.execute(select(Distribution.version_id).distinct()).scalars())
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
    summary = {"documents": len(effective), "signed": signed, "unsigned": unsigned, "files": len(pack.sums)}
    pack.add("README.txt", _readme(summary, integrity.ok, today).encode())
    data = pack.close()
    # everything above only read: the write transaction begins here, for the events alone
    start_writing(session)
    for document, version, original in newly_signed if agency_certificate is not None else []:
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


def _readme(summary: dict[str, int], chain_ok: bool, today: date) -> str:
    return (
        f"Gói hồ sơ đánh giá, lập ngày {today.strftime('%d/%m/%Y')}.\n\n"
        "reports/               Danh mục tài liệu nội bộ, tài liệu bên ngoài, danh mục hồ sơ,\n"
        "                       báo cáo xác nhận đã đọc, nhật ký hệ thống (PDF và CSV)\n"
        "distribution-records/  Sổ theo dõi phân phối của từng tài liệu đang có hiệu lực\n"
        "signed/                Bản gốc điện tử có chữ ký số của cơ quan\n"
        "audit-trail-verification.json  Kết quả kiểm tra chuỗi nhật ký và các lần ban hành đã ký: "
        f"{'nguyên vẹn' if chain_ok else 'BỊ SỬA ĐỔI'}\n"
        "compliance.json        Kết quả kiểm tra tuân thủ theo điều khoản ISO 9001\n"
        "SHA256SUMS             Mã băm SHA-256 của từng tệp (sha256sum -c SHA256SUMS)\n\n"
        f"Tài liệu đang có hiệu lực: {summary['documents']}; có bản ký số: {summary['signed']}.\n"
    )
