"""Reading an existing Word procedure into the seven standard sections.

Only text is read: paragraphs and table cells of the body and of the page header. The
package has already been checked (a plain DOCX, no macros, no ZIP bomb); python-docx
parses its XML without resolving entities, and nothing embedded is opened or run.

- Headings are the paragraphs that name a standard section ("1. Mục đích", "MỤC ĐÍCH",
  the same aliases as the procedure source format), whatever their style.
- A table whose header names "Bước" and "Trách nhiệm" becomes the steps table (5 columns).
- A table whose header names the revision and the date becomes the change history.
- "Mã số/Mã hiệu: QT-01" and "Lần ban hành: 02" (body or page header) give the code and
  revision; the first line that reads as a title ("QUY TRÌNH …") gives the title.
- Whatever else could not be placed is reported, a line each.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

from docx import Document as open_docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from qms.documents.models import SECTIONS
from qms.documents.placement import STEPS_HEADINGS, is_steps_marker
from qms.documents.schemas import Step
from qms.documents.source import SECTION_HEADINGS
from qms.markup import nfc
from qms.search import fold

MAX_UNMAPPED = 50
MAX_HEADING_CHARS = 90
_NUMBERING = re.compile(r"^\s*(?:[0-9]+|[IVXivx]+|[a-zA-Z])(?:\.[0-9]+)*[.)/]?\s+")
_CODE = re.compile(r"\b(?:ma so|ma hieu|ma tai lieu|so hieu|ky hieu)\s*:?\s*(\S+)")
_REVISION = re.compile(r"\b(?:lan ban hanh|lan sua doi|phien ban)\s*:?\s*0*(\d{1,3})\b")
_CODE_VALUE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")
_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_TITLE_WORDS = ("quy trinh", "huong dan", "so tay", "chinh sach", "muc tieu", "quy dinh", "quy che")
_SIGN_OFF = ("nguoi soan thao", "nguoi xem xet", "nguoi phe duyet", "soan thao", "phe duyet")


class UnreadableDocx(ValueError):
    """The file is not a Word document that can be read."""


@dataclass
class HistoryLine:
    revision: int
    effective_date: date | None
    change_summary: str


@dataclass
class ParsedProcedure:
    code: str = ""
    revision: int | None = None
    title: str = ""
    sections: dict[str, str] = field(default_factory=lambda: {name: "" for name in SECTIONS})
    steps: list[Step] = field(default_factory=list)
    history: list[HistoryLine] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        text = " ".join(text.split())
        if text and len(self.unmapped) < MAX_UNMAPPED:
            self.unmapped.append(text if len(text) <= 120 else text[:117] + "…")


def _heading_key(text: str) -> str:
    return fold(_NUMBERING.sub("", text)).rstrip(" :.")


def _paragraph_text(paragraph: Paragraph) -> str:
    return nfc(paragraph.text.replace("\t", " ")).strip()


def _markdown_line(paragraph: Paragraph) -> tuple[str, bool]:
    """The paragraph as a line of Markdown, and whether it is a list item."""
    raw = nfc(paragraph.text).strip()
    style = (paragraph.style.name if paragraph.style is not None else "").lower()
    bullet = re.match(r"^[-–•+*]\s*\t?\s*", raw)
    ordered = re.match(r"^(\d{1,3})[.)]\t\s*", raw)
    if bullet:
        return "- " + " ".join(raw[bullet.end():].split()), True
    if ordered:
        return f"{ordered.group(1)}. " + " ".join(raw[ordered.end():].split()), True
    if "list" in style:
        return "- " + " ".join(raw.split()), True
    if style.startswith("heading"):
        return "### " + " ".join(raw.split()), False
    return " ".join(raw.replace("\t", " ").split()), False


def _cells(table: Table) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in table.rows:
        values: list[str] = []
        for cell in row.cells:
            values.append(nfc("\n".join(p.text for p in cell.paragraphs)).strip())
        rows.append(values)
    return rows


def _kind_of_table(header: list[str]) -> str:
    folded = [fold(cell) for cell in header]
    joined = " | ".join(folded)
    if len(header) >= 5 and folded[0].startswith("buoc") and "trach nhiem" in joined:
        return "steps"
    if ("lan" in joined or "phien ban" in joined) and "ngay" in joined and (
            "noi dung" in joined or "tom tat" in joined or "sua doi" in joined):
        return "history"
    if any(word in joined for word in _SIGN_OFF):
        return "sign_off"
    return "other"


def _markdown_table(rows: list[list[str]]) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(" ".join(c.replace("|", "/").split()) for c in cells) + " |"

    return "\n".join([line(rows[0]), "|" + "---|" * len(rows[0]), *map(line, rows[1:])])


def _history(rows: list[list[str]], parsed: ParsedProcedure) -> None:
    header = [fold(cell) for cell in rows[0]]
    rev_col = next((i for i, h in enumerate(header) if "lan" in h or "phien ban" in h), 0)
    date_col = next((i for i, h in enumerate(header) if "ngay" in h), 1)
    text_col = next((i for i, h in enumerate(header) if "noi dung" in h or "tom tat" in h or "sua doi" in h),
                    len(header) - 1)
    for row in rows[1:]:
        number = re.search(r"\d{1,3}", row[rev_col]) if rev_col < len(row) else None
        if number is None:
            if any(row):
                parsed.note(" | ".join(row))
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


def _cover_line(text: str, parsed: ParsedProcedure) -> bool:
    """Take code, revision or title from a cover line; True when the line was used."""
    folded = fold(text)
    used = False
    if not parsed.code and (match := _CODE.search(folded)):
        candidate = match.group(1).strip(" .,;").upper()
        if _CODE_VALUE.match(candidate):
            parsed.code, used = candidate, True
    if parsed.revision is None and (match := _REVISION.search(folded)):
        parsed.revision, used = int(match.group(1)), True
    if not parsed.title and folded.startswith(_TITLE_WORDS) and len(text) <= 300:
        parsed.title, used = " ".join(text.split()), True
    return used


def read_docx(data: bytes) -> ParsedProcedure:
    try:
        document = open_docx(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise UnreadableDocx(str(exc)) from None
    parsed = ParsedProcedure()
    for section in document.sections[:1]:
        for paragraph in section.header.paragraphs:
            _cover_line(_paragraph_text(paragraph), parsed)
        for table in section.header.tables:
            for row in _cells(table):
                for cell in row:
                    for line in cell.splitlines():
                        _cover_line(line.strip(), parsed)
    current: str | None = None
    collected: dict[str, list[tuple[str, bool]]] = {}
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = _paragraph_text(paragraph)
            if not text:
                continue
            key = _heading_key(text) if len(text) <= MAX_HEADING_CHARS else ""
            if key in SECTION_HEADINGS and SECTION_HEADINGS[key] not in collected:
                current = SECTION_HEADINGS[key]
                collected[current] = []
            elif key in STEPS_HEADINGS:
                if current == "content":  # where the steps table stands (qms.documents.placement)
                    collected[current].append((f"### {text}", False))
            elif current is None:
                if not _cover_line(text, parsed):
                    parsed.note(text)
            else:
                collected[current].append(_markdown_line(paragraph))
        elif tag == "tbl":
            rows = [row for row in _cells(Table(child, document)) if any(row)]
            if not rows:
                continue
            kind = _kind_of_table(rows[0])
            if kind == "steps":
                for row in rows[1:]:
                    cells = (row + [""] * 5)[:5]
                    if any(cells):
                        parsed.steps.append(Step(step=cells[0][:40], responsibility=cells[1][:300],
                                                 task=cells[2][:5000], duration=cells[3][:100],
                                                 output=cells[4][:500]))
            elif kind == "history":
                _history(rows, parsed)
            elif kind == "sign_off":
                continue
            elif current is None:
                for row in rows:
                    if not any(_cover_line(cell, parsed) for cell in row):
                        parsed.note(" | ".join(cell for cell in row if cell))
            else:
                collected[current].append((_markdown_table(rows), False))
    for name, lines in collected.items():
        if name == "content" and lines and is_steps_marker(lines[-1][0]):
            lines = lines[:-1]  # nothing after the table: it follows the section anyway
        parsed.sections[name] = _join(lines)
    return parsed


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
