"""Ranked search over the demo library: title and code matches first, whole-word highlights,
plain-text snippets, external documents found by their number, and the order switch.

Runs on SQLite (FTS5, bm25) and PostgreSQL (weighted tsvector, ts_rank) alike."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from qms.accounts.auth import principal_for
from qms.accounts.models import User
from qms.documents.finder import search_everywhere
from qms.documents.highlight import mark, query_words, snippet
from qms.documents.service import list_documents
from qms.files.storage import file_store
from qms.portal.service import public_documents
from qms.seeding import seed_demo


@pytest.fixture
def demo(db, settings):
    seed_demo(db, ZoneInfo("Asia/Ho_Chi_Minh"), file_store(settings))
    db.commit()
    return db


def reader(db, username: str = "nhanvien1"):
    return principal_for(db, db.execute(select(User).where(User.username == username)).scalar_one())


def found(db, query: str, **options) -> list[str]:
    page = list_documents(db, reader(db), q=query, limit=50, **options)
    return [row.document.code for row in page.items]


def test_title_matches_come_first(demo):
    assert found(demo, "ho so")[0] == "QT-02"  # Quy trình kiểm soát hồ sơ
    assert found(demo, "hồ sơ")[0] == "QT-02"
    assert found(demo, "thanh lap hoi")[0] == "QT-06"  # Thủ tục thành lập hội …
    assert found(demo, "kiem soat tai lieu")[0] == "QT-01"


def test_a_code_comes_before_the_documents_citing_it(demo):
    assert found(demo, "QT-04")[0] == "QT-04"
    assert found(demo, "bm-qt06-01")[0] == "BM-QT06-01"


@pytest.mark.parametrize(("number", "code"), [
    ("30/2020/NĐ-CP", "TLBN-06"),
    ("30/2020/nd-cp", "TLBN-06"),
    ("126/2024/NĐ-CP", "TLBN-09"),
    ("TCVN ISO 9001:2015", "TLBN-01"),
    ("33/2024/QH15", "TLBN-10"),
])
def test_an_external_document_is_found_by_its_number(demo, number, code):
    assert found(demo, number)[0] == code


def test_a_number_is_found_as_a_whole(demo):
    """The words of "30/2020/NĐ-CP" stand together: a procedure citing other decrees
    (126/2024/NĐ-CP, 118/2025/NĐ-CP) is not found by it; the decree shows its number."""
    assert "QT-08" not in found(demo, "30/2020/NĐ-CP")
    assert "QT-08" in found(demo, "126/2024/NĐ-CP")
    decree = search_everywhere(demo, reader(demo), "30/2020/NĐ-CP").items[0]
    assert decree.code == "TLBN-06"
    assert str(decree.snippet).startswith("<mark>30</mark>/<mark>2020</mark>/<mark>NĐ</mark>-<mark>CP</mark>")


def test_the_order_can_be_by_code_or_by_date(demo):
    relevant = found(demo, "ho so")
    by_code = found(demo, "ho so", sort="code")
    assert sorted(relevant) == by_code and relevant != by_code
    rows = list_documents(demo, reader(demo), q="ho so", sort="date", limit=50).items
    dates = [row.effective_date for row in rows if row.effective_date]
    assert dates == sorted(dates, reverse=True)


def test_the_portal_ranks_too(demo):
    assert public_documents(demo, q="thanh lap hoi").items[0].document.code == "QT-06"
    by_code = [row.document.code for row in public_documents(demo, q="hoi", sort="code").items]
    assert by_code == sorted(by_code)


def test_the_portal_page_offers_the_order(demo, client):
    def listed(**params) -> list[str]:
        page = client.get("/portal", params=params)
        assert page.status_code == 200
        return re.findall(r'<a href="/portal/([A-Z0-9-]+)"><strong>', page.text)

    assert listed(q="thanh lap hoi")[0] == "QT-06"
    by_code = listed(q="thanh lap hoi", sort="code")
    assert by_code == sorted(by_code) and set(by_code) == set(listed(q="thanh lap hoi"))
    assert 'name="sort"' in client.get("/portal", params={"q": "hoi"}).text


def test_snippets_are_plain_text_with_whole_words_marked(demo):
    hits = search_everywhere(demo, reader(demo), "ho so", limit=50).items
    first = hits[0]
    assert first.code == "QT-02"
    assert str(first.title) == "Quy trình kiểm soát <mark>hồ</mark> <mark>sơ</mark>"
    for hit in hits:
        text = str(hit.snippet or "")
        assert "|" not in text and "**" not in text and "###" not in text and "---" not in text
        marked = [part.split("</mark>")[0] for part in text.split("<mark>")[1:]]
        assert {word.casefold() for word in marked} <= {"hồ", "sơ", "hô", "hổ", "so", "sổ", "số"}, marked


def marked(text: str, query: str) -> str:
    return str(mark(text, query_words(query)))


def test_highlights_mark_whole_words_only():
    text = "Sở Nội vụ soạn thảo, không để sót hồ sơ; lưu hồ sơ."
    assert marked(text, "ho so") == ("Sở Nội vụ soạn thảo, không để sót <mark>hồ</mark> <mark>sơ</mark>; "
                                     "lưu <mark>hồ</mark> <mark>sơ</mark>.")
    assert marked("Sở Nội vụ, sơ đồ", "sơ") == "Sở Nội vụ, <mark>sơ</mark> đồ"
    assert marked("Quy trình soạn thảo", "quy tri") == "<mark>Quy</mark> <mark>trình</mark> soạn thảo"
    assert str(snippet("Sở <b>x</b>", query_words("so"))) == "<mark>Sở</mark> &lt;b&gt;x&lt;/b&gt;"
