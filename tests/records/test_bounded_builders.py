"""Record builders finish on any content a drafter can save: a heading longer than a page
(reportlab looped for ever on it), words longer than a line, tables wider than a page,
characters Word's XML cannot hold, hundreds of steps."""

from __future__ import annotations

import io

import pytest
from docx import Document as open_docx

from qms.records import layout as L
from qms.records import pdf_builder
from qms.records.document_record import steps_table
from qms.records.docx_builder import build_docx
from qms.records.markdown_blocks import MAX_COLUMNS, markdown_blocks
from qms.records.pdf_builder import LayoutStalled, build_pdf

from .conftest import flat, pdf_pages

LONG_HEADING = "# " + "word " * 600  # the heading of the bug report: 3,000 characters


def record_of(*blocks: L.Block, title: str = "Quy trình kiểm soát tài liệu") -> L.Record:
    header = L.PageHeader(["UBND TỈNH NINH BÌNH", "SỞ NỘI VỤ"], title,
                          [("Mã hiệu", "QT-01"), ("Lần ban hành", "01")])
    return L.Record(header=header, blocks=[L.Heading("1. Mục đích", 1), *blocks], file_title=title,
                    stamp="BẢN KHÔNG KIỂM SOÁT", qr_url="https://qms.example/verify/QT-01/1")


def docx_text(data: bytes) -> str:
    document = open_docx(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_a_heading_longer_than_a_page_is_typeset_in_full():
    record = record_of(*markdown_blocks(LONG_HEADING + "\n\nĐoạn văn sau tiêu đề."))
    pages = pdf_pages(build_pdf(record).data)
    text = flat("\n".join(pages))
    assert text.count("word") == 600
    assert "Đoạn văn sau tiêu đề." in text
    assert docx_text(build_docx(record)).count("word") == 600


def test_a_long_heading_at_the_very_end_and_a_long_table_title_finish():
    heading = L.Heading("Tiêu đề " * 700, level=2)
    table = L.Table(columns=[L.Column("A", 0.5), L.Column("B", 0.5)], rows=[[L.runs("a"), L.runs("b")]],
                    title="Bảng " * 800)
    for blocks in ([heading], [table, heading]):
        assert build_pdf(record_of(*blocks)).pages >= 2
        assert build_docx(record_of(*blocks)).startswith(b"PK")


def test_a_layout_that_makes_no_progress_stops_with_an_error(monkeypatch):
    """The guard behind the fix: with a long heading kept with the next block again, reportlab
    loops without placing anything; the build stops instead of holding the request for ever."""
    monkeypatch.setattr(pdf_builder, "KEEP_HEADING_SHARE", 100.0)
    monkeypatch.setattr(pdf_builder, "PARAGRAPH_PIECE", 100_000)
    monkeypatch.setattr(pdf_builder, "STALL_LIMIT", 300)
    with pytest.raises(LayoutStalled):
        build_pdf(record_of(*markdown_blocks(LONG_HEADING)))


def test_a_word_longer_than_its_cell_wraps_inside_the_cell():
    word = "X" * 400
    table = L.Table(columns=[L.Column("Mã", 0.2), L.Column("Nội dung", 0.8)],
                    rows=[[L.runs(word), L.runs("ngắn")]])
    lines = "\n".join(pdf_pages(build_pdf(record_of(table)).data)).split("\n")
    pieces = [line.strip() for line in lines if line.strip().startswith("XXX")]
    assert len(pieces) > 5, "the word is broken over several lines of its narrow column"
    assert "".join(pieces).count("X") == 400


def test_a_long_word_in_a_paragraph_wraps_and_a_huge_paragraph_is_whole():
    paragraph = "đ" * 30_000 + " " + "Sở Nội vụ " * 10_000
    pages = pdf_pages(build_pdf(record_of(*markdown_blocks(paragraph))).data)
    text = flat("".join(pages))
    assert text.count("đ") >= 30_000 and text.count("Nội") == 10_000  # a page may end between two words
    assert len(pages) > 10


def test_a_table_wider_than_a_page_keeps_every_cell_in_its_last_column():
    count = 40
    source = ("|" + "".join(f" Cột {n} |" for n in range(count)) + "\n|" + "---|" * count + "\n|"
              + "".join(f" ô {n} |" for n in range(count)) + "\n")
    table = markdown_blocks(source)[0]
    assert isinstance(table, L.Table) and len(table.columns) == MAX_COLUMNS
    assert table.columns[-1].title.endswith("Cột 39")
    text = flat("\n".join(pdf_pages(build_pdf(record_of(table)).data)))
    assert "ô 39" in text and "ô 0" in text
    assert "ô 39" in docx_text(build_docx(record_of(table)))


def test_a_huge_table_cell_and_a_huge_header_cell_break_across_pages():
    big = "nội dung " * 8_000
    source = f"| {big} | B |\n|---|---|\n| {big} | b |\n"
    record = record_of(*markdown_blocks(source))
    assert build_pdf(record).pages > 20
    assert docx_text(build_docx(record)).count("nội dung") == 16_000


def test_deeply_nested_lists_stay_on_the_page():
    source = "".join("  " * level + f"- mức {level}\n" for level in range(60))
    record = record_of(*markdown_blocks(source))
    text = flat("\n".join(pdf_pages(build_pdf(record).data)))
    assert "mức 0" in text and "mức 1" in text
    assert "mức 0" in docx_text(build_docx(record))


def test_characters_xml_cannot_hold_do_not_break_the_word_file():
    text = "Trước\ufffe\uffffsau \u0085 \u2028 \u200f\u202e đảo chiều"
    record = record_of(*markdown_blocks(text), title="Tên\ufffe")
    assert "sau" in docx_text(build_docx(record))
    assert "sau" in flat("".join(pdf_pages(build_pdf(record).data)))


def test_a_title_of_the_greatest_length_leaves_the_page_its_body():
    title = "Quy trình " + "rất dài " * 40 + "x" * 300
    pdf = build_pdf(record_of(L.Paragraph(L.runs("Nội dung.")), title=title))
    assert pdf.pages == 1
    assert "…" in flat(pdf_pages(pdf.data)[0])
    assert build_docx(record_of(title=title)).startswith(b"PK")


def test_five_hundred_steps_and_many_signers():
    steps = [L.runs(str(n)) for n in range(500)]
    table = L.Table(columns=steps_table([]).columns,
                    rows=[[step, L.runs("Phòng " * 20), L.runs("Nội dung công việc " * 40), L.runs("1 ngày"),
                           L.runs("BM-01")] for step in steps])
    signers = [L.Signer(name="Nguyễn Văn " + "A" * 100, title="Chuyên viên " * 10,
                        manifestation=["Đã ký điện tử: Xem xét", "lúc 08:00 01/01/2026"]) for _ in range(25)]
    sign_off = L.SignOff([L.SignOffColumn("NGƯỜI SOẠN THẢO", signers[:1]),
                          L.SignOffColumn("NGƯỜI XEM XÉT", signers),
                          L.SignOffColumn("NGƯỜI PHÊ DUYỆT", signers[:1])])
    record = record_of(sign_off, table)
    pdf = build_pdf(record)
    assert pdf.pages > 20
    assert "499" in flat(pdf_pages(pdf.data)[-1])
    assert docx_text(build_docx(record)).count("Nội dung công việc") == 500 * 40 + 1  # and its column
