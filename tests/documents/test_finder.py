"""Search everywhere: diacritic-insensitive, highlights from the original text, access rules kept."""

from __future__ import annotations

from support import login

from qms.documents.highlight import mark, snippet
from qms.documents.search_index import terms


def test_highlights_keep_the_original_diacritics_and_escape_html():
    text = "Hồ sơ của ông Đặng Văn Bình <script>alert(1)</script> được lưu"
    marked = str(snippet(text, terms("dang van")))
    assert "<mark>Đặng</mark> <mark>Văn</mark>" in marked
    assert "<script>" not in marked and "&lt;script&gt;" in marked
    assert str(mark("Quy trình", terms("QUY TRINH"))) == "<mark>Quy</mark> <mark>trình</mark>"
    assert snippet(text, terms("khong co")) is None


def test_global_search_finds_content_and_respects_access(api, client):
    api.create_procedure("QT-01", "Quy trình kiểm soát tài liệu")
    api.fill("QT-01", content="Văn thư đóng dấu và phát hành tài liệu đã phê duyệt.")
    api.publish("QT-01")
    api.create_procedure("QT-02", "Quy trình kiểm soát hồ sơ")
    api.fill("QT-02", content="Dự thảo: văn thư đóng dấu hồ sơ lưu trữ.")

    login(client, "nhanvien")
    page = client.get("/search", params={"q": "dong dau"})
    assert "QT-01" in page.text and "<mark>đóng</mark> <mark>dấu</mark>" in page.text
    assert "QT-02" not in page.text, "staff never find a draft"
    live = client.get("/search", params={"q": "dong dau", "live": 1})
    assert "QT-01" in live.text and "<html" not in live.text
