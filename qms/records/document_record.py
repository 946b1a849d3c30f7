"""The controlled document of one version, as a layout: the cover with the sign-off block
and the change history, then the seven sections and the steps table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.models import AgencyProfile, User
from qms.core import vietnamese as vn
from qms.core.db import pk
from qms.documents import choices
from qms.documents.choices import Kind
from qms.documents.content import steps_of
from qms.documents.lifecycle import ENDED_STATES
from qms.documents.models import SECTIONS, Document, RevisionHistory, Signature, Version, VersionReviewer
from qms.documents.placement import DEFAULT_STEPS_HEADING, split_at_steps
from qms.documents.schemas import Step
from qms.records import layout as L
from qms.records.markdown_blocks import markdown_blocks

OBSOLETE_MARK = "HẾT HIỆU LỰC"
DRAFT_MARK = "DỰ THẢO"
STEP_COLUMNS = [
    L.Column("Bước", 0.08, "center"),
    L.Column("Trách nhiệm", 0.19),
    L.Column("Nội dung công việc", 0.39),
    L.Column("Thời gian", 0.14, "center"),
    L.Column("Biểu mẫu, kết quả", 0.20),
]
HISTORY_COLUMNS = [
    L.Column("Ngày hiệu lực", 0.16, "center"),
    L.Column("Vị trí sửa đổi", 0.28),
    L.Column("Nội dung sửa đổi", 0.42),
    L.Column("Lần ban hành", 0.14, "center"),
]


@dataclass(frozen=True)
class Agency:
    name: str
    parent_name: str
    short_name: str = ""

    def header_lines(self) -> list[str]:
        """The parent body above the agency, in capitals, as Decree 30 heads a document
        ("ỦY BAN NHÂN DÂN TỈNH NINH BÌNH" / "SỞ NỘI VỤ"); the short name fits the cell."""
        lines = [self.parent_name.upper()] if self.parent_name else []
        own = self.short_name if self.parent_name and self.short_name else self.name
        return [*lines, (own or "CƠ QUAN").upper()]


def load_agency(session: Session) -> Agency:
    row = session.execute(select(AgencyProfile).limit(1)).scalar_one_or_none()
    return Agency(row.name, row.parent_name, row.short_name) if row else Agency("", "")


@dataclass(frozen=True)
class Variant:
    """What kind of copy is being made."""

    copy: int | None = None  # a numbered controlled copy
    printed_on: date | None = None  # the day an uncontrolled copy is printed
    signed: bool = False  # the electronic original, to be signed by the agency
    approver_signs: bool = False  # ... and first by the approver with their own certificate
    sealed: bool = False  # the agency's signature shows its seal image


def _signing_space(variant: Variant) -> L.SignatureSpace:
    """Two stamps one above the other, or a seal that stands taller than a text stamp."""
    if variant.approver_signs:
        return L.SignatureSpace(height_mm=48.0)
    return L.SignatureSpace(height_mm=38.0) if variant.sealed else L.SignatureSpace()


def _stamp(variant: Variant) -> str | None:
    if variant.signed:
        return None
    if variant.copy is not None:
        return f"BẢN KIỂM SOÁT số {variant.copy:02d}"
    return f"BẢN KHÔNG KIỂM SOÁT – in ngày {vn.short_date(variant.printed_on or date.today())}"


def _watermark(status: str) -> str | None:
    if status in ENDED_STATES:
        return OBSOLETE_MARK
    if status in (choices.Status.DRAFT, choices.Status.IN_REVIEW, choices.Status.AWAITING_APPROVAL):
        return DRAFT_MARK
    return None


def _users(session: Session, ids: list[int]) -> dict[int, User]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    return {user.id: user for user in session.execute(select(User).where(col(User.id).in_(wanted))).scalars()}


def _signer(sig: Signature | None, user: User | None, zone: ZoneInfo, *, approver: bool) -> L.Signer:
    if sig is None:
        title = user.title if user else ""
        return L.Signer(name=user.full_name if user else "", title=title,
                        authority=[title.upper()] if approver and title else [],
                        manifestation=["(chưa ký)"])
    authority: list[str] = []
    if approver:
        authority = ([f"KT. {sig.on_behalf_of_title.upper()}", sig.signer_title.upper()]
                     if sig.on_behalf_of_id else [sig.signer_title.upper()] if sig.signer_title else [])
    return L.Signer(
        name=sig.signer_name, title=sig.signer_title, authority=authority,
        manifestation=[f"Đã ký điện tử: {choices.Meaning.record_of(sig.meaning)}",
                       f"lúc {vn.local_time(sig.signed_at, zone)}"],
    )


def sign_off(session: Session, version: Version, zone: ZoneInfo) -> L.SignOff:
    """Who drafted, reviewed and approved this content, from the signatures on its hash."""
    signatures = list(session.execute(
        select(Signature).where(col(Signature.version_id) == version.id, col(Signature.purpose) == "issue")
        .order_by(col(Signature.signed_at), col(Signature.id))
    ).scalars())
    current = [s for s in signatures if version.content_hash and s.content_hash == version.content_hash]
    latest: dict[tuple[int, str], Signature] = {}
    for sig in current:
        latest[(sig.user_id, sig.meaning)] = sig
    reviewer_ids = list(session.execute(
        select(col(VersionReviewer.user_id)).where(col(VersionReviewer.version_id) == version.id)
        .order_by(col(VersionReviewer.position))
    ).scalars())
    people = _users(session, [version.drafter_id, version.approver_id or 0, *reviewer_ids])

    drafted = [s for s in latest.values() if s.meaning == choices.Meaning.DRAFTED]
    drafters = [_signer(s, None, zone, approver=False) for s in drafted] or [
        _signer(None, people.get(version.drafter_id), zone, approver=False)]
    reviewed = {s.user_id: s for s in latest.values() if s.meaning == choices.Meaning.REVIEWED}
    reviewers = [_signer(reviewed.get(uid), people.get(uid), zone, approver=False) for uid in reviewer_ids]
    reviewers += [_signer(s, None, zone, approver=False) for uid, s in reviewed.items()
                  if uid not in reviewer_ids]
    approved = [s for s in latest.values() if s.meaning == choices.Meaning.APPROVED]
    approvers = [_signer(s, None, zone, approver=True) for s in approved[-1:]] or [
        _signer(None, people.get(version.approver_id or 0), zone, approver=True)]
    return L.SignOff([
        L.SignOffColumn("NGƯỜI SOẠN THẢO", drafters),
        L.SignOffColumn("NGƯỜI XEM XÉT", reviewers or [L.Signer(name="", manifestation=["(không có)"])]),
        L.SignOffColumn("NGƯỜI PHÊ DUYỆT", approvers),
    ])


def history_table(session: Session, document: Document, version: Version) -> L.Table:
    rows = list(session.execute(
        select(RevisionHistory).where(col(RevisionHistory.document_id) == document.id,
                                      col(RevisionHistory.revision) <= version.revision)
        .order_by(col(RevisionHistory.revision))
    ).scalars())
    cells = [[L.runs(vn.short_date(r.effective_date)), L.runs(r.changed_sections or "Toàn bộ tài liệu"),
              L.runs(r.change_summary), L.runs(vn.revision_number(r.revision))] for r in rows]
    if all(r.revision != version.revision for r in rows):
        cells.append([L.runs(vn.short_date(version.effective_date)),
                      L.runs(version.changed_sections
                             or ("Toàn bộ tài liệu" if version.revision == 1 else "")),
                      L.runs(version.change_summary), L.runs(vn.revision_number(version.revision))])
    return L.Table(columns=HISTORY_COLUMNS, rows=cells, title="")


def steps_table(steps: list[Step]) -> L.Table:
    rows = [[L.runs(s.step), L.runs(s.responsibility), L.runs(s.task), L.runs(s.duration), L.runs(s.output)]
            for s in steps]
    return L.Table(columns=STEP_COLUMNS, rows=rows)


def section_blocks(version: Version, steps: list[Step], kind: str) -> list[L.Block]:
    blocks: list[L.Block] = []
    number = 0
    for name in SECTIONS:
        text = getattr(version, name) or ""
        has_steps = name == "content" and bool(steps)
        if not text.strip() and not has_steps:
            continue
        number += 1
        title = choices.Section(name).vi if (name != "content" or kind == Kind.PROCEDURE) else "Nội dung"
        blocks.append(L.Heading(f"{number}. {title}", level=1))
        if not has_steps:
            blocks += markdown_blocks(text)
            continue
        before, heading, after = split_at_steps(text)
        blocks += markdown_blocks(before)
        blocks.append(L.Heading(heading or DEFAULT_STEPS_HEADING, level=2))
        blocks.append(steps_table(steps))
        blocks += markdown_blocks(after)
    return blocks


def header_for(agency: Agency, document: Document, version: Version) -> L.PageHeader:
    return L.PageHeader(
        agency_lines=agency.header_lines(), title=version.title,
        facts=[("Mã hiệu", document.code), ("Lần ban hành", vn.revision_number(version.revision)),
               ("Ngày hiệu lực", vn.short_date(version.effective_date) or "chưa ban hành")],
    )


def version_record(session: Session, document: Document, version: Version, *, variant: Variant,
                   zone: ZoneInfo, verify_url: str) -> L.Record:
    agency = load_agency(session)
    steps = steps_of(session, pk(version))
    effective = (f"Ngày hiệu lực: {vn.long_date(version.effective_date)}" if version.effective_date
                 else "Chưa ban hành")
    cover: list[L.Block] = [
        L.Paragraph(L.runs(choices.Kind.label_of(version.kind, "vi", default="Tài liệu").upper(), bold=True),
                    align="center", size=13, space_after=2),
        L.Paragraph(L.runs(version.title.upper(), bold=True), align="center", size=16, space_after=4),
        L.Paragraph(L.runs(f"Mã hiệu: {document.code} – Lần ban hành: {vn.revision_number(version.revision)}"
                           f" – {effective}", italic=True), align="center", space_after=10),
        sign_off(session, version, zone),
        L.Heading("Bảng theo dõi sửa đổi", level=1),
        history_table(session, document, version),
    ]
    if variant.signed:
        cover.append(_signing_space(variant))
    status_note = {choices.Status.SUPERSEDED: "Lần ban hành này đã bị thay thế.",
                   choices.Status.OBSOLETE: "Tài liệu này đã bị hủy bỏ."}.get(choices.Status(version.status))
    if status_note:
        cover.append(L.Paragraph(L.runs(status_note + " Không sử dụng.", bold=True, italic=True),
                                 align="center"))
    blocks = [*cover, L.PageBreak(), *section_blocks(version, steps, version.kind)]
    return L.Record(
        header=header_for(agency, document, version), blocks=blocks,
        file_title=f"{document.code} – {version.title} – "
                   f"Lần ban hành {vn.revision_number(version.revision)}",
        stamp=_stamp(variant), watermark=_watermark(version.status), qr_url=verify_url,
        qr_caption="Quét để kiểm tra hiệu lực", author=agency.name,
        footer=("Bản điện tử có chữ ký số" + (f" của {agency.name}" if agency.name else ""))
        if variant.signed else "",
        keywords=[document.code, f"lần ban hành {vn.revision_number(version.revision)}"],
    )
