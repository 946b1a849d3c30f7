"""Records figures, on demand: prints them, asserts nothing.

    python -m bench.records

1. A 20-page procedure (sections, lists, a 70-row steps table): our PDF and DOCX next to bare
   reportlab and bare python-docx typesetting the same text without header, stamp or QR code.
2. A 2,000-row master list: our PDF, DOCX and CSV, next to a bare reportlab table.
3. Signing one record with the demo certificate, and validating it.
4. Hostile content, as much as a drafter can save: a 3,000-character heading (reportlab used
   to loop for ever on it), 500 steps, 200 steps of 5,000-character tasks (the API's limits),
   a 200,000-character word, heading and table cell (a section's limit), and ten thousand
   one-line headings or list items, the most a record holds (markup.MAX_FLOW_BLOCKS).
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PARAGRAPH = ("Bộ phận Tiếp nhận và Trả kết quả tiếp nhận, kiểm tra thành phần hồ sơ; hồ sơ chưa đầy đủ thì "
             "hướng dẫn tổ chức, cá nhân bổ sung một lần bằng phiếu yêu cầu bổ sung, hoàn thiện hồ sơ; hồ sơ "
             "đầy đủ thì cập nhật vào Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh.")


def timed(label: str, run: Callable[[], object], repeat: int = 5) -> float:
    run()  # warm: fonts registered, imports done
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    median = statistics.median(samples)
    print(f"  {label:<58} {median * 1000:8.0f} ms   (min {min(samples) * 1000:.0f})")
    return median


def procedure_markdown(sections: int = 7, paragraphs: int = 6) -> str:
    parts = []
    for number in range(1, sections + 1):
        parts.append(f"### Mục {number}.{number}")
        parts += [f"{PARAGRAPH} **Lưu ý {n}:** *đúng thời hạn.*" for n in range(paragraphs)]
        parts.append("\n".join(f"- Nội dung {n}: {PARAGRAPH[:90]}" for n in range(4)))
        parts.append("\n".join(f"{n}. Bước {n}: {PARAGRAPH[:120]}" for n in range(1, 4)))
    return "\n\n".join(parts)


def procedure_record(steps: int = 70):
    from qms.records import layout as L
    from qms.records.document_record import STEP_COLUMNS
    from qms.records.markdown_blocks import markdown_blocks

    rows = [[L.runs(f"B{n}"), L.runs("Bộ phận Tiếp nhận và Trả kết quả"), L.runs(PARAGRAPH),
             L.runs("0,5 ngày làm việc"), L.runs("BM-QT06-01")] for n in range(1, steps + 1)]
    blocks = [L.Heading("5. Nội dung quy trình", 1), *markdown_blocks(procedure_markdown()),
              L.Heading("Các bước thực hiện", 2), L.Table(columns=STEP_COLUMNS, rows=rows)]
    return L.Record(
        header=L.PageHeader(["ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "SỞ NỘI VỤ"],
                            "Thủ tục thành lập hội có phạm vi hoạt động trong tỉnh",
                            [("Mã hiệu", "QT-06"), ("Lần ban hành", "03"), ("Ngày hiệu lực", "01/07/2025")]),
        blocks=blocks, file_title="QT-06", stamp="BẢN KIỂM SOÁT số 01", qr_url="http://127.0.0.1:8000/verify/QT-06/3",
    )


def bare_reportlab(record, plain_cells: bool = False) -> bytes:
    """The same text with reportlab alone: paragraphs and one table, no page decoration."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    from qms.records import layout as L
    from qms.records.fonts import FAMILY, register_reportlab_fonts

    register_reportlab_fonts()
    style = ParagraphStyle("b", fontName=FAMILY, fontSize=13, leading=16)
    cell = ParagraphStyle("c", fontName=FAMILY, fontSize=11, leading=13)
    size = landscape(A4) if record.landscape else A4
    width = size[0] - 45 * mm
    story = []
    for block in record.blocks:
        if isinstance(block, L.Table):
            data = [[c.title for c in block.columns]]
            for row in block.rows:
                texts = [L.plain(value) for value in row]
                data.append(texts if plain_cells else [Paragraph(text, cell) for text in texts])
            story.append(Table(data, colWidths=[width * c.width for c in block.columns], repeatRows=1))
        elif isinstance(block, L.Paragraph):
            story.append(Paragraph(L.plain(block.runs), style))
        elif isinstance(block, L.Heading):
            story.append(Paragraph(block.text, style))
        elif isinstance(block, L.ListBlock):
            story += [Paragraph(L.plain(item), style, bulletText="-") for item in block.items]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=size, leftMargin=30 * mm, rightMargin=15 * mm).build(story)
    return buffer.getvalue()


def bare_docx(record) -> bytes:
    from docx import Document

    from qms.records import layout as L

    document = Document()
    for block in record.blocks:
        if isinstance(block, L.Table):
            table = document.add_table(rows=1 + len(block.rows), cols=len(block.columns))
            for cell, column in zip(table.rows[0].cells, block.columns, strict=True):
                cell.text = column.title
            for row, values in zip(table.rows[1:], block.rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = L.plain(value)
        elif isinstance(block, L.Paragraph):
            document.add_paragraph(L.plain(block.runs))
        elif isinstance(block, L.Heading):
            document.add_paragraph(block.text)
        elif isinstance(block, L.ListBlock):
            for item in block.items:
                document.add_paragraph("- " + L.plain(item))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def hostile_records() -> list[tuple[str, object, int]]:
    """(label, record, repeats) of the worst contents the limits of the API let through."""
    from qms.core.markup import MAX_FLOW_BLOCKS
    from qms.documents.schemas import MAX_SECTION, MAX_STEPS
    from qms.records import layout as L
    from qms.records.document_record import STEP_COLUMNS
    from qms.records.markdown_blocks import markdown_blocks

    def record(*blocks):
        return L.Record(header=L.PageHeader(["ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "SỞ NỘI VỤ"], "Quy trình thử",
                                            [("Mã hiệu", "QT-99"), ("Lần ban hành", "01")]),
                        blocks=[L.Heading("1. Mục đích", 1), *blocks], file_title="QT-99",
                        stamp="BẢN KHÔNG KIỂM SOÁT", qr_url="http://127.0.0.1:8000/verify/QT-99/1")

    def steps(count: int, task: str):
        row = [L.runs("Bộ phận Tiếp nhận và Trả kết quả"), L.runs(task), L.runs("0,5 ngày"), L.runs("BM-01")]
        return L.Table(columns=STEP_COLUMNS, rows=[[L.runs(f"B{n}"), *row] for n in range(1, count + 1)])

    cell = "| Mục | Nội dung |\n|---|---|\n| 1 | " + ("từ " * MAX_SECTION)[: MAX_SECTION - 40] + " |\n"
    return [
        ("a 3,000-character heading (the bug report)", record(*markdown_blocks("# " + "word " * 600)), 5),
        ("500 steps", record(steps(500, PARAGRAPH)), 3),
        (f"{MAX_STEPS} steps of 5,000-character tasks", record(steps(MAX_STEPS, (PARAGRAPH * 20)[:5000])), 1),
        ("a 200,000-character word", record(*markdown_blocks("x" * MAX_SECTION)), 3),
        ("a 200,000-character heading", record(*markdown_blocks("## " + "word " * (MAX_SECTION // 5 - 1))),
         3),
        ("a 200,000-character table cell", record(*markdown_blocks(cell)), 3),
        (f"{MAX_FLOW_BLOCKS - 1:,} one-line headings (the most a record holds)",
         record(*markdown_blocks("# a\n" * (MAX_FLOW_BLOCKS - 1))), 1),
        (f"{MAX_FLOW_BLOCKS - 1:,} list items", record(*markdown_blocks("- a\n" * (MAX_FLOW_BLOCKS - 1))), 1),
    ]


def master_list(rows: int = 2000):
    from qms.records.layout import Column
    from qms.records.report_data import Report, Section

    kinds = ["Quy trình", "Biểu mẫu", "Hướng dẫn công việc"]
    unit = "Phòng Tổ chức, biên chế và Tổ chức phi chính phủ"
    table = [[str(n), f"QT-{n:04d}", f"Quy trình giải quyết thủ tục hành chính số {n} thuộc lĩnh vực nội vụ",
              kinds[n % 3], f"{n % 5 + 1:02d}", "01/07/2025", unit] for n in range(1, rows + 1)]
    columns = [Column("TT", 0.05, "center"), Column("Mã hiệu", 0.11), Column("Tên tài liệu", 0.34),
               Column("Loại tài liệu", 0.12), Column("Lần ban hành", 0.08, "center"),
               Column("Ngày hiệu lực", 0.10, "center"), Column("Đơn vị chủ trì", 0.20)]
    return Report("Danh mục tài liệu nội bộ", "master-list", [Section("", columns, table)], landscape=True)


def main() -> None:
    started = time.perf_counter()
    from qms.records.docx_builder import build_docx
    from qms.records.fonts import register_reportlab_fonts
    from qms.records.pdf_builder import build_pdf

    register_reportlab_fonts()
    print(f"imports and fonts, once per process: {(time.perf_counter() - started) * 1000:.0f} ms")

    record = procedure_record()
    pages = build_pdf(record).pages
    print(f"\n1. a {pages}-page procedure (70 steps, 7 sections of paragraphs and lists)")
    timed("qms PDF (header, Trang x/y, stamp, QR, repeated table header)", lambda: build_pdf(record))
    timed("bare reportlab, same text, no page decoration", lambda: bare_reportlab(record))
    timed("qms DOCX (header table, fields, repeated header rows)", lambda: build_docx(record))
    timed("bare python-docx, same text", lambda: bare_docx(record))

    from qms.records.reports import report_csv, report_layout

    report = master_list()
    layout = report_layout(report, ["ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "SỞ NỘI VỤ"], "Thư ký ISO",
                           date(2026, 11, 25))
    print(f"\n2. a master list of {len(report.rows):,} rows ({build_pdf(layout).pages} landscape pages)")
    timed("qms PDF (wrapped cells)", lambda: build_pdf(layout), repeat=3)
    timed("bare reportlab, Paragraph cells", lambda: bare_reportlab(layout), repeat=3)
    timed("bare reportlab, plain string cells (no wrapping)", lambda: bare_reportlab(layout, True), repeat=3)
    timed("qms DOCX", lambda: build_docx(layout), repeat=3)
    timed("qms CSV (UTF-8 with BOM)", lambda: report_csv(report), repeat=3)

    from qms.records.certificates import create_demo_certificate, demo_paths, load_p12
    from qms.records.signing import sign_pdf, validate

    with tempfile.TemporaryDirectory() as folder:
        create_demo_certificate(Path(folder), "Sở Nội vụ tỉnh Ninh Bình")
        p12, password, _ca = demo_paths(Path(folder))
        agency = load_p12(p12, password.read_text().strip(), demo=True)
        from qms.records import layout as L

        cover = procedure_record(steps=10)
        cover.blocks.insert(0, L.SignatureSpace())
        built = build_pdf(cover)
        print(f"\n3. the agency signature ({built.pages}-page record, RSA 2048, demo certificate)")
        signed = sign_pdf(built.data, agency, box=built.signature_box, signed_at=datetime.now(UTC), zone=ZONE,
                          reason="Ban hành", location="Ninh Bình")
        timed("sign (PAdES B-B, visible stamp in Noto Serif)", lambda: sign_pdf(
            built.data, agency, box=built.signature_box, signed_at=datetime.now(UTC), zone=ZONE,
            reason="Ban hành", location="Ninh Bình"))
        timed("validate (intact, valid, trusted)", lambda: validate(signed, agency.trust_roots))

        from PIL import Image, ImageDraw

        from qms.records.approver_signing import PersonalKey, layout
        from qms.records.certificates import issue_demo_person_certificate
        from qms.records.signing import person_stamp_text

        issued = issue_demo_person_certificate(Path(folder), "Đặng Văn Bình", "Sở Nội vụ tỉnh Ninh Bình")
        assert issued is not None
        key, certificate, ca = issued
        person = PersonalKey(key, certificate, (ca,), agency.trust_roots, demo=True,
                             subject_name="Đặng Văn Bình")
        seal_png = Path(folder) / "seal.png"
        image = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
        ImageDraw.Draw(image).ellipse((10, 10, 590, 590), outline=(200, 16, 16, 255), width=24)
        image.save(seal_png)
        two = procedure_record(steps=10)
        two.blocks.insert(0, L.SignatureSpace(height_mm=48.0))
        built_two = build_pdf(two)
        assert built_two.signature_box is not None
        person_box, seal_box = layout(built_two.signature_box, True)

        def both() -> bytes:
            now = datetime.now(UTC)
            first = sign_pdf(built_two.data, person, box=person_box, signed_at=now, zone=ZONE,
                             field_name="ChuKySoNguoiKy", reason="Phê duyệt", location="Ninh Bình",
                             stamp=person_stamp_text(person, "Giám đốc", "", now, ZONE))
            return sign_pdf(first, agency, box=seal_box, signed_at=now, zone=ZONE, reason="Ban hành",
                            location="Ninh Bình", seal=seal_png)

        print("\n3b. the approver's signature, then the agency's with the seal image")
        twice = both()
        timed("both signatures (approver text stamp, agency seal)", both)
        timed("validate both (in order)", lambda: validate(twice, agency.trust_roots))

    print("\n4. hostile content, the most the API lets a drafter save (median of the runs)")
    for label, hostile, repeat in hostile_records():
        pages = 0
        figures = []
        for build in (build_pdf, build_docx):
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                built = build(hostile)  # type: ignore[operator]
                samples.append(time.perf_counter() - started)
                pages = getattr(built, "pages", pages)
            figures.append(statistics.median(samples))
        print(f"  {label:<50} PDF {figures[0]:7.2f} s ({pages:,} pages)   DOCX {figures[1]:6.2f} s")


if __name__ == "__main__":
    main()
