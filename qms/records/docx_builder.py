"""A :class:`~qms.records.layout.Record` typeset as DOCX with python-docx.

The page header is a Word header (so it repeats on every page) holding the same
three-cell table as the PDF, with PAGE and NUMPAGES fields for "Trang x/y"; the
watermark is a Word text watermark in the header; table header rows repeat.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from docx import Document as new_document
from docx.blkcntnr import BlockItemContainer
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph as DocxParagraph

from qms.records import layout as L
from qms.records.fonts import DOCX_FONT
from qms.records.pdf_builder import (
    HEADER_FACT_CHARS,
    HEADER_LINE_CHARS,
    HEADER_SHARES,
    HEADER_TITLE_CHARS,
    MAX_LIST_LEVEL,
)
from qms.records.qr import qr_png

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
RED = RGBColor(0xB8, 0x0D, 0x0D)
NAVY = RGBColor(0x1A, 0x33, 0x80)


def _fonts(element: Any, size: float | None = None) -> None:
    """Times New Roman for every script (ascii, hAnsi, cs, eastAsia), as Word wants it."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), DOCX_FONT)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            node = rpr.find(qn(tag))
            if node is None:
                node = OxmlElement(tag)
                rpr.append(node)
            node.set(qn("w:val"), str(round(size * 2)))


def _add_runs(paragraph: DocxParagraph, items: list[L.Run] | str, *, size: float, bold: bool = False,
              italic: bool = False, color: RGBColor | None = None) -> None:
    if isinstance(items, str):
        items = [L.Run(items)]
    for item in items:
        lines = item.text.split("\n")
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.bold = bold or item.bold or None
            run.italic = italic or item.italic or None
            run.font.size = Pt(size)
            if color is not None:
                run.font.color.rgb = color
            if index < len(lines) - 1:
                run.add_break()


def _spacing(paragraph: DocxParagraph, before: float = 0, after: float = 0, line: float = 1.15) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), line


def _field(paragraph: DocxParagraph, instruction: str, size: float) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / cached value / end runs."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            run.text = text or ""


def _cell_margins(table: DocxTable, top: float = 40, bottom: float = 40, side: float = 70) -> None:
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge, value in (("top", top), ("bottom", bottom), ("left", side), ("right", side)):
        node = OxmlElement(f"w:{edge}")
        node.set(qn("w:w"), str(int(value)))
        node.set(qn("w:type"), "dxa")
        margins.append(node)
    tbl_pr.append(margins)


def _shade(cell: _Cell, fill: str = "EBEBEB") -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _red_border(cell: _Cell) -> None:
    borders = OxmlElement("w:tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        node = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "12"), ("color", "B80D0D"), ("space", "0")):
            node.set(qn(f"w:{key}"), value)
        borders.append(node)
    cell._tc.get_or_add_tcPr().append(borders)


def _repeat_header(row: _Row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _no_split(row: _Row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _widths(table: DocxTable, widths_mm: list[float]) -> None:
    """Fixed column widths, in the grid (LibreOffice reads it) and in every cell (Word does)."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=False):
        column.set(qn("w:w"), str(round(width * 56.693)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _watermark_xml(text: str, landscape: bool) -> str:
    width, height = (620, 110) if landscape else (470, 95)
    return (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
        '<w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
        '<v:textpath on="t" fitshape="t"/></v:shapetype>'
        f'<v:shape id="QmsWatermark" o:spid="_x0000_s2049" type="#_x0000_t136" style="position:absolute;'
        f'margin-left:0;margin-top:0;width:{width}pt;height:{height}pt;rotation:{330 if landscape else 310};'
        'z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;'
        'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
        'fillcolor="#b80d0d" stroked="f"><v:fill opacity=".2"/>'
        f'<v:textpath style="font-family:&quot;{DOCX_FONT}&quot;;font-size:1pt;font-weight:bold" '
        f'string={quoteattr(text)}/></v:shape></w:pict></w:r>'
    )


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}


def _run_xml(run: L.Run, half_points: int) -> str:
    style = ("<w:b/>" if run.bold else "") + ("<w:i/>" if run.italic else "")
    properties = f'<w:rPr>{style}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
    pieces = run.text.split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(piece)}</w:t>' for piece in pieces)
    return f"<w:r>{properties}{body}</w:r>"


def _body_rows(block: L.Table, widths_mm: list[float], size: float) -> list[BaseOxmlElement]:
    """The body rows of a table as WordprocessingML, parsed in one go: python-docx builds
    element by element, which takes seconds for a report of a few thousand rows."""
    half_points = round(size * 2)
    paragraph_properties = {
        align: f'<w:pPr><w:spacing w:before="0" w:after="20" w:line="264" w:lineRule="auto"/>'
               f'<w:jc w:val="{_JC[align]}"/></w:pPr>' for align in _JC}
    rows = []
    for values in block.rows:
        cells = []
        for column, width, value in zip(block.columns, widths_mm, values, strict=False):
            runs = "".join(_run_xml(run, half_points) for run in value)
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{round(width * 56.693)}" w:type="dxa"/></w:tcPr>'
                         f"<w:p>{paragraph_properties[column.align]}{runs}</w:p></w:tc>")
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")
    parsed = parse_xml(f'<w:tbl xmlns:w="{_W}">{"".join(rows)}</w:tbl>')
    return list(parsed)


class _Builder:
    def __init__(self, record: L.Record) -> None:
        self.record = record
        self.doc = new_document()
        self.size, self.table_size = record.body_size, record.table_size
        width_mm, height_mm = L.page_size_mm(record)
        self.text_w = width_mm - L.MARGINS.left - L.MARGINS.right
        section = self.doc.sections[0]
        if record.landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(width_mm), Mm(height_mm)
        section.top_margin, section.bottom_margin = Mm(L.MARGINS.top), Mm(L.MARGINS.bottom)
        section.left_margin, section.right_margin = Mm(L.MARGINS.left), Mm(L.MARGINS.right)
        section.header_distance, section.footer_distance = Mm(L.MARGINS.top * 0.5), Mm(8)
        normal = self.doc.styles["Normal"]
        normal.font.name = DOCX_FONT
        normal.font.size = Pt(self.size)
        _fonts(normal.element, self.size)
        properties = self.doc.core_properties
        # Word's document properties hold at most 255 characters
        properties.title = L.clip(L.nfc(record.file_title), 255)
        properties.author = L.clip(L.nfc(record.author), 255)
        properties.subject = L.clip(record.header.title, 255)
        properties.keywords = L.clip(L.nfc(", ".join(record.keywords)), 255)
        properties.language = "vi-VN"
        self._end = self.doc.element.body.sectPr

    def _body_paragraph(self) -> DocxParagraph:
        """A paragraph at the end of the body. python-docx's own ``add_paragraph`` looks for the
        body's last element from the first each time, which makes thousands of paragraphs
        take minutes; the place is known, so the paragraph goes straight there."""
        element = OxmlElement("w:p")
        self._end.addprevious(element)
        return DocxParagraph(element, self.doc._body)

    def _body_table(self, rows: int, cols: int, style: str | None = None) -> DocxTable:
        element = CT_Tbl.new_tbl(rows, cols, Mm(self.text_w))
        self._end.addprevious(element)
        table = DocxTable(element, self.doc._body)
        table.style = style
        return table

    def paragraph(self, items: list[L.Run] | str, *, size: float | None = None, align: str = "justify",
                  bold: bool = False, italic: bool = False, before: float = 0, after: float = 4,
                  container: BlockItemContainer | None = None,
                  color: RGBColor | None = None) -> DocxParagraph:
        paragraph = container.add_paragraph() if container is not None else self._body_paragraph()
        paragraph.alignment = _ALIGN[align]
        _spacing(paragraph, before, after)
        _add_runs(paragraph, items, size=size or self.size, bold=bold, italic=italic, color=color)
        return paragraph

    def _cell_text(self, cell: _Cell, items: list[L.Run] | str, *, size: float, align: str = "left",
                   bold: bool = False, italic: bool = False, first: bool = True,
                   color: RGBColor | None = None) -> DocxParagraph:
        paragraph = cell.paragraphs[0] if first and not cell.paragraphs[0].runs else cell.add_paragraph()
        paragraph.alignment = _ALIGN[align]
        _spacing(paragraph, 0, 1, 1.1)
        _add_runs(paragraph, items, size=size, bold=bold, italic=italic, color=color)
        return paragraph

    def header(self) -> None:
        section = self.doc.sections[0]
        header = self.record.header
        container = section.header
        table = container.add_table(rows=1, cols=3, width=Mm(self.text_w))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _widths(table, [self.text_w * share for share in HEADER_SHARES])
        agency, title, facts = table.rows[0].cells
        for cell in (agency, title, facts):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        last = len(header.agency_lines) - 1
        for index, line in enumerate(header.agency_lines):
            self._cell_text(agency, L.clip(line, HEADER_LINE_CHARS), size=11 if index == last else 10,
                            align="center", bold=index == last, first=index == 0)
        self._cell_text(title, L.clip(header.title, HEADER_TITLE_CHARS).upper(), size=12, align="center",
                        bold=True)
        for index, (label, value) in enumerate(header.facts):
            self._cell_text(facts, L.clip(f"{label}: {value}" if label else value, HEADER_FACT_CHARS),
                            size=10.5, first=index == 0)
        page = self._cell_text(facts, "Trang: ", size=10.5, first=False)
        _field(page, "PAGE", 10.5)
        _add_runs(page, "/", size=10.5)
        _field(page, "NUMPAGES", 10.5)
        first = container.paragraphs[0]
        _spacing(first, 0, 0, 1.0)
        if self.record.watermark:
            first._p.append(parse_xml(_watermark_xml(self.record.watermark, self.record.landscape)))
        spacer = container.add_paragraph()
        _spacing(spacer, 0, 0, 1.0)
        foot = " · ".join(part for part in (self.record.stamp, self.record.footer) if part)
        if foot:
            paragraph = section.footer.paragraphs[0]
            _add_runs(paragraph, foot, size=9, italic=True, color=RED if self.record.stamp else None)

    def stamp_row(self) -> None:
        record = self.record
        if not (record.stamp or record.qr_url):
            return
        table = self._body_table(1, 3)
        _widths(table, [26, self.text_w - 26 - 72, 72])
        qr_cell, _gap, stamp_cell = table.rows[0].cells
        if record.qr_url:
            run = qr_cell.paragraphs[0].add_run()
            run.add_picture(io.BytesIO(qr_png(record.qr_url, scale=6)), width=Mm(22))
            if record.qr_caption:
                self._cell_text(qr_cell, record.qr_caption, size=6.5, italic=True, first=False)
        if record.stamp:
            stamp_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _red_border(stamp_cell)
            self._cell_text(stamp_cell, record.stamp, size=12, align="center", bold=True, color=RED)
        self.paragraph("", after=2)

    def block(self, block: L.Block) -> None:
        if isinstance(block, L.Heading):
            text = block.text.upper() if block.level == 1 else block.text
            before = {1: 10, 2: 6}.get(block.level, 4)
            paragraph = self.paragraph(text, align="left", bold=True, italic=block.level >= 3,
                                       before=before, after=3)
            paragraph.paragraph_format.keep_with_next = True
        elif isinstance(block, L.Paragraph):
            paragraph = self.paragraph(block.runs, size=block.size, align=block.align,
                                       after=block.space_after)
            if block.indent:
                paragraph.paragraph_format.first_line_indent = Pt(block.indent)
        elif isinstance(block, L.ListBlock):
            self._list(block)
        elif isinstance(block, L.Table):
            self._table(block)
        elif isinstance(block, L.SignOff):
            self._sign_off(block)
        elif isinstance(block, L.SignatureSpace):
            self.paragraph("", after=block.height_mm * 2.8)
        elif isinstance(block, L.PageBreak):
            self._body_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _list(self, block: L.ListBlock) -> None:
        indent = Mm(7 * (min(block.level, MAX_LIST_LEVEL) + 1))
        for number, item in enumerate(block.items, start=block.start):
            marker = f"{number}.\t" if block.ordered else "-\t"
            paragraph = self.paragraph([L.Run(marker), *item], after=2)
            fmt = paragraph.paragraph_format
            fmt.left_indent, fmt.first_line_indent = indent, -Mm(6)
            fmt.tab_stops.add_tab_stop(indent)

    def _table(self, block: L.Table) -> None:
        size = block.size or self.table_size
        if block.title:
            self.block(L.Heading(block.title, level=2))
        table = self._body_table(1, len(block.columns), "Table Grid")
        _cell_margins(table)
        head = table.rows[0]
        _repeat_header(head)
        for cell, column in zip(head.cells, block.columns, strict=True):
            _shade(cell)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            self._cell_text(cell, column.title, size=size, align="center", bold=True)
        widths = [self.text_w * column.width for column in block.columns]
        _widths(table, widths)
        for row_xml in _body_rows(block, widths, size):
            table._tbl.append(row_xml)
        self.paragraph("", after=2, size=6)

    def _sign_off(self, block: L.SignOff) -> None:
        size = self.table_size
        table = self._body_table(2, len(block.columns), "Table Grid")
        _cell_margins(table, top=60, bottom=120)
        for cell, column in zip(table.rows[0].cells, block.columns, strict=True):
            _shade(cell)
            self._cell_text(cell, column.heading, size=size, align="center", bold=True)
        for cell, column in zip(table.rows[1].cells, block.columns, strict=True):
            first = True
            for signer in column.signers:
                for line in signer.authority:
                    self._cell_text(cell, line, size=size, align="center", bold=True, first=first)
                    first = False
                for line in signer.manifestation:
                    self._cell_text(cell, line, size=size - 1.5, align="center", italic=True, first=first,
                                    color=NAVY)
                    first = False
                self._cell_text(cell, signer.name, size=size, align="center", bold=True, first=first)
                first = False
                if signer.title and not signer.authority:
                    self._cell_text(cell, signer.title, size=size, align="center", first=False)
        for row in table.rows:
            _no_split(row)
        _widths(table, [self.text_w / len(block.columns)] * len(block.columns))
        self.paragraph("", after=4, size=6)

    def build(self) -> bytes:
        self.header()
        self.stamp_row()
        for block in self.record.blocks:
            self.block(block)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def build_docx(record: L.Record) -> bytes:
    L.check_length(record)
    return _Builder(record).build()
