"""Property test: whatever a drafter can save, the PDF and DOCX builders finish and give a
file that opens. Hostile content is generated within what the app accepts (qms.text refuses
the C0 controls but tab and line breaks; JSON cannot carry lone surrogates): long words,
headings of 3,000 characters, deeply nested lists, tables with huge cells and too many
columns, up to 500 steps, and characters of every Unicode category.

Seeded and derandomized, with a modest number of examples, so CI sees the same cases every
run. No deadline: wall time on a shared machine says little, and speed is measured by
`python -m bench records`; a layout that makes no progress is stopped by the builders
themselves (LayoutStalled), which is what this test needs to hold. A failing example is
reported as found, not shrunk: shrinking examples this large takes minutes.
"""

from __future__ import annotations

import io

import pytest
from docx import Document as open_docx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from qms.core.text import CONTROL_CHARACTERS
from qms.documents.schemas import MAX_SECTION, Step
from qms.records import layout as L
from qms.records.document_record import steps_table
from qms.records.docx_builder import build_docx
from qms.records.markdown_blocks import markdown_blocks
from qms.records.pdf_builder import build_pdf

EXAMPLES = 24

# every category, surrogates (Cs) aside; the controls the app refuses left out
CHARACTER = st.characters(exclude_categories=("Cs",)).filter(lambda c: not CONTROL_CHARACTERS.match(c))
VIETNAMESE = st.sampled_from(list("aăâeêioôơuưyđĐÁÀẢÃẠắằẳẵặếềểễệốồổỗộớờởỡợứừửữự "))
TEXT = st.text(st.one_of(CHARACTER, VIETNAMESE, VIETNAMESE), max_size=120)
LONG_WORD = st.builds(lambda char, count: char * count, CHARACTER.filter(lambda c: not c.isspace()),
                      st.integers(200, 12_000))


def _line(text: str) -> str:
    return " ".join(text.split()) or "x"


HEADING = st.builds(lambda level, text, repeat: "#" * level + " " + _line(text * repeat)[:3000],
                    st.integers(1, 6), TEXT, st.integers(1, 400))
NESTED_LIST = st.builds(
    lambda depth, text, ordered: "".join("    " * level + ("1. " if ordered else "- ") + _line(text) + "\n"
                                         for level in range(depth)),
    st.integers(1, 60), TEXT, st.booleans())
TABLE = st.builds(
    lambda columns, rows, cell, size: (
        "|" + "|".join(f" {_line(cell)[:40]} {n} " for n in range(columns)) + "|\n"
        + "|" + "---|" * columns + "\n"
        + "".join("|" + "|".join(f" {_line(cell) * size} " for _ in range(columns)) + "|\n"
                  for _ in range(rows))),
    st.integers(1, 30), st.integers(0, 20), TEXT, st.integers(1, 100))
PARAGRAPH = st.one_of(TEXT, LONG_WORD,
                      st.builds(lambda text, repeat: text * repeat, TEXT, st.integers(1, 100)))
# a section holds at most MAX_SECTION characters (qms.documents.schemas)
SECTION = st.lists(st.one_of(HEADING, NESTED_LIST, TABLE, PARAGRAPH), min_size=1, max_size=6).map(
    lambda parts: "\n\n".join(parts)[:MAX_SECTION])


def _step(text: str, repeat: int) -> Step:
    return Step(step=_line(text)[:40], responsibility=text[:300], task=(text * repeat)[:5000],
                duration=text[:100], output=text[:500])


# 500 short steps, or a few with tasks as long as the app takes (5,000 characters)
STEPS = st.one_of(st.builds(lambda count, text: [_step(text, 1) for _ in range(count)],
                            st.sampled_from([0, 1, 500]), TEXT),
                  st.builds(lambda count, text: [_step(text, 50) for _ in range(count)],
                            st.integers(1, 12), TEXT))
TITLE = st.builds(lambda text, word: (_line(text) + " " + word)[:300], TEXT,
                  st.sampled_from(["", "x" * 300, "Quy trình kiểm soát tài liệu"]))


def _record(title: str, sections: list[str], steps: list[Step]) -> L.Record:
    blocks: list[L.Block] = []
    for number, text in enumerate(sections, start=1):
        blocks.append(L.Heading(f"{number}. Mục", level=1))
        blocks += markdown_blocks(text)
    if steps:
        blocks.append(steps_table(steps))
    header = L.PageHeader(["UBND TỈNH NINH BÌNH", title[:200]], title,
                          [("Mã hiệu", "QT-01"), ("Lần ban hành", "01")])
    return L.Record(header=header, blocks=blocks, file_title=f"QT-01 – {title}", stamp="BẢN KHÔNG KIỂM SOÁT",
                    watermark="DỰ THẢO", qr_url="https://qms.example/verify/QT-01/1", author=title[:120])


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(title=TITLE, sections=st.lists(SECTION, min_size=1, max_size=2), steps=STEPS)
def test_any_content_gives_a_pdf_and_a_docx_that_open(title, sections, steps):
    record = _record(title, sections, steps)
    try:
        L.check_length(record)
    except L.RecordTooLong:  # more blocks than a record holds: both builders say so at once
        with pytest.raises(L.RecordTooLong):
            build_pdf(record)
        with pytest.raises(L.RecordTooLong):
            build_docx(record)
        return

    pdf = build_pdf(record)
    assert pdf.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == pdf.pages >= 1
    assert "QT-01" in (reader.pages[-1].extract_text() or "")

    data = build_docx(record)
    document = open_docx(io.BytesIO(data))
    assert len(document.paragraphs) >= len(sections)
    if steps:
        assert len(document.tables[-1].rows) == len(steps) + 1
