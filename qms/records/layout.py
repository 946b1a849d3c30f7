"""The layout of a record, described once and typeset twice: by the PDF builder
(reportlab) and by the DOCX builder (python-docx).

A :class:`Record` is a page header repeated on every page, an optional stamp, watermark
and QR code, and a list of blocks: headings, paragraphs made of runs, lists, tables and
the sign-off block. Every string is NFC on the way in, so accents sit where they belong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from qms.core.errors import QMSError
from qms.core.i18n import _
from qms.core.markup import MAX_FLOW_BLOCKS

Align = Literal["left", "center", "right", "justify"]

# What XML 1.0 cannot hold (Word's files are XML) and what no font draws: surrogates and the
# noncharacters U+FFFE and U+FFFF. The C0 controls are refused when text is saved (qms.text);
# those that reach a record anyway become U+FFFD as well.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def nfc(text: str) -> str:
    """The text in composed form (accents placed right) with any character a record's
    formats cannot carry shown as U+FFFD."""
    return _NOT_XML.sub("\ufffd", unicodedata.normalize("NFC", text or ""))


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word where one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ", limit // 2)
    return (cut[:space] if space > 0 else cut).rstrip() + "…"


def split_runs(items: list[Run], limit: int) -> list[list[Run]]:
    """Runs cut into pieces of at most about ``limit`` characters, at spaces where there are
    some. A typesetter re-measures the rest of a paragraph each time it breaks one across
    pages, so a paragraph of a hundred pages costs a hundred times one page; pieces keep the
    cost linear."""
    pieces: list[list[Run]] = [[]]
    size = 0
    for run in items:
        text = run.text
        while text:
            room = limit - size
            if len(text) <= room:
                pieces[-1].append(Run(text, run.bold, run.italic))
                size += len(text)
                break
            cut = text.rfind(" ", 1, room + 1)
            if cut <= 0:  # no space in the room left: a word longer than a piece is cut anywhere
                end = text.find(" ", 1)
                cut = room if size == 0 or (end if end > 0 else len(text)) > limit else 0
            if cut:
                pieces[-1].append(Run(text[:cut], run.bold, run.italic))
                text = text[cut:].lstrip(" ")
            pieces.append([])
            size = 0
    return [piece for piece in pieces if piece] or [[]]


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", nfc(self.text))


def runs(text: str, *, bold: bool = False, italic: bool = False) -> list[Run]:
    return [Run(text, bold=bold, italic=italic)] if text else []


def plain(items: list[Run]) -> str:
    return "".join(run.text for run in items)


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: a numbered section ("1. Mục đích"); 2 and 3: headings inside it

    def __post_init__(self) -> None:
        self.text = nfc(self.text)


@dataclass
class Paragraph:
    runs: list[Run]
    align: Align = "justify"
    size: float | None = None  # points; None is the body size
    space_after: float = 4.0
    indent: float = 0.0  # first-line indent in points (Vietnamese body text is indented)


@dataclass
class ListBlock:
    items: list[list[Run]]
    ordered: bool = False
    start: int = 1
    level: int = 0


@dataclass
class Column:
    title: str
    width: float  # a share of the text width; the shares of a table add up to 1
    align: Align = "left"


Cell = list[Run]


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Cell]]
    size: float | None = None  # points; None is the table size
    repeat_header: bool = True
    title: str = ""  # a caption kept with the table (an orphaned caption is ugly)


@dataclass
class Signer:
    """One signature in the sign-off block, as a person would have written it by hand."""

    name: str
    title: str = ""
    authority: list[str] = field(default_factory=list)  # "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC"
    manifestation: list[str] = field(default_factory=list)  # meaning, date and time of the e-signature


@dataclass
class SignOffColumn:
    heading: str  # "NGƯỜI SOẠN THẢO"
    signers: list[Signer]


@dataclass
class SignOff:
    columns: list[SignOffColumn]


@dataclass
class SignatureSpace:
    """Room for the visible stamp of the agency's digital signature, placed by the signer."""

    width_mm: float = 85.0
    height_mm: float = 24.0


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | ListBlock | Table | SignOff | SignatureSpace | PageBreak


@dataclass
class PageHeader:
    """The table at the top of every page: agency | title | code, revision, date, page."""

    agency_lines: list[str]  # parent body, then the agency (already in capitals)
    title: str
    facts: list[tuple[str, str]]  # ("Mã hiệu", "QT-01"), ("Lần ban hành", "03") …; "Trang x/y" follows

    def __post_init__(self) -> None:
        self.agency_lines = [nfc(line) for line in self.agency_lines]
        self.title = nfc(self.title)
        self.facts = [(nfc(label), nfc(value)) for label, value in self.facts]


@dataclass
class Record:
    header: PageHeader
    blocks: list[Block]
    file_title: str  # the PDF's /Title and the DOCX core title
    stamp: str | None = None  # "BẢN KIỂM SOÁT số 03" or "BẢN KHÔNG KIỂM SOÁT – in ngày …"
    watermark: str | None = None  # "HẾT HIỆU LỰC" on every page of an ended version
    qr_url: str | None = None
    qr_caption: str = ""
    landscape: bool = False
    footer: str = ""  # a line at the foot of every page, after the stamp
    body_size: float = 13.0
    table_size: float = 11.5
    author: str = ""
    keywords: list[str] = field(default_factory=list)


class RecordTooLong(QMSError):
    """More blocks than a record is typeset from within seconds."""

    status_code = 422


def check_length(record: Record) -> None:
    """Refuse, at once and with the reason, a record too long to typeset within seconds.
    Table rows do not count: a table costs little per row."""
    count = sum(len(block.items) if isinstance(block, ListBlock) else 1
                for block in record.blocks if isinstance(block, Heading | Paragraph | ListBlock))
    if count > MAX_FLOW_BLOCKS:
        raise RecordTooLong(_("This document has %(count)s paragraphs, headings and list items; a record "
                              "holds at most %(limit)s. Split it into several documents.",
                              count=count, limit=MAX_FLOW_BLOCKS))


@dataclass(frozen=True)
class Margins:
    """Decree 30/2020/NĐ-CP, Appendix I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm."""

    top: float = 20.0
    bottom: float = 20.0
    left: float = 30.0
    right: float = 15.0


MARGINS = Margins()
A4_MM = (210.0, 297.0)


def page_size_mm(record: Record) -> tuple[float, float]:
    return (A4_MM[1], A4_MM[0]) if record.landscape else A4_MM
