"""Registers the audit pack adds to the reports: change requests, periodic reviews and the
recall of paper copies, each a :class:`Report` typeset like the others (PDF and CSV)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from qms.accounts.models import User
from qms.core import vietnamese as vn
from qms.distribution.choices import CopyState
from qms.distribution.models import PaperCopy
from qms.documents.models import Document, Version
from qms.library.choices import RequestStatus, ReviewOutcome
from qms.library.models import ChangeRequest, PeriodicReview
from qms.records.layout import Column
from qms.records.report_data import Report, Section


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%d/%m/%Y") if value else ""


def change_requests(session: Session, zone: ZoneInfo, today: date) -> Report:
    """Sổ theo dõi đề nghị sửa đổi tài liệu: every request, oldest first, with its decision."""
    requester, decider, draft = aliased(User), aliased(User), aliased(Version)
    rows = session.execute(
        select(ChangeRequest, col(Document.code), col(requester.full_name), col(decider.full_name),
               col(draft.revision))
        .join(Document, col(Document.id) == ChangeRequest.document_id)
        .join(requester, col(requester.id) == ChangeRequest.requested_by_id)
        .outerjoin(decider, col(decider.id) == ChangeRequest.decided_by_id)
        .outerjoin(draft, col(draft.id) == ChangeRequest.version_id)
        .order_by(col(ChangeRequest.id))).all()
    table = [[str(n), _when(request.created_at, zone), code, vn.revision_number(request.revision), asker,
              request.reason, request.proposal, RequestStatus.record_of(request.status),
              " – ".join(part for part in (decided_by or "", _when(request.decided_at, zone)) if part),
              request.decision_comment, vn.revision_number(revision)]
             for n, (request, code, asker, decided_by, revision) in enumerate(rows, start=1)]
    columns = [Column("TT", 0.04, "center"), Column("Ngày đề nghị", 0.08, "center"), Column("Tài liệu", 0.07),
               Column("Lần BH", 0.04, "center"), Column("Người đề nghị", 0.10), Column("Lý do", 0.15),
               Column("Nội dung đề nghị", 0.16), Column("Tình trạng", 0.09),
               Column("Người xử lý, ngày", 0.10),
               Column("Ý kiến xử lý", 0.12), Column("Dự thảo", 0.05, "center")]
    counted = f"{len(table)} đề nghị" if table else "chưa có đề nghị nào"
    return Report("Sổ theo dõi đề nghị sửa đổi tài liệu", "change-requests", [Section("", columns, table)],
                  notes=[f"Tính đến {vn.long_date(today)}: {counted}."], landscape=True)


def periodic_reviews(session: Session, today: date) -> Report:
    """Hồ sơ rà soát định kỳ: every periodic review, oldest first."""
    rows = session.execute(
        select(PeriodicReview, col(Document.code), col(Document.title))
        .join(Document, col(Document.id) == PeriodicReview.document_id)
        .order_by(col(PeriodicReview.reviewed_at), col(PeriodicReview.id))).all()
    table = [[str(n), vn.short_date(review.reviewed_at), code, title, vn.revision_number(review.revision),
              ", ".join(part for part in (review.signer_name, review.signer_title) if part),
              ReviewOutcome.record_of(review.outcome), review.comment,
              vn.short_date(review.due_on),
              vn.short_date(review.next_review_on), "Có" if review.signed else "Không"]
             for n, (review, code, title) in enumerate(rows, start=1)]
    columns = [Column("TT", 0.04, "center"), Column("Ngày rà soát", 0.08, "center"), Column("Tài liệu", 0.08),
               Column("Tên tài liệu", 0.18), Column("Lần BH", 0.05, "center"), Column("Người rà soát", 0.14),
               Column("Kết quả", 0.10), Column("Ý kiến", 0.15), Column("Hạn rà soát", 0.07, "center"),
               Column("Rà soát lần sau", 0.07, "center"), Column("Đã ký", 0.04, "center")]
    return Report("Hồ sơ rà soát định kỳ tài liệu", "periodic-reviews", [Section("", columns, table)],
                  notes=[f"Tính đến {vn.long_date(today)}: "
                         + (f"{len(table)} lần rà soát." if table else "chưa có lần rà soát nào.")],
                  landscape=True)


def recalls(session: Session, zone: ZoneInfo, today: date) -> Report:
    """Sổ theo dõi thu hồi bản giấy: every controlled paper copy of a version no longer in force."""
    rows = session.execute(
        select(PaperCopy, col(Document.code), col(Version.revision))
        .join(Version, col(Version.id) == PaperCopy.version_id)
        .join(Document, col(Document.id) == Version.document_id)
        .where(col(PaperCopy.status) != CopyState.ISSUED)
        .order_by(col(Document.code), col(Version.revision), col(PaperCopy.number))).all()
    table = [[str(n), code, vn.revision_number(revision), f"{copy.number:02d}", copy.holder_name,
              copy.holder_unit, _when(copy.issued_at, zone), _when(copy.recall_requested_at, zone),
              CopyState.record_of(copy.status), vn.short_date(copy.recalled_on), copy.recall_note]
             for n, (copy, code, revision) in enumerate(rows, start=1)]
    waiting = sum(copy.status == CopyState.TO_RECALL for copy, _code, _rev in rows)
    columns = [Column("TT", 0.04, "center"), Column("Tài liệu", 0.09), Column("Lần BH", 0.05, "center"),
               Column("Bản số", 0.05, "center"), Column("Người giữ", 0.13), Column("Đơn vị", 0.15),
               Column("Ngày cấp", 0.08, "center"), Column("Ngày yêu cầu thu hồi", 0.09, "center"),
               Column("Tình trạng", 0.12), Column("Ngày thu hồi", 0.08, "center"), Column("Ghi chú", 0.12)]
    return Report("Sổ theo dõi thu hồi bản giấy có kiểm soát", "recalls", [Section("", columns, table)],
                  notes=[f"Tính đến {vn.long_date(today)}: " + _recall_count(len(table), waiting)],
                  landscape=True)


def _recall_count(total: int, waiting: int) -> str:
    if not total:
        return "không có bản giấy nào phải thu hồi."
    if not waiting:
        return f"{total} bản giấy phải thu hồi, đã thu hồi đủ."
    return f"{total} bản giấy phải thu hồi, trong đó {waiting} bản chưa thu hồi."
