"""Reading an existing Word procedure into the seven standard sections.

Only text is read: paragraphs and table cells of the body and of the page header. The
package has already been checked (a plain DOCX, no macros, no ZIP bomb); python-docx
parses its XML without resolving entities, and nothing embedded is opened or run.

Word files are read as agencies write them:

- Headings are matched by their words, without accents or case, numbered in Arabic
  ("1.", "2)") or Roman ("I.", "II -") figures, by Word's own numbering, or not at all
  (then the paragraph must look like a heading: a heading style, bold or capitals).
  Variants count: "Phạm vi áp dụng", "Thuật ngữ và định nghĩa", "ĐỊNH NGHĨA/VIẾT TẮT",
  "Các từ viết tắt", "Hồ sơ cần lưu", … "Phụ lục" is a part of its own: annexes are
  attached files in the library, so its text is listed, not merged into the records.
- The cover (a table or lines before the first heading, or the page header) gives the code
  ("Mã số", "Mã hiệu", "Ký hiệu"), the revision ("Lần ban hành", "Lần sửa đổi") and the
  title, from whichever cell holds them.
- A table whose header names a task column and a step or responsibility column becomes the
  steps table, its columns found by their words in any order ("TT", "Bước", "Trình tự",
  "Trách nhiệm", "Người thực hiện", "Nội dung công việc", "Thời gian", "Biểu mẫu/Hồ sơ",
  "Kết quả").
- A table whose header names the revision and the date becomes the change history.
- Bullets and numbering, typed or Word's own, become Markdown lists.
- Whatever else could not be placed is reported, a line each, with where it was.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docx import Document as open_docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from qms.core.i18n import _, ngettext
from qms.core.markup import nfc
from qms.core.search import fold
from qms.core.text import CONTROL_CHARACTERS
from qms.documents.models import SECTIONS
from qms.documents.placement import STEPS_HEADINGS, heading_key, is_steps_marker
from qms.documents.schemas import Step

log = logging.getLogger(__name__)
MAX_UNMAPPED = 50
MAX_HEADING_CHARS = 90
ANNEX = "annex"
#: "1.", "II -", "A)", "Phần I:", "Mục 2." before a heading's words (folded text)
_NUMBERING = re.compile(r"^\s*(?:(?:phan|muc|dieu|chuong)\s+)?"
                        r"([0-9]{1,2}(?:\.[0-9]{1,2})*|[ivx]{1,5}|[a-h])(?:\s*[.):/-]\s*|\s+)")
_CODE = re.compile(r"\b(?:ma so|ma hieu|ma tai lieu|so hieu|ky hieu|ma quy trinh)"
                   r"(?:\s+(?:tai lieu|quy trinh|van ban|huong dan))?\s*[:.]?\s*([a-z0-9][a-z0-9._-]*)")
_REVISION = re.compile(r"\b(?:lan ban hanh|lan sua doi|lan soat xet|phien ban)"
                       r"(?:\s*/\s*(?:sua doi|soat xet))?\s*[:.]?\s*0*(\d{1,3})\b")
#: a cover cell holding the code alone, without its label: "QT-TN-09", "HD.05"
_BARE_CODE = re.compile(r"^(?:QT|HD|HDCV|ST|STCL|CS|MT|BM|QD|QC)[-.][A-Z0-9][A-Z0-9._-]{0,36}$")
_COVER_FACTS = re.compile(r"\b(?:ngay hieu luc|ngay ban hanh|ngay co hieu luc|trang\s*[:.]?\s*\d|so trang)\b")
_CODE_VALUE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")
_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_TITLE_WORDS = ("quy trinh", "huong dan", "so tay", "chinh sach", "muc tieu", "quy dinh", "quy che")
_SIGN_OFF = ("nguoi soan thao", "nguoi xem xet", "nguoi phe duyet", "soan thao", "phe duyet")
_BULLET = re.compile(r"^[-–—•●○■□▪◦➢►✓+*\uf0b7\uf0a7\uf0d8\uf076\uf0fc]\s*")
_ORDERED = re.compile(r"^(\d{1,3})[.)]\s+")
_SUB_HEADING = re.compile(r"^\d{1,2}\.\d{1,2}\.?\s+\S.{0,80}$")
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")

#: the words of each part's heading, after its numbering; a heading may join several with
#: "và", "/", ",", "&" ("Thuật ngữ và định nghĩa", "ĐỊNH NGHĨA/VIẾT TẮT")
_HEADING_WORDS: dict[str, tuple[str, ...]] = {
    "purpose": ("muc dich", "muc dich yeu cau", "muc dich ban hanh"),
    "scope": ("pham vi", "pham vi ap dung", "pham vi dieu chinh", "doi tuong ap dung", "doi tuong"),
    "references": ("tai lieu vien dan", "tai lieu tham khao", "tai lieu lien quan", "can cu",
                   "can cu phap ly", "van ban phap ly", "co so phap ly", "van ban lien quan",
                   "van ban vien dan"),
    "definitions": ("dinh nghia", "thuat ngu", "viet tat", "tu viet tat", "chu viet tat", "tu ngu viet tat",
                    "giai thich tu ngu", "dinh nghia thuat ngu", "ky hieu viet tat", "cac dinh nghia"),
    "content": ("noi dung", "noi dung quy trinh", "noi dung thuc hien", "mo ta quy trinh",
                "noi dung chinh"),
    "forms": ("bieu mau", "mau bieu", "bieu mau su dung", "bieu mau ap dung", "danh muc bieu mau"),
    "records": ("ho so", "ho so can luu", "ho so luu", "luu ho so", "ho so luu tru", "danh muc ho so",
                "ho so can luu tru", "ho so cua quy trinh"),
    ANNEX: ("phu luc", "phu luc kem theo"),
}
_PHRASES = {phrase: part for part, phrases in _HEADING_WORDS.items() for phrase in phrases}
_JOINERS = re.compile(r"\s*(?:/|,|;|&|\+|\(|\)|\s-\s|\bva\b|\bhoac\b)\s*")

#: steps-table columns by the words of their header, tried in this order ("Trình tự thực
#: hiện" is the task, "Người thực hiện" the responsibility, "Thời gian thực hiện" the duration)
_COLUMN_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("duration", re.compile(r"\b(?:thoi gian|thoi han)\b")),
    ("output", re.compile(r"\b(?:bieu mau|ho so|ket qua|san pham|dau ra|tai lieu)\b")),
    ("task", re.compile(r"\b(?:noi dung|trinh tu|cong viec|mo ta|dien giai|cach thuc)\b")),
    ("step", re.compile(r"^(?:s?tt|so tt|buoc|cac buoc|thu tu|so thu tu)\b")),
    ("responsibility", re.compile(r"\b(?:trach nhiem|thuc hien|don vi|bo phan|chu tri|can bo|nguoi)\b")),
)
_STEP_LIMITS = {"step": 40, "responsibility": 300, "task": 5000, "duration": 100, "output": 500}


class UnreadableDocx(ValueError):
    """The file is not a Word document that can be read."""


@dataclass
class HistoryLine:
    revision: int
    effective_date: date | None
    change_summary: str


@dataclass(frozen=True)
class Unplaced:
    """A passage that was not imported, and where it was in the file."""

    text: str
    where: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


@dataclass
class ParsedProcedure:
    code: str = ""
    revision: int | None = None
    title: str = ""
    sections: dict[str, str] = field(default_factory=lambda: {name: "" for name in SECTIONS})
    steps: list[Step] = field(default_factory=list)
    history: list[HistoryLine] = field(default_factory=list)
    unmapped: list[Unplaced] = field(default_factory=list)
    #: passages not placed beyond the MAX_UNMAPPED listed
    more: int = 0

    def note(self, text: str, where: str) -> None:
        text = " ".join(text.split())
        if text and len(self.unmapped) < MAX_UNMAPPED:
            self.unmapped.append(Unplaced(text if len(text) <= 120 else text[:117] + "…", where))
        elif text:
            self.more += 1


@dataclass(frozen=True)
class Heading:
    part: str
    number: int | None


_ROMAN = {"i": 1, "v": 5, "x": 10}


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 1 and text not in _ROMAN:
        return ord(text) - ord("a") + 1
    values = [_ROMAN[ch] for ch in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def heading_of(text: str) -> Heading | None:
    """The standard part a heading names, or None: "II. ĐỊNH NGHĨA/VIẾT TẮT" → definitions.

    A sub-heading numbered on two levels ("5.1 Hồ sơ") is never a part's heading."""
    if not text or len(text) > MAX_HEADING_CHARS:
        return None
    folded = fold(text)
    number = None
    if match := _NUMBERING.match(folded):
        if "." in match.group(1):
            return None
        folded, number = folded[match.end():], _number(match.group(1))
    words = [re.sub(r"^cac\s+", "", w).strip(" .:-") for w in _JOINERS.split(folded.rstrip(" :.-"))]
    parts = [_PHRASES.get(w) for w in words if w]
    if not parts or None in parts:
        return None
    return Heading(str(parts[0]), number)


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
#: not read as the paragraph's text: deleted tracked changes, field codes, text boxes (read
#: on their own) and the copy of a drawing kept for older versions of Word
_SKIPPED = {qn("w:del"), qn("w:delText"), qn("w:instrText"), qn("w:txbxContent"), qn("w:pPr"), qn("w:rPr"),
            _MC_FALLBACK}


def _text(element: BaseOxmlElement, *, bold: bool = False) -> str:
    """The visible text of a paragraph, runs inside tracked insertions, fields, links and
    content controls included (python-docx reads only the paragraph's direct runs); with
    ``bold``, the words set in bold in a paragraph that is not bold throughout as **…**."""
    out: list[tuple[str, bool]] = []

    def walk(node: BaseOxmlElement, strong: bool) -> None:
        for child in node:
            tag = child.tag
            if tag in _SKIPPED:
                continue
            if tag == qn("w:t"):
                out.append((child.text or "", strong))
            elif tag == qn("w:tab"):
                out.append(("\t", strong))
            elif tag in (qn("w:br"), qn("w:cr")):
                out.append(("\n", strong))
            elif tag == qn("w:noBreakHyphen"):
                out.append(("-", strong))
            else:
                walk(child, _run_bold(child) if tag == qn("w:r") else strong)

    walk(element, False)
    text = "".join(piece for piece, _strong in out)
    if bold and any(strong and piece.strip() for piece, strong in out) and not all(
            strong for piece, strong in out if piece.strip()):
        text = _marked(out)
    return CONTROL_CHARACTERS.sub("", nfc(text))


def _run_bold(run: BaseOxmlElement) -> bool:
    """Bold set on the run itself (a style's bold is the heading's, not emphasis)."""
    r_pr = run.find(qn("w:rPr"))
    b = r_pr.find(qn("w:b")) if r_pr is not None else None
    return b is not None and b.get(qn("w:val"), "true") not in ("0", "false", "off")


def _marked(pieces: list[tuple[str, bool]]) -> str:
    """Runs as Markdown, the bold ones between ** (spaces kept outside the markers)."""
    merged: list[list[Any]] = []
    for piece, strong in pieces:
        if merged and merged[-1][1] == strong:
            merged[-1][0] += piece
        else:
            merged.append([piece, strong])
    out = []
    for piece, strong in merged:
        core = piece.strip()
        if strong and core:
            lead, trail = piece[:len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()):]
            out.append(f"{lead}**{core}**{trail}")
        else:
            out.append(piece)
    return "".join(out)


def _text_boxes(element: BaseOxmlElement) -> list[str]:
    """The text of the text boxes and shapes anchored in a paragraph, each box once."""
    boxes = []
    for box in element.iter(qn("w:txbxContent")):
        if any(ancestor.tag == _MC_FALLBACK for ancestor in box.iterancestors()):
            continue
        text = " ".join(" ".join(_text(p).split()) for p in box.iter(qn("w:p")))
        if text.strip():
            boxes.append(text.strip())
    return boxes


def _paragraph_text(paragraph: Paragraph) -> str:
    return " ".join(_text(paragraph._p).split())


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    num_pr: BaseOxmlElement | None
    outline: int | None


class _Formats:
    """Paragraph styles and Word's own list numbering, read once: python-docx looks a
    paragraph's style up anew each time (seconds over a long procedure)."""

    def __init__(self, document: DocxDocument) -> None:
        self._styles: dict[str, _Style] = {}
        self._default: str | None = None
        for node in document.styles.element.findall(qn("w:style")):
            if node.get(qn("w:type")) != "paragraph":
                continue
            style_id = node.get(qn("w:styleId"), "")
            name, based, p_pr = node.find(qn("w:name")), node.find(qn("w:basedOn")), node.find(qn("w:pPr"))
            outline = p_pr.find(qn("w:outlineLvl")) if p_pr is not None else None
            self._styles[style_id] = _Style(
                (name.get(qn("w:val"), "") if name is not None else style_id).lower(),
                based.get(qn("w:val")) if based is not None else None,
                p_pr.find(qn("w:numPr")) if p_pr is not None else None,
                _level(outline))
            if node.get(qn("w:default")) in ("1", "true", "on"):
                self._default = style_id
        self._formats: dict[tuple[str, str], str] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[str, str]] = {}
        for node in numbering.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in node.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                kind = fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal"
                levels[lvl.get(qn("w:ilvl"), "0")] = kind
            abstract[node.get(qn("w:abstractNumId"), "")] = levels
        for num in numbering.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = abstract.get(ref.get(qn("w:val"), "") if ref is not None else "", {})
            for ilvl, fmt in levels.items():
                self._formats[(num.get(qn("w:numId"), ""), ilvl)] = fmt

    def _chain(self, paragraph: Paragraph) -> Iterator[_Style]:
        """The paragraph's style and those it is based on."""
        p_pr = paragraph._p.pPr
        found = p_pr.find(qn("w:pStyle")) if p_pr is not None else None
        style_id = found.get(qn("w:val")) if found is not None else self._default
        for _depth in range(6):
            style = self._styles.get(style_id or "")
            if style is None:
                return
            yield style
            style_id = style.based_on

    def style_name(self, paragraph: Paragraph) -> str:
        return next((style.name for style in self._chain(paragraph)), "")

    def outline_level(self, paragraph: Paragraph) -> int | None:
        """1 for "Heading 1" or outline level 0, and so on; None for body text."""
        p_pr = paragraph._p.pPr
        level = _level(p_pr.find(qn("w:outlineLvl")) if p_pr is not None else None)
        if level is not None:
            return level
        for style in self._chain(paragraph):
            if style.outline is not None:
                return style.outline
            if match := re.match(r"heading (\d)$", style.name):
                return int(match.group(1))
        return None

    def list_of(self, paragraph: Paragraph) -> tuple[str, int] | None:
        """("bullet" or "number", level) for a paragraph Word numbers, else None."""
        p_pr = paragraph._p.pPr
        num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
        if num_pr is None:
            styled = (style.num_pr for style in self._chain(paragraph) if style.num_pr is not None)
            num_pr = next(styled, None)
        if num_pr is None:
            return None
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        num = num_id.get(qn("w:val"), "0") if num_id is not None else "0"
        level = ilvl.get(qn("w:val"), "0") if ilvl is not None else "0"
        if num == "0":
            return None
        fmt = self._formats.get((num, level), "bullet")
        if fmt == "none":
            return None
        return ("number" if fmt == "decimal" else "bullet"), int(level) if level.isdigit() else 0


def _level(outline: BaseOxmlElement | None) -> int | None:
    value = outline.get(qn("w:val"), "") if outline is not None else ""
    return int(value) + 1 if value.isdigit() and int(value) < 9 else None


def _looks_like_heading(paragraph: Paragraph, text: str, formats: _Formats) -> bool:
    if formats.style_name(paragraph).startswith("title") or formats.outline_level(paragraph) is not None:
        return True
    letters = [ch for ch in text if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters):
        return True
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs and all(run.bold or (run.style is not None and run.style.font.bold) for run in runs):
        return True
    return formats.list_of(paragraph) is not None or text.endswith(":")


def _bold_lead(paragraph: Paragraph, lead: str) -> bool:
    """Whether ``lead`` is set in bold at the start of the paragraph ("**Mục đích:** Quy định …")."""
    bold = ""
    for run in paragraph.runs:
        if not run.bold:
            break
        bold += run.text
    return bool(bold.strip()) and fold(bold).strip(" :") == fold(lead).strip(" :")


def _markdown_line(paragraph: Paragraph, formats: _Formats) -> tuple[str, bool]:
    """The paragraph as a line of Markdown, and whether it is a list item."""
    raw = _text(paragraph._p).strip()
    words = " ".join(raw.replace("\t", " ").split())
    listed = formats.list_of(paragraph)
    if listed is not None:
        kind, level = listed
        marker = "1." if kind == "number" else "-"
        rich = " ".join(_text(paragraph._p, bold=True).replace("\t", " ").split())
        text = _BULLET.sub("", rich) if kind == "bullet" else rich
        return f"{'   ' * min(level, 3)}{marker} {text}", True
    if bullet := _BULLET.match(raw):
        return "- " + " ".join(raw[bullet.end():].split()), True
    if ordered := _ORDERED.match(raw):
        return f"{ordered.group(1)}. " + " ".join(raw[ordered.end():].split()), True
    if "list" in formats.style_name(paragraph):
        return "- " + words, True
    if formats.outline_level(paragraph) is not None or (
            _SUB_HEADING.match(words) and _looks_like_heading(paragraph, words, formats)):
        return "### " + words, False
    return " ".join(_text(paragraph._p, bold=True).replace("\t", " ").split()), False


def _row_cells(table: Table, row: _Row) -> list[_Cell]:
    """A row's cells, a cell merged across columns once (and a cell merged down, its text in
    each row). A row python-docx cannot resolve (a merge continued from no row above) gives
    its cells as written."""
    try:
        cells = list(row.cells)
    except (ValueError, IndexError):
        return [_Cell(tc, table) for tc in row._tr.tc_lst]
    unique: list[_Cell] = []
    for cell in cells:
        if not unique or cell._tc is not unique[-1]._tc:
            unique.append(cell)
    return unique


def _rows(table: Table) -> list[list[str]]:
    """The text of each cell of each row."""
    return [[_cell_text(cell._tc) for cell in _row_cells(table, row)] for row in table.rows]


def _cell_text(cell: BaseOxmlElement) -> str:
    """A cell's paragraphs a line each, those of a table nested in it included."""
    lines: list[str] = []
    for child in cell:
        if child.tag == qn("w:p"):
            lines.append(_text(child).replace("\t", " "))
        elif child.tag == qn("w:tbl"):
            for tc in child.iter(qn("w:tc")):
                lines.extend(_text(p).replace("\t", " ") for p in tc.findall(qn("w:p")))
    return "\n".join(line.strip() for line in lines).strip()


def _step_columns(header: list[str]) -> dict[int, str] | None:
    """Which role each column of a steps table plays, or None when it is not one."""
    roles: dict[int, str] = {}
    for index, cell in enumerate(header):
        folded = fold(cell).strip(" .:")
        for role, pattern in _COLUMN_WORDS:
            if pattern.search(folded) and (role == "output" or role not in roles.values()):
                roles[index] = role
                break
    found = set(roles.values())
    if "task" in found and ({"step", "responsibility"} & found) and len(found) >= 3:
        return roles
    return None


def _kind_of_table(header: list[str]) -> str:
    folded = [fold(cell) for cell in header]
    joined = " | ".join(folded)
    if re.search(r"\b(?:lan|phien ban)\b", joined) and "ngay" in joined and (
            "noi dung" in joined or "tom tat" in joined or "sua doi" in joined):
        return "history"
    if _step_columns(header) is not None:
        return "steps"
    if any(word in joined for word in _SIGN_OFF):
        return "sign_off"
    return "other"


def _markdown_table(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)

    def line(cells: list[str]) -> str:
        cells = cells + [""] * (width - len(cells))
        return "| " + " | ".join(" ".join(c.replace("|", "/").split()) for c in cells) + " |"

    return "\n".join([line(rows[0]), "|" + "---|" * width, *map(line, rows[1:])])


def _cell_where(label: str, rows: list[list[str]], row: int, cell: int) -> str:
    if len(rows) == 1:
        return _("%(table)s, cell %(cell)s", table=label, cell=cell + 1)
    return _("%(table)s, row %(row)s, cell %(cell)s", table=label, row=row + 1, cell=cell + 1)


class _Reader:
    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self.formats = _Formats(document)
        self.parsed = ParsedProcedure()
        self.current: str | None = None
        self.heading_text = ""
        self.first_heading = ""
        self.collected: dict[str, list[tuple[str, bool]]] = {}
        self.before_first: list[tuple[int, bool]] = []
        self.last_number: int | None = None
        self.part_level: int | None = None
        self.title_open = False

    # --- the cover ---------------------------------------------------------------------
    def cover_line(self, text: str) -> bool:
        """Take code, revision or title from a cover line; True when the line was used."""
        parsed = self.parsed
        folded = fold(text)
        used = False
        if match := _CODE.search(folded):
            candidate = match.group(1).strip(" .,;-").upper()
            if _CODE_VALUE.match(candidate) and re.search(r"[0-9.-]", candidate):
                parsed.code = parsed.code or candidate
                used = True
        if match := _REVISION.search(folded):
            parsed.revision = parsed.revision or int(match.group(1))
            used = True
        if _COVER_FACTS.search(folded):
            used = True
        if not used and _BARE_CODE.match(text.strip().upper()) and text.strip().isupper():
            parsed.code = parsed.code or text.strip()
            return True
        if not parsed.title and folded.startswith(_TITLE_WORDS) and len(text) <= 300 and not used:
            parsed.title, used, self.title_open = " ".join(text.split()), True, True
            return True
        if not used and self.title_open and parsed.title and len(parsed.title) + len(text) < 300 and (
                text.isupper()):
            parsed.title = f"{parsed.title} {' '.join(text.split())}"
            return True
        self.title_open = False
        return used

    def cover_table(self, rows: list[list[str]], label: str) -> None:
        for r, row in enumerate(rows):
            if not any(row):
                continue
            for c, cell in enumerate(row):
                self.title_open = False
                lines = (line.strip() for line in cell.splitlines())
                left = [line for line in lines if line and not self.cover_line(line)]
                if left:
                    self.parsed.note(" ".join(left), _cell_where(label, rows, r, c))
        self.title_open = False

    def page_header(self) -> None:
        """The first section's headers and footers (the first page's own when it has them):
        the cover often stands there, or the code and revision in the footer."""
        if not self.document.sections:
            return  # no section properties at all: Word's defaults, no header or footer
        section = self.document.sections[0]
        parts = [(section.header, _("in the page header"), _("in the page header table")),
                 (section.footer, _("in the page footer"), _("in the page footer table"))]
        if section.different_first_page_header_footer:
            parts[:0] = [(section.first_page_header, _("in the page header"), _("in the page header table")),
                         (section.first_page_footer, _("in the page footer"), _("in the page footer table"))]
        seen: set[str] = set()
        for part, where, table_where in parts:
            if part.is_linked_to_previous:
                continue  # the first section's own part is empty then
            for paragraph in part.paragraphs:
                text = _paragraph_text(paragraph)
                if text and not self.cover_line(text) and text not in seen:
                    seen.add(text)
                    self.parsed.note(text, where)
            for table in part.tables:
                rows = _rows(table)
                if " ".join(map(" ".join, rows)) not in seen:
                    seen.add(" ".join(map(" ".join, rows)))
                    self.cover_table(rows, table_where)

    # --- the body ------------------------------------------------------------------------
    def where_in_section(self) -> str:
        if self.current == ANNEX:
            return _("in “%(heading)s” (annexes are attached as files)", heading=self.heading_text)
        return _("in “%(heading)s”", heading=self.heading_text)

    def note_before(self, text: str, *, in_box: bool = False) -> None:
        """A passage before the first heading; where it was is known once that heading is."""
        if len(self.parsed.unmapped) < MAX_UNMAPPED:
            self.before_first.append((len(self.parsed.unmapped), in_box))
        self.parsed.note(text, "")

    def is_new_heading(self, heading: Heading | None, paragraph: Paragraph, text: str) -> bool:
        if heading is None or heading.part in self.collected:
            return False
        if heading.number is None:
            level = self.formats.outline_level(paragraph)
            if level is not None and self.part_level is not None and level > self.part_level:
                return False  # a "Hồ sơ" sub-heading in the content, one level below the parts
            return _looks_like_heading(paragraph, text, self.formats)
        # "3. Hồ sơ" in a numbered list under "5. Nội dung" is not the records' heading
        return self.last_number is None or heading.number > self.last_number

    def start(self, heading: Heading, text: str, paragraph: Paragraph | None = None) -> None:
        if self.part_level is None and paragraph is not None:
            self.part_level = self.formats.outline_level(paragraph)
        self.current, self.heading_text = heading.part, text
        self.last_number = heading.number or self.last_number
        self.first_heading = self.first_heading or text
        self.collected[heading.part] = []

    def paragraph(self, paragraph: Paragraph) -> None:
        for box in _text_boxes(paragraph._p):
            if self.current is None:
                self.note_before(box, in_box=True)
            else:
                self.parsed.note(box, _("%(where)s, in a text box", where=self.where_in_section()))
        text = _paragraph_text(paragraph)
        if not text:
            return
        heading = heading_of(text)
        if self.is_new_heading(heading, paragraph, text):
            assert heading is not None
            self.start(heading, text, paragraph)
            return
        head, colon, rest = text.partition(":")
        inline = heading_of(head) if colon and rest.strip() else None
        if inline is not None and inline.part not in self.collected and (
                _bold_lead(paragraph, head) if inline.number is None
                else self.is_new_heading(inline, paragraph, head)):
            self.start(inline, head)  # "1. Mục đích: Quy định …" on one line
            if inline.part == ANNEX:
                self.parsed.note(rest, self.where_in_section())
            else:
                self.collected[inline.part].append((" ".join(rest.split()), False))
            return
        if heading_key(text) in STEPS_HEADINGS and self.current == "content":
            self.collected["content"].append((f"### {text}", False))  # where the steps table stands
            return
        if self.current is None:
            if not self.cover_line(text):
                self.note_before(text)
        elif self.current == ANNEX:
            self.parsed.note(text, self.where_in_section())
        else:
            self.collected[self.current].append(_markdown_line(paragraph, self.formats))

    def table(self, table: Table) -> None:
        if self.table_text(table):
            return  # its paragraphs were read one by one, text boxes included
        for box in _text_boxes(table._tbl):  # a flowchart drawn over the steps table, say
            if self.current is None:
                self.note_before(box, in_box=True)
            else:
                self.parsed.note(box, _("%(where)s, in a text box", where=self.where_in_section()))

    def table_text(self, table: Table) -> bool:
        """Place a table; True when it held the parts and its paragraphs were read."""
        rows = _rows(table)
        filled = [index for index, row in enumerate(rows) if any(row)]
        if not filled:
            return False
        if sum(1 for row in rows if row and heading_of(row[0]) is not None) >= 3:
            self.parts_table(table)
            return True
        header_at = filled[0]
        if len(filled) > 1 and len(set(rows[header_at])) == 1 and _kind_of_table(rows[filled[1]]) != "other":
            header_at = filled[1]  # a title row merged across the table ("CÁC BƯỚC THỰC HIỆN")
        kind = _kind_of_table(rows[header_at])
        if kind == "steps" and self.current not in (None, "content"):
            kind = "other"  # a list of forms or records with a "Nội dung" column stays in its section
        if kind == "steps":
            self.steps(rows, header_at)
        elif kind == "history":
            self.history(rows, header_at)
        elif kind == "sign_off":
            names = "; ".join(cell for row in rows[header_at + 1:] for cell in row if cell)
            if names:
                self.parsed.note(names, _("in the sign-off table (signatures are given in the application)"))
        elif self.current is None:
            self.cover_table(rows, _("in the cover table"))
        elif self.current == ANNEX:
            for index in filled:
                self.parsed.note(" | ".join(cell for cell in rows[index] if cell), self.where_in_section())
        else:
            self.collected[self.current].append((_markdown_table([rows[index] for index in filled]), False))
        return False

    def parts_table(self, table: Table) -> None:
        """A procedure written as a table, a part a row: "1. Mục đích | Quy định …"."""
        for row in table.rows:
            cells = _row_cells(table, row)
            first = _cell_text(cells[0]._tc) if cells else ""
            heading = heading_of(first)
            if heading is not None and heading.part not in self.collected:
                self.start(heading, first)
                cells = cells[1:]
            for cell in cells:
                for paragraph in cell.paragraphs:
                    self.paragraph(paragraph)
                for inner in cell.tables:
                    self.table(inner)

    def steps(self, rows: list[list[str]], header_at: int) -> None:
        header = rows[header_at]
        roles = _step_columns(header) or {}
        for r, row in enumerate(rows[header_at + 1:], start=header_at + 2):
            if all(_COLUMN_NUMBERS.match(cell) or not cell for cell in row):
                continue  # an empty row, or the "(1) (2) (3)" row under a header
            values: dict[str, list[str]] = {}
            for c, cell in enumerate(row):
                if not cell:
                    continue
                role = roles.get(c)
                if role is None:
                    column = header[c] if c < len(header) else str(c + 1)
                    self.parsed.note(cell, _("in the steps table, row %(row)s, column “%(column)s”",
                                             row=r, column=" ".join(column.split())))
                    continue
                values.setdefault(role, []).append(" ".join(cell.split()) if role != "task" else cell)
            if not any(values.get(role) for role in ("task", "responsibility", "duration", "output")):
                if values.get("step"):
                    self.parsed.note(" ".join(values["step"]), _("in the steps table, row %(row)s", row=r))
                continue
            cells = {role: "; ".join(texts)[:_STEP_LIMITS[role]] for role, texts in values.items()}
            cells.setdefault("step", str(len(self.parsed.steps) + 1))
            self.parsed.steps.append(Step(**cells))

    def history(self, rows: list[list[str]], header_at: int) -> None:
        parsed = self.parsed
        header = [fold(cell) for cell in rows[header_at]]

        def column(test: Callable[[str], bool], default: int) -> int:
            return next((i for i, h in enumerate(header) if test(h)), default)

        rev_col = column(lambda h: "lan" in h or "phien ban" in h, 0)
        date_col = column(lambda h: "ngay" in h, 1)
        text_col = column(lambda h: "noi dung" in h or "tom tat" in h or "sua doi" in h, len(header) - 1)
        for r, row in enumerate(rows[header_at + 1:], start=header_at + 2):
            number = re.search(r"\d{1,3}", row[rev_col]) if rev_col < len(row) else None
            if number is None:
                if any(row):
                    parsed.note(" | ".join(cell for cell in row if cell),
                                _("in the change-history table, row %(row)s", row=r))
                continue
            found = _DATE.search(row[date_col]) if date_col < len(row) else None
            when = None
            if found:
                try:
                    when = date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
                except ValueError:
                    when = None
            parsed.history.append(HistoryLine(int(number.group()), when,
                                              row[text_col] if text_col < len(row) else ""))

    def read(self) -> ParsedProcedure:
        self.page_header()
        for child in _body_children(self.document):
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                self.paragraph(Paragraph(child, self.document))
            elif tag == "tbl":
                self.title_open = False
                self.table(Table(child, self.document))
        before = (_("before “%(heading)s”", heading=self.first_heading) if self.first_heading
                  else _("before the first section heading"))
        for index, in_box in self.before_first:
            if index < len(self.parsed.unmapped):
                where = _("%(where)s, in a text box", where=before) if in_box else before
                self.parsed.unmapped[index] = Unplaced(self.parsed.unmapped[index].text, where)
        if self.parsed.more:
            self.parsed.unmapped.append(Unplaced(
                ngettext("%(num)s more passage could not be placed either.",
                         "%(num)s more passages could not be placed either.", self.parsed.more),
                _("further on")))
        for name, lines in self.collected.items():
            if name == ANNEX:
                continue
            if name == "content" and lines and is_steps_marker(lines[-1][0]):
                lines = lines[:-1]  # nothing after the table: it follows the section anyway
            self.parsed.sections[name] = _join(lines)
        return self.parsed


def _body_children(document: DocxDocument) -> Iterator[BaseOxmlElement]:
    """Paragraphs and tables of the body in order, the content of content controls included."""
    def walk(parent: BaseOxmlElement) -> Iterator[BaseOxmlElement]:
        for child in parent.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag in ("p", "tbl"):
                yield child
            elif tag == "sdt":
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from walk(content)
    return walk(document.element.body)


def read_docx(data: bytes) -> ParsedProcedure:
    try:
        document = open_docx(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise UnreadableDocx(str(exc)) from None
    try:
        return _Reader(document).read()
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
        # a package python-docx opens but whose parts do not hang together (a table row
        # wider than its grid, a style or numbering it cannot resolve): the file, not a 500
        log.warning("Word file not read: %s", exc, exc_info=True)
        raise UnreadableDocx(str(exc)) from None


def _join(lines: list[tuple[str, bool]]) -> str:
    """Paragraphs apart by a blank line; the items of a list on consecutive lines."""
    out: list[str] = []
    previous_item = False
    for text, item in lines:
        if out:
            out.append("\n" if item and previous_item else "\n\n")
        out.append(text)
        previous_item = item
    return "".join(out).strip()
