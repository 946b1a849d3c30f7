"""Reports as PDF, DOCX and CSV, each with the agency header and the date it was made.

CSV files are UTF-8 with a byte-order mark, so that Excel shows Vietnamese correctly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.audit import service as audit
from qms.audit.service import EventFilter
from qms.core import vietnamese as vn
from qms.core.clock import local_today
from qms.core.config import Settings
from qms.core.csv_export import csv_bytes
from qms.core.db import start_writing, utcnow
from qms.core.roles import Role
from qms.distribution.choices import CopyState, TaskState
from qms.documents import choices
from qms.records import layout as L
from qms.records import report_data
from qms.records.document_record import load_agency
from qms.records.docx_builder import build_docx
from qms.records.layout import Column
from qms.records.pdf_builder import build_pdf
from qms.records.report_data import Report, Section
from qms.records.service import MEDIA_TYPES, RecordFile

ReportFormat = Literal["pdf", "docx", "csv"]


def report_layout(report: Report, agency_lines: list[str], author: str, today: date) -> L.Record:
    blocks: list[L.Block] = [
        L.Paragraph(L.runs(report.title.upper(), bold=True), align="center", size=15, space_after=3),
        *[L.Paragraph(L.runs(note, italic=True), align="center", space_after=2) for note in report.notes],
        L.Paragraph([], space_after=4),
    ]
    for section in report.sections:
        if section.title:
            blocks.append(L.Heading(section.title, level=2))
        if section.rows:
            blocks.append(L.Table(columns=section.columns, rows=[[L.runs(cell) for cell in row]
                                                                  for row in section.rows], size=10.5))
        else:
            blocks.append(L.Paragraph(L.runs("(Không có dữ liệu.)", italic=True), align="left"))
    blocks.append(L.Paragraph(L.runs(f"Người lập: {author}" if author else "", italic=True), align="right",
                              space_after=0))
    return L.Record(
        header=L.PageHeader(agency_lines=agency_lines, title=report.title,
                            facts=[("Ngày lập", vn.short_date(today))]),
        blocks=blocks, file_title=f"{report.title} – {vn.short_date(today)}", landscape=report.landscape,
        author=author, body_size=12, table_size=10.5,
    )


def report_csv(report: Report) -> bytes:
    several = len(report.sections) > 1
    rows: list[list[str]] = []
    for section in report.sections:
        header = [column.title for column in section.columns]
        rows.append(["Phần", *header] if several else header)
        rows.extend([section.title, *row] if several else row for row in section.rows)
    return csv_bytes(rows)


def render_report(session: Session, actor: Principal, settings: Settings, report: Report, fmt: ReportFormat,
                  today: date, object_id: str = "") -> RecordFile:
    if fmt == "csv":
        data = report_csv(report)
    else:
        record = report_layout(report, load_agency(session).header_lines(), actor.full_name, today)
        data = build_pdf(record).data if fmt == "pdf" else build_docx(record)
    start_writing(session)  # typeset with no write transaction open; the audit event alone writes
    audit.record(session, actor=actor, action="report.download", object_type="report",
                 object_id=object_id or report.slug, details={"format": fmt, "rows": len(report.rows)})
    return RecordFile(data, f"{report.slug}_{today:%Y-%m-%d}.{fmt}", MEDIA_TYPES[fmt])


def build_report(session: Session, actor: Principal, settings: Settings, name: str,
                 since: datetime | None = None, unit: str | None = None,
                 events: EventFilter | None = None) -> Report:
    """The report ``name``; ``events`` narrows the audit trail as its page does."""
    today = local_today(settings.zone)
    if name == "master-list":
        return report_data.master_list(session, actor, today)
    if name == "external-documents":
        return report_data.external_documents(session, actor, today)
    if name == "records-list":
        return report_data.records_list(session, actor, today)
    if name == "audit-trail":
        return report_data.audit_trail(session, actor, since, settings.zone, today, events)
    if name == "acknowledgements":
        return acknowledgement_report(session, actor, unit, settings.zone, today)
    raise KeyError(name)


def _local(value: datetime | None, zone: ZoneInfo, pattern: str = "%d/%m/%Y %H:%M") -> str:
    return value.astimezone(zone).strftime(pattern) if value else ""


def acknowledgement_report(session: Session, actor: Principal, unit: str | None, zone: ZoneInfo,
                           today: date) -> Report:
    """Per unit: who has and who has not acknowledged each document in force."""
    from qms.distribution.reports import acknowledgement_report as data

    report = data(session, actor, unit)
    columns = [Column("Mã hiệu", 0.10), Column("Tên tài liệu", 0.25), Column("Lần BH", 0.06, "center"),
               Column("Họ và tên", 0.17), Column("Trạng thái", 0.18), Column("Hạn xác nhận", 0.11, "center"),
               Column("Ngày xác nhận", 0.13, "center")]
    sections = []
    for (_code, name), lines in report.by_unit().items():
        done = sum(line.status == TaskState.ACKNOWLEDGED for line in lines)
        late = sum(line.state(report.generated_at) == TaskState.ACKNOWLEDGED_LATE for line in lines)
        rows = [[line.code, line.title, vn.revision_number(line.revision), line.full_name,
                 TaskState.record_of(line.state(report.generated_at)),
                 _local(line.due_at, zone, "%d/%m/%Y"), _local(line.acknowledged_at, zone)] for line in lines]
        sections.append(Section(f"{name}: {done}/{len(lines)} lượt đã xác nhận"
                                + (f" ({late} lượt xác nhận muộn)" if late else ""), columns, rows))
    total = len(report.lines)
    done = sum(line.status == TaskState.ACKNOWLEDGED for line in report.lines)
    late = sum(line.state(report.generated_at) == TaskState.ACKNOWLEDGED_LATE for line in report.lines)
    scope = f"Đơn vị: {report.unit[1]}" if report.unit else "Tất cả các đơn vị"
    return Report("Báo cáo xác nhận đã đọc và hiểu tài liệu", "acknowledgements",
                  sections or [Section("", columns, [])],
                  notes=[f"{scope}; tính đến {vn.long_date(today)}.",
                         f"Đã xác nhận {done}/{total} lượt" + (f", trong đó {late} lượt xác nhận muộn."
                                                               if late else ".")],
                  landscape=True)


def distribution_report(session: Session, actor: Principal, code: str, revision: int, zone: ZoneInfo,
                        today: date) -> Report:
    """Sổ theo dõi phân phối of one version: the distributions, the recipients, the paper copies."""
    from qms.distribution.reports import distribution_record

    record = distribution_record(session, actor, code, revision)
    now = utcnow()
    issued = [[_local(d.created_at, zone), d.created_by or "Hệ thống",
               _targets(d.targets, record.unit_names, record.user_names),
               _local(d.due_at, zone, "%d/%m/%Y"), str(d.recipients_added)] for d in record.distributions]
    recipients = [[str(n), r.full_name, r.title, r.unit_name, _local(r.assigned_at, zone, "%d/%m/%Y"),
                   _local(r.due_at, zone, "%d/%m/%Y"), TaskState.record_of(r.state(now)),
                   _local(r.acknowledged_at, zone)]
                  for n, r in enumerate(record.recipients, start=1)]
    copies = [[f"{c.number:02d}", c.holder_name, c.holder_unit, _local(c.issued_at, zone, "%d/%m/%Y"),
               CopyState.record_of(c.status), vn.short_date(c.recalled_on)]
              for c in record.paper_copies]
    return Report(
        "Sổ theo dõi phân phối tài liệu", f"distribution-record_{record.code}_{record.revision:02d}", [
            Section("1. Các lần phân phối", [
                Column("Thời gian", 0.16), Column("Người phân phối", 0.18), Column("Phân phối đến", 0.40),
                Column("Hạn xác nhận", 0.13, "center"), Column("Số người nhận", 0.13, "center")], issued),
            Section("2. Người nhận và xác nhận đã đọc", [
                Column("TT", 0.04, "center"), Column("Họ và tên", 0.16), Column("Chức vụ", 0.13),
                Column("Đơn vị", 0.17), Column("Ngày nhận", 0.09, "center"),
                Column("Hạn xác nhận", 0.10, "center"), Column("Trạng thái", 0.18),
                Column("Ngày xác nhận", 0.13, "center")], recipients),
            Section("3. Bản giấy có kiểm soát", [
                Column("Bản số", 0.08, "center"), Column("Người giữ", 0.25), Column("Đơn vị", 0.27),
                Column("Ngày cấp", 0.13, "center"), Column("Tình trạng", 0.14),
                Column("Ngày thu hồi", 0.13, "center")], copies),
        ],
        notes=[f"{record.code} – {record.title}",
               f"Lần ban hành {vn.revision_number(record.revision)}"
               + (f", hiệu lực từ {vn.short_date(record.effective_date)}" if record.effective_date else "")
               + f"; tình trạng: {choices.Status.label_of(record.status, 'vi').lower()}."],
        landscape=True,
    )


def _targets(targets: object, unit_names: dict[str, str], user_names: dict[str, str]) -> str:
    parts = [unit_names.get(code, code) + (" (kể cả đơn vị trực thuộc)" if sub else "")
             for code, sub in getattr(targets, "units", ())]
    roles = list(getattr(targets, "roles", ()))
    users = list(getattr(targets, "users", ()))
    if roles:
        parts.append("vai trò: " + ", ".join(Role.label_of(role, "vi") for role in roles))
    if users:
        parts.append("cá nhân: " + ", ".join(user_names.get(user, user) for user in users))
    return "; ".join(parts)
