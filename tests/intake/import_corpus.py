"""A corpus of Word procedures laid out the ways agencies lay them out, and what each holds.

The same procedure (code, revision, seven sections, four steps) is written in many layouts:
cover tables with the cells in any order or in the page header, Arabic, Roman, Word-numbered
and unnumbered headings, headings without accents, steps tables with their columns in any
order and under other names, typed and Word bullets. Each case says what the reader must
find, and which passages it must list as not placed (with a piece of where they were).

Most files are built here with python-docx. Three were converted by LibreOffice from HTML
and flat ODT written here; they are kept under ``tests/data/import/`` because starting
LibreOffice in a test run is slow. Regenerate them with
``.venv/bin/python tests/intake/import_corpus.py`` (needs ``libreoffice``).
"""

from __future__ import annotations

import html
import io
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.table import Table

DATA = Path(__file__).resolve().parent.parent / "data" / "import"

AGENCY = "SỞ NỘI VỤ"
TITLE = "QUY TRÌNH THẨM ĐỊNH HỒ SƠ THÀNH LẬP HỘI"
PURPOSE = "Quy định trình tự, thủ tục thẩm định hồ sơ đề nghị thành lập hội trên địa bàn tỉnh."
SCOPE = "Áp dụng đối với Phòng Tổ chức, biên chế và tổ chức phi chính phủ, Bộ phận Một cửa của Sở Nội vụ."
REFERENCES = ["Nghị định số 126/2024/NĐ-CP ngày 08/10/2024 của Chính phủ quy định về tổ chức, hoạt động "
              "và quản lý hội", "TCVN ISO 9001:2015"]
DEFINITIONS = ["BPMC: Bộ phận Một cửa", "TCPCP: Tổ chức phi chính phủ"]
CONTENT = "Hồ sơ được nộp trực tiếp tại Bộ phận Một cửa hoặc qua Cổng dịch vụ công trực tuyến."
CONTENT_ITEMS = ["Thời hạn giải quyết: 30 ngày làm việc", "Lệ phí: không"]
FORMS = ["BM.TN.09.01: Phiếu tiếp nhận hồ sơ", "BM.TN.09.02: Phiếu thẩm định hồ sơ"]
RECORDS = ["Phiếu tiếp nhận hồ sơ, lưu 05 năm", "Quyết định cho phép thành lập hội, lưu vĩnh viễn"]
STEPS = [["1", "Công chức BPMC", "Tiếp nhận, kiểm tra hồ sơ", "0,5 ngày", "BM.TN.09.01"],
         ["2", "Chuyên viên Phòng TCBC", "Thẩm định hồ sơ, dự thảo Tờ trình", "20 ngày", "BM.TN.09.02"],
         ["3", "Lãnh đạo Sở", "Xem xét, ký Tờ trình trình UBND tỉnh", "3 ngày", "Tờ trình"],
         ["4", "Công chức BPMC", "Trả kết quả cho tổ chức", "0,5 ngày", "Sổ theo dõi"]]
ROLES = ("step", "responsibility", "task", "duration", "output")
ANNEX_TEXT = "Phụ lục 1: Sơ đồ quy trình thẩm định"
DECISION = "(Ban hành kèm theo Quyết định số 25/QĐ-SNV ngày 10/02/2026 của Giám đốc Sở Nội vụ)"


def bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def numbered(items: list[str]) -> str:
    return "\n".join(f"1. {item}" for item in items)


SECTIONS = {
    "purpose": PURPOSE,
    "scope": SCOPE,
    "references": bullets(REFERENCES),
    "definitions": bullets(DEFINITIONS),
    "content": f"{CONTENT}\n\n{bullets(CONTENT_ITEMS)}",
    "forms": bullets(FORMS),
    "records": bullets(RECORDS),
}


@dataclass
class Case:
    """A file of the corpus and what the reader must make of it."""

    name: str
    build: Callable[[], bytes]
    code: str = "QT-TN-09"
    revision: int | None = 2
    title: str = TITLE
    sections: dict[str, str] = field(default_factory=lambda: dict(SECTIONS))
    steps: list[list[str]] = field(default_factory=lambda: [list(s) for s in STEPS])
    #: (a piece of the text, a piece of where it was), in Vietnamese
    unmapped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def data(self) -> bytes:
        return self.build()


# --- python-docx helpers ------------------------------------------------------------------


def _save(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _table(doc_or_header, rows: list[list[str]], width=None) -> Table:
    table = (doc_or_header.add_table(rows=len(rows), cols=max(map(len, rows)), width=width) if width
             else doc_or_header.add_table(rows=len(rows), cols=max(map(len, rows))))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, values, strict=False):
            lines = text.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    return table


def _heading(doc: DocxDocument, text: str, how: str = "bold") -> None:
    if how == "style":
        doc.add_heading(text, level=1)
    elif how == "plain":
        doc.add_paragraph(text)
    else:
        doc.add_paragraph().add_run(text).bold = True


def _items(doc: DocxDocument, items: list[str], how: str) -> None:
    """List items typed ("-\\t", "•\\t", "+ ") or in Word's list styles ("List Bullet")."""
    for item in items:
        if how == "style":
            doc.add_paragraph(item, style="List Bullet")
        else:
            doc.add_paragraph(f"{how}{item}")


def _steps_table(doc: DocxDocument, header: list[str], order: list[str], *, step_label: str = "{}",
                 extra: dict[int, str] | None = None, title_row: bool = False,
                 number_row: bool = False) -> None:
    """The steps table with its columns in ``order`` (roles), titled ``header``."""
    rows: list[list[str]] = []
    if title_row:
        rows.append(["CÁC BƯỚC THỰC HIỆN"] * len(header))
    rows.append(header)
    if number_row:
        rows.append([f"({i + 1})" for i in range(len(header))])
    for index, step in enumerate(STEPS):
        values = dict(zip(ROLES, step, strict=True))
        values["step"] = step_label.format(step[0])
        row = [values.get(role, "") for role in order]
        for column, text in (extra or {}).items():
            if index == 0:
                row[column] = text
        rows.append(row)
    table = _table(doc, rows)
    if title_row:
        first = table.rows[0].cells
        first[0].merge(first[-1]).text = "CÁC BƯỚC THỰC HIỆN"


def _procedure(doc: DocxDocument, headings: list[str], *, how: str = "bold", items: str = "-\t",
               steps: Callable[[DocxDocument], None] | None = None, steps_heading: str = "Các bước thực hiện",
               annex: bool = False, records_table: bool = False) -> None:
    """The seven parts under ``headings`` (purpose … records, then the annex when asked)."""
    parts = iter(headings)
    _heading(doc, next(parts), how)
    doc.add_paragraph(PURPOSE)
    _heading(doc, next(parts), how)
    doc.add_paragraph(SCOPE)
    _heading(doc, next(parts), how)
    _items(doc, REFERENCES, items)
    _heading(doc, next(parts), how)
    _items(doc, DEFINITIONS, items)
    _heading(doc, next(parts), how)
    doc.add_paragraph(CONTENT)
    _items(doc, CONTENT_ITEMS, items)
    if steps_heading:
        _heading(doc, steps_heading, "bold")
    (steps or (lambda d: _steps_table(d, ["Bước", "Trách nhiệm", "Nội dung công việc", "Thời gian",
                                          "Biểu mẫu/Hồ sơ"], list(ROLES), step_label="{}")))(doc)
    _heading(doc, next(parts), how)
    _items(doc, FORMS, items)
    _heading(doc, next(parts), how)
    if records_table:
        _table(doc, [["TT", "Tên hồ sơ", "Nơi lưu", "Thời gian lưu"],
                     ["1", "Phiếu tiếp nhận hồ sơ", "BPMC", "05 năm"],
                     ["2", "Quyết định cho phép thành lập hội", "Phòng TCBC", "Vĩnh viễn"]])
    else:
        _items(doc, RECORDS, items)
    if annex:
        _heading(doc, next(parts), how)
        doc.add_paragraph(ANNEX_TEXT)


ARABIC = ["1. MỤC ĐÍCH", "2. PHẠM VI ÁP DỤNG", "3. TÀI LIỆU VIỆN DẪN", "4. ĐỊNH NGHĨA/VIẾT TẮT",
          "5. NỘI DUNG QUY TRÌNH", "6. BIỂU MẪU", "7. HỒ SƠ CẦN LƯU", "8. PHỤ LỤC"]
ROMAN = ["I. MỤC ĐÍCH", "II. PHẠM VI ÁP DỤNG", "III. TÀI LIỆU VIỆN DẪN", "IV. THUẬT NGỮ VÀ ĐỊNH NGHĨA",
         "V. NỘI DUNG QUY TRÌNH", "VI. BIỂU MẪU", "VII. HỒ SƠ CẦN LƯU", "VIII. PHỤ LỤC"]
WORDS = ["Mục đích", "Phạm vi", "Căn cứ pháp lý", "Các từ viết tắt", "Nội dung", "Biểu mẫu", "Hồ sơ",
         "Phụ lục"]


# --- the python-docx layouts --------------------------------------------------------------


def issue_cover() -> bytes:
    """The layout of the report: [agency | title | code / revision] in one row, in the body."""
    doc = new_docx()
    _table(doc, [[AGENCY, TITLE, "Mã hiệu: QT-TN-09 / Lần ban hành: 02"]])
    _procedure(doc, ARABIC, annex=True, steps_heading="5.1. Trình tự thực hiện",
               steps=lambda d: _steps_table(d, ["TT", "Trình tự", "Trách nhiệm", "Thời gian", "Kết quả"],
                                            ["step", "task", "responsibility", "duration", "output"]))
    return _save(doc)


def reversed_cover_roman() -> bytes:
    """Code first, agency last, the title on two lines; Roman-numbered headings."""
    doc = new_docx()
    _table(doc, [["Mã số: QT-TN-09\nLần ban hành: 02\nNgày hiệu lực: 01/03/2026",
                  "QUY TRÌNH\nTHẨM ĐỊNH HỒ SƠ THÀNH LẬP HỘI", "UBND TỈNH NINH BÌNH\nSỞ NỘI VỤ"]])
    _procedure(doc, ROMAN, annex=True)
    return _save(doc)


def two_row_cover_heading_styles() -> bytes:
    """A two-row cover ("Ký hiệu", "Lần sửa đổi" in cells of their own); unnumbered headings
    in Word's heading style, in everyday case; Word's own bullets."""
    doc = new_docx()
    _table(doc, [[AGENCY, TITLE, "Trang: 1/6"],
                 ["Ký hiệu: QT-TN-09", "Lần sửa đổi: 02", "Ngày hiệu lực: 01/03/2026"]])
    _procedure(doc, WORDS, how="style", items="style", annex=True)
    return _save(doc)


def page_header_cover() -> bytes:
    """The cover in the page header, as the generated record has it; headings without accents."""
    doc = new_docx()
    header = doc.sections[0].header
    _table(header, [[AGENCY, TITLE, "Mã số: QT-TN-09\nLần ban hành: 02\nTrang: 1/5"]],
           width=doc.sections[0].page_width)
    _procedure(doc, ["1. Muc dich", "2. Pham vi ap dung", "3. Tai lieu vien dan", "4. Dinh nghia, viet tat",
                     "5. Noi dung quy trinh", "6. Bieu mau", "7. Ho so can luu"], how="plain",
               steps=lambda d: _steps_table(d, ["Nội dung công việc", "Bước", "Trách nhiệm", "Biểu mẫu/Hồ sơ",
                                                "Thời gian"], ["task", "step", "responsibility", "output",
                                                               "duration"], step_label="B{}"))
    return _save(doc)


def titled_steps_table() -> bytes:
    """A steps table with a merged title row, a "(1) (2) …" row, two output columns and a
    column the reader has no place for; headings numbered "1)"."""
    doc = new_docx()
    doc.add_paragraph(AGENCY)
    doc.add_paragraph("QUY TRÌNH")
    doc.add_paragraph("THẨM ĐỊNH HỒ SƠ THÀNH LẬP HỘI")
    doc.add_paragraph("Mã số: QT-TN-09 - Lần ban hành: 02")
    headings = [f"{n}) {w}" for n, w in enumerate(["Mục đích", "Phạm vi áp dụng", "Tài liệu viện dẫn",
                                                   "Định nghĩa và viết tắt", "Nội dung quy trình",
                                                   "Biểu mẫu", "Hồ sơ cần lưu"], start=1)]

    def steps(d: DocxDocument) -> None:
        _steps_table(d, ["STT", "Người thực hiện", "Nội dung", "Thời gian", "Biểu mẫu", "Ghi chú"],
                     ["step", "responsibility", "task", "duration", "output", "note"],
                     extra={5: "Kiểm tra trên phần mềm"}, title_row=True, number_row=True)
    _procedure(doc, headings, how="plain", items="•\t", steps=steps, steps_heading="")
    return _save(doc)


def word_numbered_headings() -> bytes:
    """Headings numbered by Word (the "List Number" style), so the text has no figures."""
    doc = new_docx()
    _table(doc, [[AGENCY, f"{TITLE}\nMã số: QT-TN-09\nLần ban hành: 02"]])
    parts = ["MỤC ĐÍCH", "PHẠM VI ÁP DỤNG", "TÀI LIỆU VIỆN DẪN", "ĐỊNH NGHĨA, VIẾT TẮT", "NỘI DUNG",
             "BIỂU MẪU", "HỒ SƠ CẦN LƯU"]
    texts = {0: [PURPOSE], 1: [SCOPE]}
    lists = {2: REFERENCES, 3: DEFINITIONS, 5: FORMS, 6: RECORDS}
    for index, part in enumerate(parts):
        doc.add_paragraph(part, style="List Number")
        for text in texts.get(index, []):
            doc.add_paragraph(text)
        _items(doc, lists.get(index, []), "style")
        if index == 4:
            doc.add_paragraph(CONTENT)
            _items(doc, CONTENT_ITEMS, "style")
            doc.add_paragraph("Lưu đồ").runs[0].bold = True
            _steps_table(doc, ["Bước", "Trách nhiệm", "Nội dung công việc", "Thời gian", "Biểu mẫu/Hồ sơ"],
                         list(ROLES), step_label="B{}")
    return _save(doc)


def tables_in_sections() -> bytes:
    """Definitions and records as tables in their sections; bullets typed "+ "; a decision
    line before the first heading."""
    doc = new_docx()
    _table(doc, [[TITLE, AGENCY], ["Lần ban hành: 02", "Mã hiệu: QT-TN-09"]])
    doc.add_paragraph(DECISION)
    parts = iter(ARABIC)
    _heading(doc, next(parts))
    doc.add_paragraph(PURPOSE)
    _heading(doc, next(parts))
    doc.add_paragraph(SCOPE)
    _heading(doc, next(parts))
    _items(doc, REFERENCES, "+ ")
    _heading(doc, next(parts))
    _table(doc, [["Từ viết tắt", "Giải thích"], ["BPMC", "Bộ phận Một cửa"],
                 ["TCPCP", "Tổ chức phi chính phủ"]])
    _heading(doc, next(parts))
    doc.add_paragraph(CONTENT)
    _items(doc, CONTENT_ITEMS, "+ ")
    _steps_table(doc, ["Bước", "Trách nhiệm", "Nội dung công việc", "Thời gian", "Biểu mẫu/Hồ sơ"],
                 list(ROLES))
    _heading(doc, next(parts))
    _items(doc, FORMS, "+ ")
    _heading(doc, next(parts))
    _table(doc, [["TT", "Tên hồ sơ", "Nơi lưu", "Thời gian lưu"],
                 ["1", "Phiếu tiếp nhận hồ sơ", "BPMC", "05 năm"],
                 ["2", "Quyết định cho phép thành lập hội", "Phòng TCBC", "Vĩnh viễn"]])
    return _save(doc)


def numbered_items_in_content() -> bytes:
    """Sub-headings "5.1", "5.2" and a typed numbered list in the content whose items read
    like headings ("2. Hồ sơ", "3. Biểu mẫu"): they stay in the content."""
    doc = new_docx()
    _table(doc, [[AGENCY, TITLE, "Mã số: QT-TN-09\nLần ban hành: 02"]])
    parts = iter(ARABIC)
    for text, body in zip(parts, [PURPOSE, SCOPE], strict=False):
        _heading(doc, text)
        doc.add_paragraph(body)
    _heading(doc, "3. TÀI LIỆU VIỆN DẪN")
    _items(doc, REFERENCES, "-\t")
    _heading(doc, "4. ĐỊNH NGHĨA/VIẾT TẮT")
    _items(doc, DEFINITIONS, "-\t")
    _heading(doc, "5. NỘI DUNG QUY TRÌNH")
    _heading(doc, "5.1. Yêu cầu")
    doc.add_paragraph("1. Điều kiện")
    doc.add_paragraph("2. Hồ sơ")
    doc.add_paragraph("3. Biểu mẫu")
    _heading(doc, "5.2. Lưu đồ")
    _steps_table(doc, ["Bước", "Trách nhiệm", "Nội dung công việc", "Thời gian", "Biểu mẫu/Hồ sơ"],
                 list(ROLES))
    _heading(doc, "6. BIỂU MẪU")
    _items(doc, FORMS, "-\t")
    _heading(doc, "7. HỒ SƠ CẦN LƯU")
    _items(doc, RECORDS, "-\t")
    return _save(doc)


def combined_purpose_scope_with_history() -> bytes:
    """"MỤC ĐÍCH VÀ PHẠM VI ÁP DỤNG" as one part, a change history and a sign-off table."""
    doc = new_docx()
    _table(doc, [[AGENCY, TITLE, "Mã số: QT-TN-09\nLần ban hành: 02"]])
    _table(doc, [["", "Người soạn thảo", "Người xem xét", "Người phê duyệt"],
                 ["Họ tên", "Nguyễn Thị Lan", "Trần Văn Bình", "Lê Văn Cường"]])
    _table(doc, [["Lần ban hành", "Ngày hiệu lực", "Nội dung sửa đổi"],
                 ["01", "15/01/2025", "Ban hành lần đầu"],
                 ["02", "01/03/2026", "Rút ngắn thời hạn thẩm định"]])
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _heading(doc, "1. MỤC ĐÍCH VÀ PHẠM VI ÁP DỤNG")
    doc.add_paragraph(PURPOSE)
    doc.add_paragraph(SCOPE)
    _heading(doc, "2. TÀI LIỆU VIỆN DẪN")
    _items(doc, REFERENCES, "-\t")
    _heading(doc, "3. ĐỊNH NGHĨA/VIẾT TẮT")
    _items(doc, DEFINITIONS, "-\t")
    _heading(doc, "4. NỘI DUNG")
    doc.add_paragraph(CONTENT)
    _items(doc, CONTENT_ITEMS, "-\t")
    _steps_table(doc, ["Bước", "Trách nhiệm", "Nội dung công việc", "Thời gian", "Biểu mẫu/Hồ sơ"],
                 list(ROLES))
    _heading(doc, "5. BIỂU MẪU")
    _items(doc, FORMS, "-\t")
    _heading(doc, "6. HỒ SƠ")
    _items(doc, RECORDS, "-\t")
    _heading(doc, "7. PHỤ LỤC")
    doc.add_paragraph(ANNEX_TEXT)
    return _save(doc)


def no_code_on_cover() -> bytes:
    """A cover with the title only: the code has to be typed."""
    doc = new_docx()
    _table(doc, [[AGENCY, TITLE]])
    _procedure(doc, ARABIC)
    return _save(doc)


def part_words_and_letters() -> bytes:
    """Headings "Phần I.", "Mục 2:", letters; steps columns "Thứ tự / Cách thức thực hiện /
    Bộ phận thực hiện / Thời hạn / Sản phẩm"; an agency line in the page header."""
    doc = new_docx()
    doc.sections[0].header.paragraphs[0].text = "UBND TỈNH NINH BÌNH - SỞ NỘI VỤ"
    _table(doc, [["Mã số: QT-TN-09", TITLE, "Lần ban hành: 02"]])
    headings = ["Phần I. Mục đích", "Phần II. Phạm vi áp dụng", "Phần III. Tài liệu viện dẫn",
                "Phần IV. Thuật ngữ, viết tắt", "Phần V. Nội dung quy trình", "Phần VI. Biểu mẫu",
                "Phần VII. Hồ sơ cần lưu"]
    _procedure(doc, headings, how="plain", items="–\t", steps_heading="Trình tự thực hiện:",
               steps=lambda d: _steps_table(d, ["Thứ tự", "Cách thức thực hiện", "Bộ phận thực hiện",
                                                "Thời hạn", "Sản phẩm"],
                                            ["step", "task", "responsibility", "duration", "output"]))
    return _save(doc)


def heading_levels() -> bytes:
    """Parts in "Heading 1", a "Hồ sơ" sub-heading in "Heading 2" inside the content (not the
    records part), and the forms as a table with a "Nội dung" column (not a steps table)."""
    doc = new_docx()
    _table(doc, [[AGENCY, TITLE, "Mã số: QT-TN-09\nLần ban hành: 02"]])
    for heading, body in (("Mục đích", PURPOSE), ("Phạm vi áp dụng", SCOPE)):
        doc.add_heading(heading, level=1)
        doc.add_paragraph(body)
    doc.add_heading("Tài liệu viện dẫn", level=1)
    _items(doc, REFERENCES, "style")
    doc.add_heading("Định nghĩa, viết tắt", level=1)
    _items(doc, DEFINITIONS, "style")
    doc.add_heading("Nội dung quy trình", level=1)
    doc.add_heading("Hồ sơ", level=2)
    doc.add_paragraph(CONTENT)
    _items(doc, CONTENT_ITEMS, "style")
    doc.add_heading("Các bước thực hiện", level=2)
    _steps_table(doc, ["Bước", "Trách nhiệm", "Nội dung công việc", "Thời gian", "Biểu mẫu/Hồ sơ"],
                 list(ROLES))
    doc.add_heading("Biểu mẫu", level=1)
    _table(doc, [["TT", "Tên biểu mẫu", "Ký hiệu", "Nội dung"],
                 ["1", "Phiếu tiếp nhận hồ sơ", "BM.TN.09.01", "Ghi nhận hồ sơ"]])
    doc.add_heading("Hồ sơ cần lưu", level=1)
    _items(doc, RECORDS, "style")
    return _save(doc)


def first_page_header_and_footer() -> bytes:
    """A first page of its own: the agency in its header, the bare code, "Lần ban hành/sửa
    đổi" and the page number in a footer table; the title in the body."""
    doc = new_docx()
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = AGENCY
    _table(section.first_page_footer, [["QT-TN-09", "Lần ban hành/sửa đổi: 02", "Trang: 1/5"]],
           width=section.page_width)
    section.header.paragraphs[0].text = AGENCY
    section.footer.paragraphs[0].text = "QT-TN-09 - Trang 2"
    doc.add_paragraph(TITLE)
    _procedure(doc, ARABIC)
    return _save(doc)


def parts_in_a_table() -> bytes:
    """The whole procedure as a two-column table, a part a row, lists and the steps table in
    the right-hand cells."""
    doc = new_docx()
    _table(doc, [[AGENCY, TITLE, "Mã số: QT-TN-09\nLần ban hành: 02"]])
    table = doc.add_table(rows=7, cols=2)
    for row, heading in zip(table.rows, ARABIC, strict=False):
        row.cells[0].text = heading
    table.rows[0].cells[1].text = PURPOSE
    table.rows[1].cells[1].text = SCOPE
    for index, items in ((2, REFERENCES), (3, DEFINITIONS), (5, FORMS), (6, RECORDS)):
        cell = table.rows[index].cells[1]
        cell.text = f"-\t{items[0]}"
        for item in items[1:]:
            cell.add_paragraph(f"-\t{item}")
    content = table.rows[4].cells[1]
    content.text = CONTENT
    for item in CONTENT_ITEMS:
        content.add_paragraph(f"-\t{item}")
    steps = content.add_table(rows=1 + len(STEPS), cols=5)
    for row, values in zip(steps.rows, [["Bước", "Trách nhiệm", "Nội dung công việc", "Thời gian", "Kết quả"],
                                        *STEPS], strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    return _save(doc)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NAMESPACES = (f'xmlns:w="{_W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
               'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
               'xmlns:v="urn:schemas-microsoft-com:vml"')


def _text_box(text: str) -> str:
    """A run holding a text box as Word writes it: the DrawingML shape, and the VML copy
    for older versions in the fallback."""
    content = f"<w:txbxContent><w:p><w:r><w:t>{html.escape(text)}</w:t></w:r></w:p></w:txbxContent>"
    return (f"<w:r {_NAMESPACES}><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:wsp>"
            f"<wps:txbx>{content}</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict>"
            f"<v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>"
            "</mc:AlternateContent></w:r>")


def word_markup() -> bytes:
    """What Word leaves in a file: tracked insertions and deletions, a text box, a content
    control around a paragraph, a field, a hyperlink; and headings on the same line as their
    text ("2. Phạm vi áp dụng: Áp dụng …")."""
    from docx.oxml import parse_xml

    doc = new_docx()
    _table(doc, [[AGENCY, TITLE, "Mã số: QT-TN-09\nLần ban hành: 02"]])
    box = doc.add_paragraph()
    box._p.append(parse_xml(_text_box("DỰ THẢO LẦN 2")))
    _heading(doc, "1. MỤC ĐÍCH")
    first, last = PURPOSE.split(" thành lập hội ")
    purpose = doc.add_paragraph(first + " ")
    purpose._p.append(parse_xml(
        f'<w:ins {_NAMESPACES} w:id="1" w:author="Lan" w:date="2026-02-01T00:00:00Z">'
        "<w:r><w:t xml:space=\"preserve\">thành lập hội </w:t></w:r></w:ins>"))
    purpose._p.append(parse_xml(
        f'<w:del {_NAMESPACES} w:id="2" w:author="Lan" w:date="2026-02-01T00:00:00Z">'
        "<w:r><w:delText>thành lập quỹ </w:delText></w:r></w:del>"))
    purpose.add_run(last)
    doc.add_paragraph(f"2. Phạm vi áp dụng: {SCOPE}")
    _heading(doc, "3. TÀI LIỆU VIỆN DẪN")
    reference = doc.add_paragraph("-\t")
    reference._p.append(parse_xml(
        f'<w:hyperlink {_NAMESPACES} w:anchor="nd126"><w:r><w:t>{html.escape(REFERENCES[0])}</w:t></w:r>'
        "</w:hyperlink>"))
    doc.add_paragraph(f"-\t{REFERENCES[1]}")
    _heading(doc, "4. ĐỊNH NGHĨA/VIẾT TẮT")
    _items(doc, DEFINITIONS, "-\t")
    _heading(doc, "5. NỘI DUNG QUY TRÌNH")
    content = doc.add_paragraph(CONTENT)
    wrapper = parse_xml(f"<w:sdt {_NAMESPACES}><w:sdtPr/><w:sdtContent/></w:sdt>")
    content._p.addprevious(wrapper)
    wrapper[1].append(content._p)
    limit = doc.add_paragraph("-\tThời hạn giải quyết: ")
    limit._p.append(parse_xml(
        f'<w:fldSimple {_NAMESPACES} w:instr="DOCPROPERTY Thoihan"><w:r><w:t>30</w:t></w:r></w:fldSimple>'))
    limit.add_run(" ngày làm việc")
    doc.add_paragraph(f"-\t{CONTENT_ITEMS[1]}")
    _steps_table(doc, ["Bước", "Trách nhiệm", "Nội dung công việc", "Thời gian", "Biểu mẫu/Hồ sơ"],
                 list(ROLES))
    doc.add_paragraph("6. Biểu mẫu: các mẫu sau")
    _items(doc, FORMS, "-\t")
    _heading(doc, "7. HỒ SƠ CẦN LƯU")
    _items(doc, RECORDS, "-\t")
    return _save(doc)


# --- the LibreOffice layouts ----------------------------------------------------------------


def _html_list(items: list[str], tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + f"</{tag}>"


def _html_table(rows: list[list[str]], header: bool = True) -> str:
    out = ["<table border='1'>"]
    for index, row in enumerate(rows):
        cell = "th" if header and index == 0 else "td"
        cells = "".join(f"<{cell}>{html.escape(c).replace(chr(10), '<br>')}</{cell}>" for c in row)
        out.append(f"<tr>{cells}</tr>")
    return "".join(out) + "</table>"


NESTED = "Nơi tiếp nhận hồ sơ và trả kết quả giải quyết thủ tục hành chính"


def html_roman() -> str:
    """Roman h2 headings, HTML lists (one nested), a steps table "TT / Trình tự / Trách nhiệm …"."""
    steps = [["TT", "Trình tự", "Trách nhiệm", "Thời gian", "Kết quả"]] + [
        [s[0], s[2], s[1], s[3], s[4]] for s in STEPS]
    body = "".join([
        _html_table([[AGENCY, TITLE, "Mã hiệu: QT-TN-09\nLần ban hành: 02"]], header=False),
        f"<h2>{ROMAN[0]}</h2><p>{PURPOSE}</p>",
        f"<h2>{ROMAN[1]}</h2><p>{SCOPE}</p>",
        f"<h2>{ROMAN[2]}</h2>{_html_list(REFERENCES)}",
        "<h2>IV. ĐỊNH NGHĨA/VIẾT TẮT</h2>" + _html_list(DEFINITIONS).replace(
            "</li>", f"{_html_list([NESTED])}</li>", 1),
        f"<h2>{ROMAN[4]}</h2><p>{CONTENT}</p>{_html_list(CONTENT_ITEMS)}<h3>Các bước thực hiện</h3>",
        _html_table(steps),
        f"<h2>{ROMAN[5]}</h2>{_html_list(FORMS)}",
        f"<h2>{ROMAN[6]}</h2>{_html_list(RECORDS)}",
        f"<h2>{ROMAN[7]}</h2><p>{ANNEX_TEXT}</p>",
    ])
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def html_bold_paragraphs() -> str:
    """Unnumbered headings as bold paragraphs, numbered lists, the cover cells reversed."""
    steps = [["Bước", "Người thực hiện", "Nội dung công việc", "Biểu mẫu/Hồ sơ", "Thời gian"]] + [
        [s[0], s[1], s[2], s[4], s[3]] for s in STEPS]
    body = "".join([
        _html_table([["Ký hiệu: QT-TN-09\nLần ban hành: 02", TITLE, AGENCY]], header=False),
        f"<p>{DECISION}</p>",
        f"<p><b>MỤC ĐÍCH</b></p><p>{PURPOSE}</p>",
        f"<p><b>PHẠM VI</b></p><p>{SCOPE}</p>",
        f"<p><b>CĂN CỨ PHÁP LÝ</b></p>{_html_list(REFERENCES, 'ol')}",
        f"<p><b>THUẬT NGỮ VÀ ĐỊNH NGHĨA</b></p>{_html_list(DEFINITIONS)}",
        f"<p><b>NỘI DUNG QUY TRÌNH</b></p><p>{CONTENT}</p>{_html_list(CONTENT_ITEMS)}",
        _html_table(steps),
        f"<p><b>BIỂU MẪU</b></p>{_html_list(FORMS, 'ol')}",
        f"<p><b>HỒ SƠ CẦN LƯU</b></p>{_html_list(RECORDS)}",
    ])
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"


_FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:styles>
 <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
  style:default-outline-level="1"><style:text-properties fo:font-weight="bold"/></style:style>
</office:styles>
<office:automatic-styles>
 <text:list-style style:name="L1"><text:list-level-style-bullet text:level="1" text:bullet-char="•"/>
 </text:list-style>
 <text:list-style style:name="L2"><text:list-level-style-number text:level="1" style:num-format="1"
  style:num-suffix="."/></text:list-style>
</office:automatic-styles>
<office:body><office:text>
"""


def _odt_p(text: str) -> str:
    return f"<text:p>{html.escape(text)}</text:p>"


def _odt_h(text: str) -> str:
    return f'<text:h text:style-name="Heading_20_1" text:outline-level="1">{html.escape(text)}</text:h>'


def _odt_list(items: list[str], style: str = "L1") -> str:
    return (f'<text:list text:style-name="{style}">'
            + "".join(f"<text:list-item>{_odt_p(i)}</text:list-item>" for i in items) + "</text:list>")


def _odt_table(rows: list[list[str]]) -> str:
    width = max(map(len, rows))
    out = [f'<table:table><table:table-column table:number-columns-repeated="{width}"/>']
    for row in rows:
        out.append("<table:table-row>" + "".join(
            "<table:table-cell>" + "".join(_odt_p(line) for line in cell.split("\n")) + "</table:table-cell>"
            for cell in row) + "</table:table-row>")
    return "".join(out) + "</table:table>"


def fodt_outline() -> str:
    """Writer outline headings in Arabic figures, the cover in two rows, ODF lists, and a
    steps table "TT / Bước công việc / Trách nhiệm / Thời gian / Kết quả"."""
    steps = [["TT", "Nội dung thực hiện", "Trách nhiệm", "Thời gian", "Kết quả"]] + [
        [s[0], s[2], s[1], s[3], s[4]] for s in STEPS]
    body = "".join([
        _odt_table([[AGENCY, TITLE], ["Mã số: QT-TN-09", "Lần ban hành: 02"]]),
        _odt_h("1. Mục đích"), _odt_p(PURPOSE),
        _odt_h("2. Phạm vi áp dụng"), _odt_p(SCOPE),
        _odt_h("3. Tài liệu viện dẫn"), _odt_list(REFERENCES),
        _odt_h("4. Định nghĩa, viết tắt"), _odt_list(DEFINITIONS),
        _odt_h("5. Nội dung quy trình"), _odt_p(CONTENT), _odt_list(CONTENT_ITEMS),
        _odt_table(steps),
        _odt_h("6. Biểu mẫu"), _odt_list(FORMS, "L2"),
        _odt_h("7. Hồ sơ cần lưu"), _odt_list(RECORDS),
        _odt_h("8. Phụ lục"), _odt_p(ANNEX_TEXT),
    ])
    return _FODT_HEAD + body + "</office:text></office:body></office:document>\n"


CONVERTED = {"lo-html-roman": (".html", html_roman), "lo-html-bold": (".html", html_bold_paragraphs),
             "lo-fodt-outline": (".fodt", fodt_outline)}


def _converted(name: str) -> Callable[[], bytes]:
    return lambda: (DATA / f"{name}.docx").read_bytes()


def regenerate() -> None:
    """Convert the HTML and flat ODT sources with LibreOffice into ``tests/data/import``."""
    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        sources = []
        for name, (suffix, make) in CONVERTED.items():
            source = Path(work) / f"{name}{suffix}"
            source.write_text(make(), encoding="utf-8")
            sources.append(source)
        for source in sources:
            infilter = ["--infilter=HTML (StarWriter)"] if source.suffix == ".html" else []
            subprocess.run(["libreoffice", f"-env:UserInstallation=file://{work}/profile", "--headless",
                            *infilter, "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(DATA),
                            str(source)], check=True, capture_output=True, timeout=180)


# --- the corpus --------------------------------------------------------------------------

CORPUS: list[Case] = [
    Case("issue-cover", issue_cover,
         unmapped=[(AGENCY, "trong bảng bìa, ô 1"),
                   (ANNEX_TEXT, "trong mục “8. PHỤ LỤC” (phụ lục được đính kèm dưới dạng tệp)")]),
    Case("reversed-cover-roman", reversed_cover_roman,
         unmapped=[("UBND TỈNH NINH BÌNH SỞ NỘI VỤ", "trong bảng bìa, ô 3"),
                   (ANNEX_TEXT, "trong mục “VIII. PHỤ LỤC”")]),
    Case("two-row-cover-heading-styles", two_row_cover_heading_styles,
         unmapped=[(AGENCY, "trong bảng bìa, hàng 1, ô 1"), (ANNEX_TEXT, "“Phụ lục”")]),
    Case("page-header-cover", page_header_cover,
         steps=[[f"B{s[0]}", *s[1:]] for s in STEPS],
         unmapped=[(AGENCY, "trong bảng ở đầu trang, ô 1")]),
    Case("titled-steps-table", titled_steps_table,
         sections={**SECTIONS, "content": CONTENT + "\n\n" + bullets(CONTENT_ITEMS)},
         unmapped=[(AGENCY, "trước mục “1) Mục đích”"),
                   ("Kiểm tra trên phần mềm", "trong bảng các bước, hàng 4, cột “Ghi chú”")]),
    Case("word-numbered-headings", word_numbered_headings,
         steps=[[f"B{s[0]}", *s[1:]] for s in STEPS],
         unmapped=[(AGENCY, "trong bảng bìa, ô 1")]),
    Case("tables-in-sections", tables_in_sections,
         sections={**SECTIONS,
                   "definitions": "| Từ viết tắt | Giải thích |\n|---|---|\n| BPMC | Bộ phận Một cửa |\n"
                                  "| TCPCP | Tổ chức phi chính phủ |",
                   "records": "| TT | Tên hồ sơ | Nơi lưu | Thời gian lưu |\n|---|---|---|---|\n"
                              "| 1 | Phiếu tiếp nhận hồ sơ | BPMC | 05 năm |\n"
                              "| 2 | Quyết định cho phép thành lập hội | Phòng TCBC | Vĩnh viễn |"},
         unmapped=[(AGENCY, "trong bảng bìa, hàng 1, ô 2"), (DECISION, "trước mục “1. MỤC ĐÍCH”")]),
    Case("numbered-items-in-content", numbered_items_in_content,
         sections={**SECTIONS, "content": "### 5.1. Yêu cầu\n\n1. Điều kiện\n2. Hồ sơ\n3. Biểu mẫu"},
         unmapped=[(AGENCY, "trong bảng bìa, ô 1")]),
    Case("combined-purpose-scope", combined_purpose_scope_with_history,
         sections={**SECTIONS, "purpose": f"{PURPOSE}\n\n{SCOPE}", "scope": ""},
         unmapped=[("Họ tên; Nguyễn Thị Lan; Trần Văn Bình; Lê Văn Cường", "trong bảng ký duyệt"),
                   (AGENCY, "trong bảng bìa, ô 1"), (ANNEX_TEXT, "trong mục “7. PHỤ LỤC”")]),
    Case("no-code-on-cover", no_code_on_cover, code="", revision=None,
         unmapped=[(AGENCY, "trong bảng bìa, ô 1")]),
    Case("part-words-and-letters", part_words_and_letters,
         sections={**SECTIONS},
         unmapped=[("UBND TỈNH NINH BÌNH - SỞ NỘI VỤ", "ở đầu trang")]),
    Case("word-markup", word_markup,
         sections={**SECTIONS, "forms": "các mẫu sau\n\n" + bullets(FORMS)},
         unmapped=[(AGENCY, "trong bảng bìa, ô 1"),
                   ("DỰ THẢO LẦN 2", "trước mục “1. MỤC ĐÍCH”, trong hộp văn bản")]),
    Case("heading-levels", heading_levels,
         sections={**SECTIONS, "content": f"### Hồ sơ\n\n{SECTIONS['content']}",
                   "forms": "| TT | Tên biểu mẫu | Ký hiệu | Nội dung |\n|---|---|---|---|\n"
                            "| 1 | Phiếu tiếp nhận hồ sơ | BM.TN.09.01 | Ghi nhận hồ sơ |"},
         unmapped=[(AGENCY, "trong bảng bìa, ô 1")]),
    Case("first-page-header-and-footer", first_page_header_and_footer,
         unmapped=[(AGENCY, "ở đầu trang")]),
    Case("parts-in-a-table", parts_in_a_table, unmapped=[(AGENCY, "trong bảng bìa, ô 1")]),
    Case("lo-html-roman", _converted("lo-html-roman"),
         sections={**SECTIONS, "definitions": f"- {DEFINITIONS[0]}\n   - {NESTED}\n- {DEFINITIONS[1]}"},
         unmapped=[(AGENCY, "trong bảng bìa, ô 1"), (ANNEX_TEXT, "trong mục “VIII. PHỤ LỤC”")]),
    Case("lo-html-bold", _converted("lo-html-bold"),
         sections={**SECTIONS, "references": numbered(REFERENCES), "forms": numbered(FORMS)},
         unmapped=[(AGENCY, "trong bảng bìa, ô 3"), (DECISION, "trước mục “MỤC ĐÍCH”")]),
    Case("lo-fodt-outline", _converted("lo-fodt-outline"),
         sections={**SECTIONS, "forms": numbered(FORMS)},
         unmapped=[(AGENCY, "trong bảng bìa, hàng 1, ô 1"), (ANNEX_TEXT, "trong mục “8. Phụ lục”")]),
]


if __name__ == "__main__":
    regenerate()
    sys.stdout.write(f"{len(CONVERTED)} files written to {DATA}\n")
