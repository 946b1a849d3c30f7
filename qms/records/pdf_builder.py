"""A :class:`~qms.records.layout.Record` typeset as PDF with reportlab.

The page header, the foot line and the watermark are drawn once the page count is
known (a canvas that keeps its pages until it saves), so every page says "Trang x/y".
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LayoutError,
    LongTable,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from qms.records import layout as L
from qms.records.fonts import FAMILY, face_name, register_reportlab_fonts
from qms.records.qr import qr_matrix

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
STAMP_RED = colors.Color(0.72, 0.05, 0.05)
GRID = colors.Color(0.25, 0.25, 0.25)
HEAD_FILL = colors.Color(0.92, 0.92, 0.92)
HEADER_SHARES = (0.33, 0.41, 0.26)
LONG_TABLE_ROWS = 60
HEADER_GAP = 5 * mm
#: characters of one paragraph typeset in one piece (a page holds about 3,000)
PARAGRAPH_PIECE = 1500
#: the page header repeats on every page, so its texts are kept short enough to leave the page
#: its body: the full title is on the cover
HEADER_TITLE_CHARS, HEADER_LINE_CHARS, HEADER_FACT_CHARS = 160, 100, 60
#: lists indent no further than this level
MAX_LIST_LEVEL = 5
#: calls of the layout loop in a row that place nothing on a new page before it gives up
STALL_LIMIT = 5_000
#: a heading taller than this share of the frame is not kept with the next block
KEEP_HEADING_SHARE = 0.25
CELL_PADDING = 3.0
_FONT = ("FONTNAME", (0, 0), (-1, -1), FAMILY)  # cells given as plain strings


@dataclass
class BuiltPdf:
    data: bytes
    pages: int
    #: where the SignatureSpace landed: (page index, x1, y1, x2, y2) in points
    signature_box: tuple[int, float, float, float, float] | None = None
    anchors: dict[str, Any] = field(default_factory=dict)


def _style(size: float, *, bold: bool = False, italic: bool = False, align: str = "left",
           leading: float = 1.22, **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}{bold}{italic}{align}", fontName=face_name(bold, italic), fontSize=size,
        leading=size * leading, alignment=_ALIGN[align], bulletFontName=FAMILY, bulletFontSize=size, **extra,
    )


def _markup(items: list[L.Run]) -> str:
    parts = []
    for run in items:
        text = escape(run.text).replace("\n", "<br/>")
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        parts.append(text)
    return "".join(parts)


def _para(text: str | list[L.Run], style: ParagraphStyle, **extra: Any) -> RLParagraph:
    markup = escape(L.nfc(text)).replace("\n", "<br/>") if isinstance(text, str) else _markup(text)
    return RLParagraph(markup, style, **extra)


def _paras(items: list[L.Run], style: ParagraphStyle, **extra: Any) -> list[RLParagraph]:
    """One paragraph, as several pieces when it is long (see :func:`layout.split_runs`): the
    pieces follow one another with no space between, only the first indented or bulleted."""
    if sum(len(run.text) for run in items) <= PARAGRAPH_PIECE:
        return [_para(items, style, **extra)]
    pieces = L.split_runs(items, PARAGRAPH_PIECE)
    inner = ParagraphStyle(f"{style.name}-inner", parent=style, spaceBefore=0, spaceAfter=0,
                           firstLineIndent=0)
    last = ParagraphStyle(f"{style.name}-last", parent=inner, spaceAfter=style.spaceAfter)
    first = ParagraphStyle(f"{style.name}-first", parent=style, spaceAfter=0)
    return [_para(piece, first if index == 0 else last if index == len(pieces) - 1 else inner,
                  **(extra if index == 0 else {}))
            for index, piece in enumerate(pieces)]


def _continued(head: list[L.Cell], rows: list[list[L.Cell]],
               per_page: list[int]) -> tuple[list[list[L.Cell]], list[int]]:
    """The header and body rows, a row with a cell of more than two pages cut into rows that
    continue it (with no line between them), and the indexes of those continuations.

    reportlab measures every cell of a row each time it breaks the row across pages, so a
    row of a hundred pages cost a hundred times one page; rows of about half a page keep it
    linear. ``per_page`` is how many characters a page of each column holds.
    """
    result: list[list[L.Cell]] = []
    continued: list[int] = []
    for row in (head, *rows):
        sizes = [sum(len(run.text) for run in cell) for cell in row]
        if all(size <= 2 * chars for size, chars in zip(sizes, per_page, strict=False)):
            result.append(row)
            continue
        pieces = [L.split_runs(cell, max(chars // 2, 50)) if cell else []
                  for cell, chars in zip(row, per_page, strict=False)]
        for depth in range(max(len(piece) for piece in pieces)):
            if depth:
                continued.append(len(result))
            result.append([piece[depth] if depth < len(piece) else [] for piece in pieces])
    return result, continued


def _lines(text: str, size: float, room: float) -> list[str]:
    """Plain text broken into lines at most ``room`` wide: at spaces, and inside a word
    longer than a line (a URL, a long code), which would otherwise run out of its cell."""
    lines = []
    for part in text.split("\n"):
        for line in simpleSplit(part, FAMILY, size, room) or [""]:
            while stringWidth(line, FAMILY, size) > room and len(line) > 1:
                cut, width = 1, stringWidth(line[0], FAMILY, size)
                while cut < len(line) - 1 and width + stringWidth(line[cut], FAMILY, size) <= room:
                    width += stringWidth(line[cut], FAMILY, size)
                    cut += 1
                lines.append(line[:cut])
                line = line[cut:]
            lines.append(line)
    return lines


class _QRCode(Flowable):
    def __init__(self, url: str, size: float, caption: str = "") -> None:
        super().__init__()
        self.matrix = qr_matrix(url)
        self.size = size
        self.caption = caption
        self.width = size
        self.height = size + (9 if caption else 0)

    def draw(self) -> None:
        canvas = self.canv
        count = len(self.matrix)
        module = self.size / count
        canvas.setFillColor(colors.black)
        bottom = 9 if self.caption else 0
        for row_index, row in enumerate(self.matrix):
            y = bottom + self.size - (row_index + 1) * module
            for col_index, dark in enumerate(row):
                if dark:
                    canvas.rect(col_index * module, y, module, module, stroke=0, fill=1)
        if self.caption:
            canvas.setFont(face_name(italic=True), 6.5)
            canvas.drawCentredString(self.size / 2, 1.5, self.caption)


class _SignatureSpace(Flowable):
    """Empty room whose position on the page is remembered for the signature stamp."""

    def __init__(self, space: L.SignatureSpace, available: float, sink: BuiltPdf) -> None:
        super().__init__()
        self.width = min(space.width_mm * mm, available)
        self.height = space.height_mm * mm
        self.hAlign = "RIGHT"
        self.sink = sink

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        page = self.canv.getPageNumber() - 1
        self.sink.signature_box = (page, x, y, x + self.width, y + self.height)


class _Builder:
    def __init__(self, record: L.Record) -> None:
        register_reportlab_fonts()
        self.record = record
        width_mm, height_mm = L.page_size_mm(record)
        self.page_w, self.page_h = width_mm * mm, height_mm * mm
        margins = L.MARGINS
        self.left, self.right = margins.left * mm, margins.right * mm
        self.top, self.bottom = margins.top * mm, margins.bottom * mm
        self.text_w = self.page_w - self.left - self.right
        size, table = record.body_size, record.table_size
        self.body = _style(size, align="justify", spaceAfter=4)
        self.table_cell = _style(table, leading=1.2)
        self.table_head = _style(table, bold=True, align="center", leading=1.2)
        self.headings = {
            1: _style(size, bold=True, spaceBefore=10, spaceAfter=5, keepWithNext=1),
            2: _style(size, bold=True, spaceBefore=6, spaceAfter=3, keepWithNext=1),
            3: _style(size, bold=True, italic=True, spaceBefore=4, spaceAfter=2, keepWithNext=1),
        }
        self.result = BuiltPdf(b"", 0)
        #: rows are kept whole on a page; only a row taller than a page is split (second attempt)
        self.split_rows = False
        self.header_h = self._header_table("Trang: 999/999").wrap(self.text_w, self.page_h)[1]
        self.frame_h = self.page_h - self.top - self.header_h - HEADER_GAP - self.bottom

    # The page header, foot line and watermark -------------------------------------------
    def _header_table(self, page_text: str) -> RLTable:
        header = self.record.header
        small = 11.0
        last = len(header.agency_lines) - 1
        agency = [_para(L.clip(line, HEADER_LINE_CHARS),
                        _style(small if index == last else small - 1, bold=index == last, align="center"))
                  for index, line in enumerate(header.agency_lines)]
        title = _para(L.clip(header.title, HEADER_TITLE_CHARS).upper(),
                      _style(small + 1, bold=True, align="center"))
        facts = [_para(L.clip(f"{label}: {value}" if label else value, HEADER_FACT_CHARS),
                       _style(small - 0.5)) for label, value in header.facts]
        facts.append(_para(page_text, _style(small - 0.5)))
        shares = HEADER_SHARES
        table = RLTable([[agency, title, facts]], colWidths=[self.text_w * s for s in shares])
        table.setStyle(TableStyle([_FONT,
            ("GRID", (0, 0), (-1, -1), 0.7, GRID),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        return table

    def decorate(self, canvas: Canvas, page: int, total: int) -> None:
        table = self._header_table(f"Trang: {page}/{total}")
        _w, height = table.wrap(self.text_w, self.page_h)
        table.drawOn(canvas, self.left, self.page_h - self.top - height)
        foot = " · ".join(part for part in (self.record.stamp, self.record.footer) if part)
        if foot:
            canvas.setFont(face_name(italic=True), 9)
            canvas.setFillColor(STAMP_RED if self.record.stamp else colors.black)
            canvas.drawString(self.left, self.bottom - 5 * mm, L.nfc(foot))
            canvas.setFillColor(colors.black)
        if self.record.watermark:
            canvas.saveState()
            canvas.setFillColor(STAMP_RED)
            canvas.setFillAlpha(0.16)
            canvas.setFont(face_name(bold=True), 84 if not self.record.landscape else 96)
            canvas.translate(self.page_w / 2, self.page_h / 2)
            canvas.rotate(50 if not self.record.landscape else 30)
            canvas.drawCentredString(0, -30, L.nfc(self.record.watermark))
            canvas.restoreState()

    # Blocks ---------------------------------------------------------------------------------
    def flowables(self) -> list[Flowable]:
        items: list[Flowable] = []
        record = self.record
        if record.stamp or record.qr_url:
            items.append(self._stamp_row())
        for block in record.blocks:
            items.extend(self._block(block))
        return items

    def _stamp_row(self) -> Flowable:
        record = self.record
        cells: list[Any] = []
        widths: list[float] = []
        if record.qr_url:
            cells.append(_QRCode(record.qr_url, 22 * mm, record.qr_caption))
            widths.append(26 * mm)
        stamp = ""
        if record.stamp:
            stamp_style = _style(12, bold=True, align="center", textColor=STAMP_RED)
            stamp_box = RLTable([[_para(record.stamp, stamp_style)]], colWidths=[70 * mm])
            stamp_box.setStyle(TableStyle([_FONT, ("BOX", (0, 0), (-1, -1), 1.5, STAMP_RED),
                                           ("TOPPADDING", (0, 0), (-1, -1), 5),
                                           ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
            stamp = stamp_box
        cells.append(stamp)
        widths.append(self.text_w - sum(widths))
        row = RLTable([cells], colWidths=widths)
        row.setStyle(TableStyle([_FONT, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                 ("ALIGN", (-1, 0), (-1, 0), "RIGHT"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        return row

    def _block(self, block: L.Block) -> list[Flowable]:
        size = self.record.body_size
        if isinstance(block, L.Heading):
            text = block.text.upper() if block.level == 1 else block.text
            return self._heading(text, self.headings.get(block.level, self.headings[3]))
        if isinstance(block, L.Paragraph):
            style = _style(block.size or size, align=block.align, spaceAfter=block.space_after,
                           firstLineIndent=block.indent)
            return _paras(block.runs, style)
        if isinstance(block, L.ListBlock):
            return self._list(block)
        if isinstance(block, L.Table):
            return self._table(block)
        if isinstance(block, L.SignOff):
            return [self._sign_off(block)]
        if isinstance(block, L.SignatureSpace):
            return [Spacer(1, 3 * mm), _SignatureSpace(block, self.text_w, self.result)]
        if isinstance(block, L.PageBreak):
            return [PageBreak()]
        raise TypeError(f"unknown block {block!r}")

    def _heading(self, text: str, style: ParagraphStyle) -> list[Flowable]:
        """A heading kept with what follows it, unless it is itself a large part of a page.

        reportlab keeps a ``keepWithNext`` heading taller than the frame in a group it can
        neither place nor split, and ``build()`` then loops for ever; a long heading is
        typeset as a paragraph that breaks across pages instead.
        """
        if len(text) <= PARAGRAPH_PIECE:
            heading = _para(text, style)
            if heading.wrap(self.text_w, self.frame_h)[1] <= self.frame_h * KEEP_HEADING_SHARE:
                return [CondPageBreak(30 * mm), heading]
        return _paras([L.Run(text)], ParagraphStyle(f"{style.name}-long", parent=style, keepWithNext=0))

    def _list(self, block: L.ListBlock) -> list[Flowable]:
        indent = 7 * mm * (min(block.level, MAX_LIST_LEVEL) + 1)
        style = _style(self.record.body_size, align="justify", leftIndent=indent,
                       bulletIndent=indent - 6 * mm, spaceAfter=2)
        items = []
        for number, item in enumerate(block.items, start=block.start):
            bullet = f"{number}." if block.ordered else "-"
            items.extend(_paras(item, style, bulletText=bullet))
        if items:
            items[-1].style = ParagraphStyle(f"{items[-1].style.name}-end", parent=items[-1].style,
                                             spaceAfter=5)
        return items

    def _table(self, block: L.Table) -> list[Flowable]:
        size = block.size or self.record.table_size
        cell_style = self.table_cell if size == self.record.table_size else _style(size, leading=1.2)
        head_style = self.table_head if size == self.record.table_size else _style(
            size, bold=True, align="center", leading=1.2)
        widths = [self.text_w * column.width for column in block.columns]
        aligned = {"center": _style(size, align="center", leading=1.2),
                   "right": _style(size, align="right", leading=1.2)}
        room = [max(width - 2 * CELL_PADDING - 0.5, size) for width in widths]
        # characters a page of each column holds, roughly (a glyph is about half the size wide)
        per_page = [max(int(space / (size * 0.5) * self.frame_h / (size * 1.2)), 100) for space in room]
        head = [[L.Run(column.title)] for column in block.columns]
        rows, continued = _continued(head, block.rows, per_page)
        data: list[list[Any]] = [[_paras(cell, head_style) for cell in rows[0]]]
        for row in rows[1:]:
            data.append([self._cell(cell, aligned.get(column.align, cell_style), space, size)
                         for column, cell, space in zip(block.columns, row, room, strict=False)])
        # LongTable splits a long table page by page without measuring the remaining rows again
        kind = LongTable if len(data) > LONG_TABLE_ROWS else RLTable
        # a header row of a few lines repeats on each page; a longer one is an ordinary row
        longest = max(len(column.title) for column in block.columns)
        repeat = block.repeat_header and longest <= PARAGRAPH_PIECE // 5
        table = kind(data, colWidths=widths, repeatRows=1 if repeat else 0,
                     splitInRow=1 if self.split_rows else 0)
        table.setStyle(TableStyle([_FONT,
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ("VALIGN", (0, 1), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("FONTSIZE", (0, 1), (-1, -1), size),
            ("LEADING", (0, 1), (-1, -1), size * 1.2),
            *[("ALIGN", (index, 1), (index, -1), column.align.upper())
              for index, column in enumerate(block.columns) if column.align in ("center", "right")],
            *[("LINEABOVE", (0, index), (-1, index), 0.6, colors.white) for index in continued],
        ]))
        items: list[Flowable] = [Spacer(1, 2)]
        if block.title:
            items.extend(self._heading(block.title, self.headings[2]))
        items += [table, Spacer(1, 6)]
        return items

    @staticmethod
    def _cell(cell: L.Cell, style: ParagraphStyle, room: float, size: float) -> Any:
        """Plain text as lines the table draws itself (broken here at word boundaries: several
        times cheaper than a paragraph in a long report); bold or italic runs as a paragraph."""
        if not cell:
            return ""
        if len(cell) == 1 and not (cell[0].bold or cell[0].italic):
            text = cell[0].text
            if stringWidth(text, FAMILY, size) <= room:
                return text
            if style.alignment != TA_JUSTIFY and len(text) <= PARAGRAPH_PIECE:
                return "\n".join(_lines(text, size, room))
        pieces = _paras(cell, style)
        return pieces[0] if len(pieces) == 1 else pieces

    def _sign_off(self, block: L.SignOff) -> Flowable:
        size = self.record.table_size
        head = _style(size, bold=True, align="center")
        strong = _style(size, bold=True, align="center")
        note = _style(size - 1.5, italic=True, align="center", textColor=colors.Color(0.1, 0.2, 0.5))
        normal = _style(size, align="center")
        heads, bodies = [], []
        for column in block.columns:
            heads.append(_para(column.heading, head))
            cell: list[Flowable] = []
            for index, signer in enumerate(column.signers):
                if index:
                    cell.append(Spacer(1, 8))
                cell += [_para(line, strong) for line in signer.authority]
                cell.append(Spacer(1, 3))
                cell += [_para(line, note) for line in signer.manifestation]
                cell.append(Spacer(1, 3))
                cell.append(_para(signer.name, strong))
                if signer.title and not signer.authority:
                    cell.append(_para(signer.title, normal))
            bodies.append(cell)
        count = len(block.columns)
        # kept on one page when it fits there (KeepTogether); many signers break across pages
        table = RLTable([heads, bodies], colWidths=[self.text_w / count] * count, repeatRows=1, splitInRow=1)
        table.setStyle(TableStyle([_FONT,
            ("GRID", (0, 0), (-1, -1), 0.5, GRID),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 1), (-1, 1), 6),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 8),
        ]))
        return KeepTogether([Spacer(1, 4), table, Spacer(1, 8)])


def _canvas_class(builder: _Builder) -> type[Canvas]:
    class DecoratedCanvas(Canvas):
        """Keeps each page until the count is known, then draws the header on every one."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # the canvas names its starting font on every page: make it an embedded one, not Helvetica
            kwargs["initialFontName"] = kwargs.get("initialFontName") or FAMILY
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                builder.decorate(self, number, total)
                super().showPage()
            builder.result.pages = total
            super().save()

    return DecoratedCanvas


class LayoutStalled(LayoutError):
    """The layout loop went round without placing anything: a flowable it can neither place
    nor split. Raised instead of looping for ever while a request waits."""


class _DocTemplate(BaseDocTemplate):
    """reportlab's document, with a guard against a layout that makes no progress."""

    def handle_pageBegin(self) -> None:
        self._idle_rounds = 0
        super().handle_pageBegin()

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        self._idle_rounds = getattr(self, "_idle_rounds", 0) + 1
        if self._idle_rounds > STALL_LIMIT:
            raise LayoutStalled(f"no progress on page {self.page} after {STALL_LIMIT} layout steps")
        super().handle_flowable(flowables)


def build_pdf(record: L.Record) -> BuiltPdf:
    L.check_length(record)
    try:
        return _build(_Builder(record))
    except LayoutStalled:
        raise
    except LayoutError:  # a table row taller than a page: let rows split across pages
        builder = _Builder(record)
        builder.split_rows = True
        return _build(builder)


def _build(builder: _Builder) -> BuiltPdf:
    record = builder.record
    buffer = io.BytesIO()
    frame = Frame(builder.left, builder.bottom, builder.text_w, builder.frame_h,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    document = _DocTemplate(
        buffer, pagesize=(builder.page_w, builder.page_h), title=L.nfc(record.file_title),
        author=L.nfc(record.author), subject=L.nfc(record.header.title), creator="qms",
        keywords=[L.nfc(k) for k in record.keywords], lang="vi-VN",
        leftMargin=builder.left, rightMargin=builder.right, topMargin=builder.top,
        bottomMargin=builder.bottom,
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    document.build(builder.flowables(), canvasmaker=_canvas_class(builder))
    builder.result.data = buffer.getvalue()
    return builder.result


__all__ = ["FAMILY", "BuiltPdf", "build_pdf"]
