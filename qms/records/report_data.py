"""The rows of each report, read in a few queries whatever the size of the library.

Each function returns a :class:`Report`: a title, its columns and rows of plain text,
which :mod:`qms.records.reports` typesets as PDF or DOCX, or writes as CSV.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import Unit
from qms.audit import labels
from qms.audit.details import describe
from qms.audit.models import AuditEvent
from qms.audit.policy import can_read_trail
from qms.audit.service import EventFilter, aware, filtered
from qms.core import vietnamese as vn
from qms.documents import access, choices
from qms.documents.choices import Kind
from qms.documents.models import Document, Version
from qms.record_keeping.section import listed_records
from qms.records.layout import Column

AUDIT_ROW_LIMIT = 20_000


@dataclass
class Section:
    """A titled table of a report."""

    title: str
    columns: list[Column]
    rows: list[list[str]]


@dataclass
class Report:
    title: str
    slug: str
    sections: list[Section]
    notes: list[str] = field(default_factory=list)  # lines under the title (scope, totals, period)
    landscape: bool = False

    @property
    def columns(self) -> list[Column]:
        return self.sections[0].columns

    @property
    def rows(self) -> list[list[str]]:
        return [row for section in self.sections for row in section.rows]


def _visible_documents(actor: Principal):  # type: ignore[no-untyped-def]
    effective = aliased(Version)
    query = (
        select(col(Document.code), col(Document.title), col(Document.kind), col(Unit.name),
               col(effective.revision),
               col(effective.effective_date), col(Document.id))
        .join(Unit, col(Unit.id) == Document.owner_unit_id)
        .outerjoin(effective, col(effective.id) == Document.effective_version_id)
        .where(access.visibility_clause(actor))
        .order_by(Document.code)
    )
    return query, effective


def master_list(session: Session, actor: Principal, today: date) -> Report:
    """Danh mục tài liệu nội bộ: every internal document in force, by code."""
    query, _effective = _visible_documents(actor)
    rows = session.execute(
        query.where(Document.kind != Kind.EXTERNAL, col(Document.effective_version_id).is_not(None))).all()
    table = [[str(n), code, title, choices.Kind.label_of(kind, "vi"), vn.revision_number(rev),
              vn.short_date(day), unit]
             for n, (code, title, kind, unit, rev, day, _id) in enumerate(rows, start=1)]
    columns = [Column("TT", 0.05, "center"), Column("Mã hiệu", 0.11), Column("Tên tài liệu", 0.34),
               Column("Loại tài liệu", 0.12), Column("Lần ban hành", 0.08, "center"),
               Column("Ngày hiệu lực", 0.10, "center"), Column("Đơn vị chủ trì", 0.20)]
    return Report("Danh mục tài liệu nội bộ", "master-list", [Section("", columns, table)],
                  notes=[f"Các tài liệu đang có hiệu lực tính đến {vn.long_date(today)}: "
                         f"{len(table)} tài liệu."],
                  landscape=True)


def _external_details(session: Session, ids: list[int]) -> dict[int, tuple[str, str, date | None, str]]:
    """Number, issuer, issue date and status, where the library capability records them."""
    try:
        from qms.documents.models import ExternalDetails
    except ImportError:  # the library of external documents is not installed
        return {}
    rows = session.execute(select(col(ExternalDetails.document_id), col(ExternalDetails.number),
                                  col(ExternalDetails.issuer),
                                  col(ExternalDetails.issued_on), col(ExternalDetails.status))
                           .where(col(ExternalDetails.document_id).in_(ids))).all()
    return {row[0]: (row[1], row[2], row[3], row[4]) for row in rows}




def external_documents(session: Session, actor: Principal, today: date) -> Report:
    """Danh mục tài liệu có nguồn gốc bên ngoài: laws, decrees, standards the agency applies."""
    query, _effective = _visible_documents(actor)
    rows = session.execute(query.where(Document.kind == Kind.EXTERNAL)).all()
    details = _external_details(session, [row[6] for row in rows]) if rows else {}
    table = []
    for n, (code, title, _kind, unit, _rev, _day, doc_id) in enumerate(rows, start=1):
        number, issuer, issued_on, status = details.get(doc_id, ("", "", None, ""))
        table.append([str(n), code, number, title, issuer, vn.short_date(issued_on),
                      choices.ExternalStatus.record_of(status), unit])
    columns = [Column("TT", 0.04, "center"), Column("Mã hiệu", 0.09), Column("Số, ký hiệu", 0.13),
               Column("Tên tài liệu", 0.30), Column("Cơ quan ban hành", 0.13),
               Column("Ngày ban hành", 0.09, "center"), Column("Tình trạng", 0.10),
               Column("Đơn vị quản lý", 0.12)]
    return Report("Danh mục tài liệu có nguồn gốc bên ngoài", "external-documents",
                  [Section("", columns, table)],
                  notes=[f"Tính đến {vn.long_date(today)}: {len(table)} tài liệu."], landscape=True)


def _retention(permanent: bool, years: int | None) -> str:
    return "Vĩnh viễn" if permanent else f"{years:02d} năm" if years else ""


def _line(row: object) -> list[str]:
    return [row.name, row.document_code, row.keeping_unit_name,  # type: ignore[attr-defined]
            _retention(row.permanent, row.retention_years)]  # type: ignore[attr-defined]


def records_list(session: Session, actor: Principal, today: date) -> Report:
    """Danh mục hồ sơ: the records each document in force keeps, where and for how long.

    Once the head of agency has approved the year's list, the rows printed as approved are the
    rows they signed (checked against the approval's hash), not today's register; records
    added or changed since, and those only named in a procedure's "Hồ sơ cần lưu" table, follow
    in a section of their own that says they are not approved."""
    query, effective = _visible_documents(actor)
    documents = session.execute(
        query.add_columns(effective.records).where(col(Document.effective_version_id).is_not(None))).all()
    visible = {row[0] for row in documents}
    try:
        from qms.record_keeping import register as records_register
    except ImportError:  # the records register is not installed
        records_register = None  # type: ignore[assignment]
    register = records_register.records_list(session, today.year) if records_register else None
    by_code: dict[str, list[list[str]]] = {}
    for row in register.rows if register else []:
        if row.document_code in visible:
            by_code.setdefault(row.document_code, []).append(_line(row))
    current: list[list[str]] = []
    for code, _title, _kind, unit, _rev, _day, _id, records in documents:
        current += by_code.get(code) or [[listed.name, code, listed.place or unit, listed.retention]
                                         for listed in listed_records(records)]
    columns = [Column("TT", 0.05, "center"), Column("Tên hồ sơ", 0.45), Column("Theo tài liệu", 0.12),
               Column("Nơi lưu", 0.22), Column("Thời gian lưu", 0.16)]
    year = today.year
    approval = register.approval if register else None
    if approval is None:
        notes = [f"Hồ sơ của các tài liệu đang có hiệu lực tính đến {vn.long_date(today)}: "
                 f"{len(current)} loại hồ sơ.",
                 f"Danh mục hồ sơ năm {year} chưa được Thủ trưởng cơ quan phê duyệt."]
        return Report("Danh mục hồ sơ", "records-list", [Section("", columns, _numbered(current))],
                      notes=notes, landscape=True)
    signed = records_register.approved_rows(approval)
    intact = records_register.rows_hash(signed) == approval.content_hash
    readable = set(session.execute(
        select(col(Document.code)).where(access.visibility_clause(actor))
    ).scalars())
    approved = [_line(row) for row in signed if row.document_code in readable] if intact else []
    pending = [row for row in current if row not in approved]
    approved_on = vn.short_date(approval.approved_at)
    if not intact:
        notes = [f"Danh mục hồ sơ năm {year} đã được phê duyệt ngày {approved_on} nhưng nội dung lưu "
                 "không còn khớp với nội dung đã ký: không in danh mục này như đã được phê duyệt."]
    elif pending or any(row not in current for row in approved):
        notes = [f"Danh mục hồ sơ năm {year} đã được {approval.signer_name} phê duyệt ngày {approved_on} "
                 f"({len(approved)} loại hồ sơ, phần I).",
                 "Hồ sơ hiện hành đã khác với danh mục được phê duyệt: các dòng ở phần II chưa được "
                 "phê duyệt; cần trình phê duyệt lại."]
    else:
        notes = [f"Danh mục hồ sơ năm {year} đã được {approval.signer_name} phê duyệt ngày {approved_on}: "
                 f"{len(approved)} loại hồ sơ."]
    sections = [Section("I. Danh mục đã được phê duyệt", columns, _numbered(approved))]
    if pending or not intact:
        sections.append(Section("II. Hồ sơ chưa được phê duyệt (thêm mới hoặc thay đổi sau lần phê duyệt)",
                                columns, _numbered(pending)))
    else:
        sections[0].title = ""
    return Report("Danh mục hồ sơ", "records-list", sections, notes=notes, landscape=True)


def _numbered(rows: list[list[str]]) -> list[list[str]]:
    return [[str(number), *row] for number, row in enumerate(rows, 1)]


def audit_trail(session: Session, actor: Principal, since: datetime | None, zone: ZoneInfo,
                today: date, flt: EventFilter | None = None) -> Report:
    """An extract of the audit trail in words, oldest first (up to 20,000 events): since a
    moment (by default the 1st of this month), narrowed as the page narrows it."""
    can_read_trail.require(actor)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=zone)  # a date or time without offset is the agency's
    start = aware(since) if since else datetime(today.year, today.month, 1, tzinfo=zone).astimezone(UTC)
    flt = replace(flt or EventFilter(), since=start)
    events = session.execute(
        filtered(select(AuditEvent), flt).order_by(AuditEvent.id).limit(AUDIT_ROW_LIMIT + 1)
    ).scalars().all()
    try:
        shown = f"{start.astimezone(zone):%H:%M ngày %d/%m/%Y}"
    except OverflowError:  # the last moment of year 9999 (or the first of year 1) has no agency time
        shown = f"{start:%H:%M ngày %d/%m/%Y} UTC"
    end = f"hết {_last_day(flt.until, zone)}" if flt.until else vn.long_date(today)
    notes = [f"Các sự kiện từ {shown} đến {end}.", *_filter_notes(flt)]
    if len(events) > AUDIT_ROW_LIMIT:
        events = events[:AUDIT_ROW_LIMIT]
        notes.append(f"Chỉ liệt kê {AUDIT_ROW_LIMIT:,} sự kiện đầu tiên; ".replace(",", ".")
                     + "chọn mốc thời gian sau hơn để xem tiếp.")
    table = [[str(event.id), event.occurred_at.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S"),
              labels.actor_label(event.actor_username or "system", "vi"),
              labels.action_label(event.action, "vi"),
              labels.object_label(event.object_type, event.object_id, "vi"),
              "\n".join(describe(event.details, "vi", zone, event.object_type)) or labels.EMPTY,
              event.address]
             for event in events]
    columns = [Column("Số", 0.05, "right"), Column("Thời gian", 0.11), Column("Người thực hiện", 0.10),
               Column("Hành động", 0.15), Column("Đối tượng", 0.13), Column("Chi tiết", 0.37),
               Column("Địa chỉ IP", 0.09)]
    return Report("Trích xuất nhật ký kiểm tra", "audit-trail", [Section("", columns, table)], notes=notes,
                  landscape=True)


def _last_day(until: datetime, zone: ZoneInfo) -> str:
    """The last day an exclusive end covers, as a record writes it."""
    try:
        return vn.long_date((until.astimezone(zone) - timedelta(microseconds=1)).date())
    except OverflowError:
        return vn.long_date(until.date())


def _filter_notes(flt: EventFilter) -> list[str]:
    parts = []
    if flt.actor:
        parts.append(f"người thực hiện: {flt.actor}")
    if flt.document:
        parts.append(f"tài liệu: {flt.document}")
    if flt.action:
        group = flt.action.rstrip(".")
        parts.append(f"hành động: {labels.action_label(flt.action, 'vi')}" if flt.action in labels.ACTIONS
                     else f"nhóm hành động: {labels.group_label(group, 'vi')}")
    if flt.object:
        kind, _sep, object_id = flt.object.partition(":")
        parts.append(f"đối tượng: {labels.object_label(kind, object_id, 'vi')}")
    return ["Chỉ gồm các sự kiện có " + "; ".join(parts) + "."] if parts else []
