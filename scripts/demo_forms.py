"""Write the demo library's fillable forms as Word documents (DOCX, made with python-docx).

Run ``.venv/bin/python scripts/demo_forms.py`` from the repository root: it writes
``procedures/files/BM-QT01-01.docx``, ``BM-QT01-02.docx``, ``BM-QT04-01.docx`` and
``BM-QT06-01.docx``, blank forms laid out the way Sở Nội vụ tỉnh Ninh Bình prints them
under Decree 30/2020/NĐ-CP: A4 (BM-QT01-02 landscape), margins 20/20/30/15 mm, Times New
Roman 13 pt, the two-column agency / national header, the form code and revision at the
top right of every page and "Trang x/y" in the footer.

The title and the revision of each form come from the TOML front matter of
``procedures/<code>.md`` (the revision is the last ``[[revisions]]`` entry); the fields of
each form follow section "5. Nội dung" of that file. The output is byte-for-byte
repeatable: the core properties and the ZIP entries carry a fixed date.
"""

from __future__ import annotations

import io
import tomllib
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "procedures"
OUTPUT = SOURCES / "files"

AGENCY = "Sở Nội vụ tỉnh Ninh Bình"
FIXED_DATE = datetime(2025, 8, 15, tzinfo=UTC)
FONT = "Times New Roman"
SYMBOL_FONT = "Segoe UI Symbol"  # ☐ is not in Times New Roman; Word and LibreOffice fall back cleanly
SIZE = 13
TABLE_SIZE = 12
LINE = Pt(20)  # exact line pitch of the lines to write on (about 7 mm)
BOX = "☐"
DATE_LINE = "Ngày …… tháng …… năm 20……"
TIME_LINE = "…… giờ …… phút, ngày …… tháng …… năm 20……"
SIGN_NOTE = "(Ký, ghi rõ họ tên)"

# Successors of w:pBdr in w:pPr (ECMA-376 order), so the border lands where Word expects it.
_PBDR_SUCCESSORS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
    "w:rPr", "w:sectPr", "w:pPrChange",
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class FormSource:
    """What a form takes from its ``procedures/<code>.md`` file."""

    code: str
    title: str
    revision: int

    @classmethod
    def read(cls, code: str) -> FormSource:
        lines = (SOURCES / f"{code}.md").read_text(encoding="utf-8").splitlines()
        if not lines or lines[0].strip() != "+++":
            raise ValueError(f"{code}.md does not start with +++ front matter")
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "+++")
        front = tomllib.loads("\n".join(lines[1:end]))
        if front["code"] != code:
            raise ValueError(f"{code}.md declares code {front['code']!r}")
        return cls(code=front["code"], title=nfc(front["title"]), revision=front["revisions"][-1]["revision"])

    @property
    def heading(self) -> str:
        return self.title.upper()


# --- low-level WordprocessingML helpers ---------------------------------------------------------------


def _set_fonts(rpr: BaseOxmlElement, name: str) -> None:
    """Use ``name`` for every script slot (ascii, hAnsi, cs, eastAsia), dropping theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), name)


def _set_size(rpr: BaseOxmlElement, points: float) -> None:
    for tag in ("w:sz", "w:szCs"):
        node = rpr.find(qn(tag))
        if node is None:
            node = OxmlElement(tag)
            rpr.append(node)
        node.set(qn("w:val"), str(round(points * 2)))


def _run(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False,
         size: float | None = None) -> None:
    """Add NFC text; "\\n" becomes a line break and each ☐ is set in a font that has it."""
    for index, line in enumerate(nfc(text).split("\n")):
        if index:
            paragraph.add_run().add_break()
        for piece in _split_boxes(line):
            run = paragraph.add_run(piece)
            run.bold = bold or None
            run.italic = italic or None
            if size is not None:
                run.font.size = Pt(size)
            if piece == BOX:
                _set_fonts(run._r.get_or_add_rPr(), SYMBOL_FONT)


def _split_boxes(line: str) -> list[str]:
    pieces: list[str] = []
    for index, chunk in enumerate(line.split(BOX)):
        if index:
            pieces.append(BOX)
        if chunk:
            pieces.append(chunk)
    return pieces


def _format(paragraph: Paragraph, *, align: WD_ALIGN_PARAGRAPH | None = None, before: float = 0,
            after: float = 0, line: Length | float | None = None) -> Paragraph:
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line is not None:
        fmt.line_spacing = line
    if align is not None:
        fmt.alignment = align
    return paragraph


def _field(paragraph: Paragraph, instruction: str, size: float) -> None:
    """A complex field (PAGE, NUMPAGES): begin, instruction, separate, cached value, end."""
    for kind in ("begin", "instr", "separate", "value", "end"):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = f" {instruction} \\* MERGEFORMAT "
            run._r.append(node)
        elif kind == "value":
            run.text = "1"
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
            run._r.append(node)


def _rule(cell: _Cell, length: Length, cell_width: Length) -> None:
    """A short centred horizontal line: an empty paragraph with a top border, narrowed by indents."""
    paragraph = _format(cell.add_paragraph(), line=Pt(4), before=3)
    indent = Length((cell_width - length) // 2)
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "0"), ("color", "auto")):
        top.set(qn(f"w:{key}"), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_PBDR_SUCCESSORS)
    mark = OxmlElement("w:rPr")  # the paragraph mark's size sets the height of the empty line
    _set_size(mark, 4)
    paragraph._p.get_or_add_pPr().insert_element_before(mark, "w:sectPr", "w:pPrChange")


def _row_flags(row: _Row, *, header: bool = False) -> None:
    """Rows never split across pages; header rows repeat on each page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert_element_before(OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader", "w:tblCellSpacing",
                                "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
    if header:
        tr_pr.insert_element_before(OxmlElement("w:tblHeader"), "w:tblCellSpacing", "w:jc", "w:hidden",
                                    "w:ins", "w:del", "w:trPrChange")


def _table(doc: DocxDocument, widths: Sequence[Length], rows: int, *, grid: bool,
           side_margin: Length = Mm(1.5)) -> Table:
    """A fixed-layout table, exactly ``sum(widths)`` wide, gridlines or borderless."""
    table = doc.add_table(rows=rows, cols=len(widths))
    if grid:
        table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(widths) // 635))  # EMU -> twentieths of a point
    margins = OxmlElement("w:tblCellMar")
    for edge, value in (("top", 0), ("left", side_margin), ("bottom", 0), ("right", side_margin)):
        node = OxmlElement(f"w:{edge}")
        node.set(qn("w:w"), str(value // 635))
        node.set(qn("w:type"), "dxa")
        margins.append(node)
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return table


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, italic: bool = False,
               align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER, size: float = TABLE_SIZE) -> None:
    paragraph = _format(cell.paragraphs[0], align=align, before=2, after=2, line=1.0)
    _run(paragraph, text, bold=bold, italic=italic, size=size)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


# --- the document -------------------------------------------------------------------------------------


class FormWriter:
    """One blank form: page set-up, header block and title, then the blocks a form builder adds."""

    def __init__(self, source: FormSource, *, landscape: bool = False, title_break: str = "") -> None:
        self.source = source
        self.landscape = landscape
        self.title_break = title_break
        self.doc = Document()
        section = self.doc.sections[0]
        self._page(section)
        self.width = Length(section.page_width - section.left_margin - section.right_margin)
        self._styles()
        self._page_header(section)
        self._page_footer(section)
        self._properties()
        self._national_header()
        self._title()

    # page, styles, metadata

    def _page(self, section: Section) -> None:
        short, long = Mm(210), Mm(297)
        section.orientation = WD_ORIENT.LANDSCAPE if self.landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (long, short) if self.landscape else (short, long)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.header_distance, section.footer_distance = Mm(8), Mm(8)
        section.gutter = Mm(0)

    def _styles(self) -> None:
        styles = self.doc.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr, FONT)
        _set_size(rpr, SIZE)
        lang = rpr.find(qn("w:lang"))
        lang.set(qn("w:val"), "vi-VN")
        normal = styles["Normal"]
        _set_fonts(normal.element.get_or_add_rPr(), FONT)
        _set_size(normal.element.get_or_add_rPr(), SIZE)
        fmt = normal.paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
        fmt.widow_control = True

    def _page_header(self, section: Section) -> None:
        paragraph = section.header.paragraphs[0]
        _format(paragraph, align=WD_ALIGN_PARAGRAPH.RIGHT)
        _run(paragraph, f"{self.source.code} · Lần ban hành: {self.source.revision:02d}", size=12)

    def _page_footer(self, section: Section) -> None:
        paragraph = section.footer.paragraphs[0]
        _format(paragraph, align=WD_ALIGN_PARAGRAPH.CENTER)
        _run(paragraph, "Trang ", size=12)
        _field(paragraph, "PAGE", 12)
        _run(paragraph, "/", size=12)
        _field(paragraph, "NUMPAGES", 12)

    def _properties(self) -> None:
        props = self.doc.core_properties
        props.title = self.source.heading
        props.subject = f"{self.source.code} · Lần ban hành: {self.source.revision:02d}"
        props.author = props.last_modified_by = AGENCY
        props.category = "Biểu mẫu"
        props.keywords = f"ISO 9001; {self.source.code}"
        props.comments = ""
        props.identifier = self.source.code
        props.language = "vi-VN"
        props.revision = 1
        props.created = props.modified = FIXED_DATE
        package = self.doc.part.package
        for r_id, rel in list(package.rels.items()):  # the template's thumbnail is not this form
            if rel.reltype == RT.THUMBNAIL:
                del package.rels[r_id]

    # fixed parts

    def _national_header(self) -> None:
        """Agency name (left) and national motto (right), borderless, as Decree 30 lays them out."""
        left = Mm(95) if self.landscape else Mm(62)
        right = Length(self.width - left)
        table = _table(self.doc, [left, right], 1, grid=False, side_margin=Mm(0))
        agency, nation = table.rows[0].cells
        for cell, lines, rule in (
            (agency, [("UBND TỈNH NINH BÌNH", False, 12), ("SỞ NỘI VỤ", True, 13)], Mm(20)),
            (nation, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, 12),
                      ("Độc lập - Tự do - Hạnh phúc", True, 13)], Mm(57)),
        ):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
            for index, (text, bold, size) in enumerate(lines):
                paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                _format(paragraph, align=WD_ALIGN_PARAGRAPH.CENTER, line=1.0)
                _run(paragraph, text, bold=bold, size=size)
            _rule(cell, rule, left if cell is agency else right)

    def _title(self) -> None:
        """The title, bold and centred; ``title_break`` starts its second line (a balanced break)."""
        paragraph = _format(self.doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before=12, after=6,
                            line=1.15)
        paragraph.paragraph_format.keep_with_next = True
        heading = self.source.heading
        if self.title_break:
            heading = heading.replace(f" {self.title_break}", f"\n{self.title_break}", 1)
        _run(paragraph, heading, bold=True, size=14)

    # blocks

    @contextmanager
    def block(self) -> Iterator[None]:
        """Keep what is added inside on one page: every paragraph but the last keeps with the next."""
        body = self.doc.element.body
        start = len(body) - 1  # the trailing w:sectPr stays last
        yield
        added = list(body)[start:-1]
        for element in added[:-1]:
            if element.tag == qn("w:p"):
                Paragraph(element, self.doc._body).paragraph_format.keep_with_next = True
            elif element.tag == qn("w:tbl"):
                for cell in Table(element, self.doc._body)._cells:
                    for paragraph in cell.paragraphs:
                        paragraph.paragraph_format.keep_with_next = True

    def paragraph(self, *, before: float = 0) -> Paragraph:
        """A body line at the exact pitch of the lines to write on."""
        return _format(self.doc.add_paragraph(), before=before, line=LINE)

    def heading(self, text: str, hint: str = "", *, colon: bool = True) -> Paragraph:
        """A bold item heading, with an italic hint on how to fill it in."""
        paragraph = self.paragraph(before=6)
        paragraph.paragraph_format.line_spacing = 1.15
        _run(paragraph, text, bold=True)
        if hint:
            _run(paragraph, f" ({hint})", italic=True)
        if colon:
            _run(paragraph, ":", bold=not hint)
        return paragraph

    def label(self, text: str) -> Paragraph:
        """A label too long to share its line with dots; the lines to write on follow it."""
        paragraph = self.paragraph()
        paragraph.paragraph_format.line_spacing = 1.15
        _run(paragraph, text)
        return paragraph

    def fill(self, *fields: tuple[str, float]) -> Paragraph:
        """One line of labels, each followed by dots up to its stop (a fraction of the text width)."""
        paragraph = self.paragraph()
        for index, (label, stop) in enumerate(fields):
            if label:
                _run(paragraph, (" " if index else "") + label + " ")
            elif index == 0:  # LibreOffice gives a line holding only a tab less than its exact height
                paragraph.add_run(" ").font.size = Pt(1)
            paragraph.add_run("\t")
            position = Length(min(int(self.width * stop), self.width - Mm(0.5)))
            paragraph.paragraph_format.tab_stops.add_tab_stop(position, WD_TAB_ALIGNMENT.RIGHT,
                                                              WD_TAB_LEADER.DOTS)
        return paragraph

    def lines(self, count: int) -> None:
        for _ in range(count):
            self.fill(("", 1.0))

    def checks(self, label: str, options: Sequence[str], stops_mm: Sequence[float], *,
               bold: bool = False) -> None:
        """A label then ☐ options on left tab stops, wrapping to further lines under the first stop."""
        paragraph = self.paragraph()
        if label:
            _run(paragraph, label, bold=bold)
        for index, option in enumerate(options):
            column = index % len(stops_mm)
            if index and column == 0:
                paragraph = self.paragraph()
            if stops_mm[column]:
                paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(stops_mm[column]))
                paragraph.add_run("\t")
            _run(paragraph, f"{BOX} {option}")

    def signature(self, title: str, *, date_line: str = DATE_LINE, room_mm: float = 16) -> None:
        """Date, signer's title and "(Ký, ghi rõ họ tên)" centred in the right half, then room to sign."""
        right = Mm(110) if self.landscape else Mm(88)
        table = _table(self.doc, [Length(self.width - right), right], 1, grid=False, side_margin=Mm(0))
        _row_flags(table.rows[0])
        cell = table.rows[0].cells[1]
        paragraphs = [cell.paragraphs[0]] + [cell.add_paragraph() for _ in range(3)]
        for index, paragraph in enumerate(paragraphs[:3]):
            _format(paragraph, align=WD_ALIGN_PARAGRAPH.CENTER, before=4 if index == 0 else 0, line=1.0)
        _format(paragraphs[3], line=Mm(room_mm))
        _run(paragraphs[0], date_line, italic=True)
        _run(paragraphs[1], title, bold=True)
        _run(paragraphs[2], SIGN_NOTE, italic=True)

    def grid(self, headers: Sequence[str], widths_mm: Sequence[float], rows: Sequence[Sequence[str]], *,
             row_height_mm: float, numbered_header: bool = False,
             aligns: Sequence[WD_ALIGN_PARAGRAPH] | None = None) -> Table:
        """A ruled table: bold header row(s) repeated on every page, then body rows (text or blank)."""
        widths = [Mm(w) for w in widths_mm]
        if sum(widths) > self.width + Mm(0.5):
            raise ValueError(f"table is {sum(widths_mm)} mm wide, the text area {self.width.mm:.0f} mm")
        head = 2 if numbered_header else 1
        table = _table(self.doc, widths, head + len(rows), grid=True)
        for col, text in enumerate(headers):
            _cell_text(table.cell(0, col), text, bold=True)
            if numbered_header:
                _cell_text(table.cell(1, col), f"({col + 1})", italic=True)
        for index, row in enumerate(table.rows):
            _row_flags(row, header=index < head)
        aligns = aligns or [WD_ALIGN_PARAGRAPH.CENTER] * len(headers)
        for offset, values in enumerate(rows):
            row = table.rows[head + offset]
            row.height = Mm(row_height_mm)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            for col, text in enumerate(values):
                _cell_text(row.cells[col], text, align=aligns[col])
        return table

    def note(self, label: str, text: str) -> None:
        paragraph = _format(self.doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, line=1.15)
        _run(paragraph, label, bold=True, italic=True)
        _run(paragraph, " " + text, italic=True)

    # output

    def save(self, path: Path) -> int:
        """Save with fixed ZIP timestamps so that two runs give identical bytes; return the size."""
        buffer = io.BytesIO()
        self.doc.save(buffer)
        out = io.BytesIO()
        with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                info = zipfile.ZipInfo(item.filename, date_time=FIXED_DATE.timetuple()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                dst.writestr(info, src.read(item.filename), compresslevel=9)
        path.write_bytes(out.getvalue())
        return len(out.getvalue())


# --- the four forms -----------------------------------------------------------------------------------


def form_qt01_01(w: FormWriter) -> None:
    """BM-QT01-01, Phiếu đề nghị soạn thảo, sửa đổi tài liệu: the nine items of section 5."""
    with w.block():
        w.heading("1. Đơn vị, người đề nghị; ngày đề nghị")
        w.fill(("Đơn vị đề nghị:", 1.0))
        w.fill(("Họ và tên, chức vụ người đề nghị:", 1.0))
        w.fill(("Ngày đề nghị:", 1.0))
    with w.block():
        w.heading("2. Tên tài liệu, mã tài liệu, lần ban hành hiện hành",
                  "ghi theo Danh mục tài liệu nội bộ BM-QT01-02; để trống mã nếu là tài liệu mới")
        w.fill(("Tên tài liệu:", 1.0))
        w.fill(("Mã tài liệu:", 0.55), ("Lần ban hành hiện hành:", 1.0))
    w.checks("3. Loại đề nghị:", ["Soạn thảo mới", "Sửa đổi, bổ sung", "Hủy bỏ"], [44, 88, 136], bold=True)
    with w.block():
        w.heading("4. Lý do đề nghị", "thay đổi quy định pháp luật, kết quả đánh giá, sự không phù hợp, "
                  "kết luận xem xét của lãnh đạo, yêu cầu thực tế")
        w.lines(3)
    with w.block():
        w.heading("5. Nội dung đề nghị")
        headers = ["TT", "Vị trí\n(mục, bước, biểu mẫu)", "Nội dung hiện tại",
                   "Nội dung đề nghị\nsửa đổi, bổ sung"]
        w.grid(headers, [11, 45, 54, 55], [[""] * 4 for _ in range(3)], row_height_mm=16)
    with w.block():
        w.heading("6. Ảnh hưởng đến tài liệu liên quan", "quy trình, biểu mẫu khác cần sửa đổi đồng thời")
        w.lines(3)
    with w.block():
        w.heading("7. Dự kiến phạm vi phân phối",
                  "các phòng, đơn vị, chức danh cần nhận tài liệu sau khi ban hành")
        w.lines(2)
    with w.block():
        w.heading("8. Ý kiến của Thư ký ISO").paragraph_format.page_break_before = True
        w.fill(("Kết quả kiểm tra:", 1.0))
        w.lines(2)
        w.fill(("Đề xuất đơn vị chủ trì soạn thảo:", 1.0))
        w.fill(("Thời hạn hoàn thành:", 1.0))
        w.signature("THƯ KÝ ISO", room_mm=22)
    with w.block():
        w.heading("9. Ý kiến của Lãnh đạo Sở")
        w.checks("", ["Chấp thuận", "Không chấp thuận"], [0, 60])
        w.fill(("Ý kiến khác hoặc lý do không chấp thuận:", 1.0))
        w.lines(3)
        w.signature("LÃNH ĐẠO SỞ", room_mm=22)


def form_qt01_02(w: FormWriter) -> None:
    """BM-QT01-02, Danh mục tài liệu nội bộ: the ten columns of section 5, blank rows to fill."""
    headers = ["TT", "Mã tài liệu", "Tên tài liệu", "Đơn vị\nchủ trì", "Lần\nban hành", "Ngày\nhiệu lực",
               "Mức độ\nbảo mật", "Trạng thái", "Ngày xem xét định kỳ gần nhất", "Ghi chú"]
    w.grid(headers, [10, 25, 52, 28, 21, 21, 20, 21, 26, 28], [[""] * 10 for _ in range(12)],
           row_height_mm=7, numbered_header=True)
    with w.block():
        w.signature("THƯ KÝ ISO", date_line="Ngày cập nhật: …… / …… / 20……")


def form_qt04_01(w: FormWriter) -> None:
    """BM-QT04-01, Phiếu kiểm soát sự không phù hợp và hành động khắc phục: parts I-IV and the approval."""
    _run(_format(w.doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, after=6), "Số phiếu: ……/……")
    with w.block():
        w.heading("I. MÔ TẢ SỰ KHÔNG PHÙ HỢP", colon=False)
        w.fill(("Đơn vị có sự không phù hợp:", 1.0))
        w.checks("Nguồn phát hiện:", ["Đánh giá nội bộ", "Đánh giá bên ngoài", "Hồ sơ quá hạn",
                                      "Phản ánh, kiến nghị", "Tự phát hiện"], [34, 81, 128])
        w.fill(("Mô tả sự việc và bằng chứng:", 1.0))
        w.lines(3)
        w.label("Yêu cầu bị vi phạm (điều khoản tiêu chuẩn, quy trình, văn bản pháp luật):")
        w.lines(1)
        w.signature("NGƯỜI PHÁT HIỆN\nHOẶC CHUYÊN GIA ĐÁNH GIÁ")
    with w.block():
        w.heading("II. XỬ LÝ TỨC THỜI", colon=False)
        w.label("Biện pháp đã thực hiện để loại bỏ sự không phù hợp, ảnh hưởng đến tổ chức, cá nhân:")
        w.lines(3)
        w.fill(("Ngày thực hiện:", 1.0))
        w.signature("THỦ TRƯỞNG ĐƠN VỊ\nCÓ SỰ KHÔNG PHÙ HỢP")
    with w.block():
        part_iii = w.heading("III. NGUYÊN NHÂN VÀ HÀNH ĐỘNG KHẮC PHỤC", colon=False)
        part_iii.paragraph_format.page_break_before = True  # page 2: corrective action, approval, check
        w.fill(("Nguyên nhân gốc rễ:", 1.0))
        w.lines(1)
        similar = w.fill(("Sự không phù hợp tương tự có thể xảy ra ở nơi khác:", 1.0))
        similar.paragraph_format.space_after = Pt(4)  # air above the table
        w.grid(["TT", "Hành động khắc phục", "Người thực hiện", "Thời hạn hoàn thành"], [11, 94, 33, 27],
               [[""] * 4 for _ in range(3)], row_height_mm=8)
        w.signature("THỦ TRƯỞNG ĐƠN VỊ\nCÓ SỰ KHÔNG PHÙ HỢP")
    with w.block():
        w.heading("PHÊ DUYỆT", colon=False)
        w.fill(("Ý kiến phê duyệt hành động khắc phục:", 1.0))
        w.lines(1)
        w.signature("PHÓ GIÁM ĐỐC PHỤ TRÁCH\nHỆ THỐNG QUẢN LÝ CHẤT LƯỢNG")
    with w.block():
        w.heading("IV. KIỂM TRA HIỆU LỰC", colon=False)
        w.fill(("Kết quả thực hiện:", 1.0))
        w.lines(1)
        w.checks("Đánh giá hiệu lực:", ["Đạt", "Chưa đạt"], [40, 70])
        w.fill(("Yêu cầu tiếp theo (nếu chưa đạt):", 1.0))
        w.fill(("Ngày đóng phiếu:", 1.0))
        w.signature("THƯ KÝ ISO\nHOẶC CHUYÊN GIA ĐÁNH GIÁ")


QT06_STEPS = (
    "Bộ phận TN&TKQ giao; Phòng TCBC&TCPCP nhận",
    "Xác nhận số hóa hồ sơ đầu vào",
    "Lãnh đạo phòng giao; chuyên viên thụ lý nhận",
    "Chuyên viên thụ lý giao; Lãnh đạo phòng nhận",
    "Lãnh đạo phòng giao; Lãnh đạo Sở nhận",
    "Sở Nội vụ giao; Văn phòng UBND tỉnh nhận (trường hợp trình UBND tỉnh)",
    "Phòng TCBC&TCPCP giao kết quả; Bộ phận TN&TKQ nhận, số hóa kết quả",
    "Bộ phận TN&TKQ trả kết quả cho tổ chức, cá nhân",
)


def form_qt06_01(w: FormWriter) -> None:
    """BM-QT06-01, Phiếu kiểm soát quá trình giải quyết hồ sơ: general lines, the 8-step table, the note."""
    w.fill(("Mã hồ sơ:", 1.0))
    w.fill(("Tên thủ tục hành chính:", 1.0))
    w.fill(("Tên tổ chức, cá nhân nộp hồ sơ:", 1.0))
    w.checks("Nơi tiếp nhận:", ["Trung tâm Phục vụ hành chính công tỉnh", "Cổng Dịch vụ công quốc gia"], [48])
    for label in ("Ngày, giờ tiếp nhận:", "Ngày hẹn trả kết quả:"):
        paragraph = w.paragraph()
        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(48))
        _run(paragraph, f"{label}\t{TIME_LINE}")
    paragraph.paragraph_format.space_after = Pt(6)  # a little air above the table
    left, center = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER
    headers = ["TT", "Tên bộ phận, cá nhân giao và nhận hồ sơ", "Thời gian giao, nhận", "Kết quả giải quyết",
               "Ghi chú"]
    rows = [[str(number), step, "", "", ""] for number, step in enumerate(QT06_STEPS, start=1)]
    w.grid(headers, [11, 56, 34, 32, 32], rows, row_height_mm=18, aligns=[center, left, center, center, left])
    w.note("Ghi chú:", "Trường hợp một khâu bị quá hạn, bộ phận, cá nhân để xảy ra quá hạn ghi rõ lý do "
           "tại cột Ghi chú.")


@dataclass(frozen=True)
class FormSpec:
    code: str
    build: Callable[[FormWriter], None]
    landscape: bool = False
    title_break: str = ""


FORMS = (
    FormSpec("BM-QT01-01", form_qt01_01),
    FormSpec("BM-QT01-02", form_qt01_02, landscape=True),
    FormSpec("BM-QT04-01", form_qt04_01, title_break="VÀ HÀNH ĐỘNG"),
    FormSpec("BM-QT06-01", form_qt06_01),
)


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for spec in FORMS:
        source = FormSource.read(spec.code)
        writer = FormWriter(source, landscape=spec.landscape, title_break=spec.title_break)
        spec.build(writer)
        path = OUTPUT / f"{spec.code}.docx"
        size = writer.save(path)
        print(f"{path.relative_to(ROOT)}  {size / 1024:.1f} KB")


if __name__ == "__main__":
    main()
