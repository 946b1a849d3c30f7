"""The document register: diacritic-insensitive search, filters, sort and pages.

Runs on SQLite (FTS5 over folded text) and on PostgreSQL (tsvector over the same
folded text) alike.
"""

from __future__ import annotations

import pytest
from support import login

LIST = "/api/v1/documents"


def codes(api, username: str = "nhanvien", **params) -> list[str]:
    response = api.get(username, LIST, params=params)
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()["items"]]


def publish(api, code: str, title: str, kind: str = "procedure", unit: str = "VP", **sections) -> None:
    body = {"code": code, "title": title, "kind": kind, "owner_unit": unit,
            "confidentiality": "internal", "review_interval_months": 12}
    if kind == "form":
        body["parent_code"] = "QT-01"
    response = api.post("iso", LIST, body)
    assert response.status_code == 201, response.text
    api.fill(code, **{"purpose": "Mục đích.", **sections})
    api.publish(code)


@pytest.fixture
def library(api):
    publish(api, "QT-01", "Quy trình kiểm soát tài liệu", content="Lập danh mục tài liệu nội bộ.",
            references="Quyết định số 15/2024/QĐ-UBND; email iso@snv.ninhbinh.gov.vn")
    publish(api, "QT-02", "Quy trình tiếp nhận hồ sơ hành chính", unit="CCHC",
            content="Tiếp nhận tại Bộ phận một cửa, trả kết quả đúng hẹn.")
    publish(api, "HD-01", "Hướng dẫn tiếp dân của ông Đặng Văn Bình", kind="work_instruction",
            content="Lịch tiếp công dân định kỳ.")
    publish(api, "BM-QT01-01", "Phiếu đề nghị sửa đổi tài liệu", kind="form",
            content="Mẫu phiếu.")
    # Still a draft: nobody but those who read drafts knows it exists.
    api.create_procedure("QT-03", "Quy trình đánh giá nội bộ")
    api.fill("QT-03", purpose="Mục đích.", content="Chương trình đánh giá hằng năm.")
    return api


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dang", ["HD-01"]),  # đ has no decomposition; folded by hand
        ("Dang Van Binh", ["HD-01"]),
        ("ĐẶNG", ["HD-01"]),
        ("quy trinh", ["QT-01", "QT-02"]),
        ("QUY TRÌNH", ["QT-01", "QT-02"]),
        ("Quy trình", ["QT-01", "QT-02"]),
        ("quy trinh tiep nhan", ["QT-02"]),
        ("ho so hanh ch", ["QT-02"]),  # the last word is a prefix
        ("một cửa", ["QT-02"]),  # content of the effective version
        ("mot cua", ["QT-02"]),
        ("QT-01", ["QT-01"]),
        ("qt-02", ["QT-02"]),
        ("bm-qt01", ["BM-QT01-01"]),
        ("15/2024/QĐ-UBND", ["QT-01"]),  # punctuation inside a reference separates words
        ("qd-ubnd", ["QT-01"]),
        ("iso@snv.ninhbinh", ["QT-01"]),
        ("ninhbinh.gov.vn", ["QT-01"]),
        ("tài liệu", ["BM-QT01-01", "QT-01"]),
        ("khong co tai lieu nao nhu the", []),
    ],
)
def test_search_is_diacritic_and_case_insensitive(library, query, expected):
    assert sorted(codes(library, q=query)) == expected


def test_a_query_without_words_lists_everything(library):
    assert codes(library, q="  -- ") == codes(library)
    assert len(codes(library)) == 4


def test_words_only_in_a_draft_are_not_found_until_it_is_in_force(library):
    api = library
    assert codes(api, q="một cửa") == ["QT-02"]
    assert api.post("iso", f"{LIST}/QT-02/versions").status_code == 201
    api.fill("QT-02", 2, content="Tiếp nhận trực tuyến qua Cổng dịch vụ công.")

    assert codes(api, q="dich vu cong") == []
    assert codes(api, q="truc tuyen") == []
    assert codes(api, q="một cửa") == ["QT-02"]  # what is in force is still found

    api.publish("QT-02", 2)
    assert codes(api, q="dich vu cong") == ["QT-02"]
    assert codes(api, q="một cửa") == []


def test_a_draft_only_document_is_found_by_those_who_read_drafts(library):
    assert codes(library, "nhanvien", q="danh gia noi bo") == []
    assert codes(library, "iso", q="danh gia noi bo") == ["QT-03"]
    assert codes(library, "danhgia", q="đánh giá") == ["QT-03"]
    assert codes(library, "iso", q="chuong trinh danh gia") == ["QT-03"]  # draft content, nothing in force


def test_a_renamed_document_is_found_by_its_new_title(library):
    """A title is signed with its revision: the new one is found once that revision is in force."""
    api = library
    assert api.post("iso", f"{LIST}/QT-01/versions").status_code == 201
    assert api.patch("iso", f"{LIST}/QT-01", {"title": "Quy trình quản lý văn bản"}).status_code == 200
    assert codes(api, q="quan ly van ban") == []
    api.fill("QT-01", 2)
    api.publish("QT-01", 2)
    assert codes(api, q="quan ly van ban") == ["QT-01"]
    found = api.get("nhanvien", LIST, params={"q": "quan ly van ban"}).json()["items"]
    assert found[0]["title"] == "Quy trình quản lý văn bản"

    # A document that is only a draft is found by the title of that draft at once.
    renamed = api.patch("iso", f"{LIST}/QT-03", {"title": "Quy trình đánh giá chất lượng nội bộ"})
    assert renamed.status_code == 200
    assert codes(api, "iso", q="danh gia chat luong") == ["QT-03"]


def test_filters(library):
    api = library
    assert codes(api, kind="procedure") == ["QT-01", "QT-02"]
    assert codes(api, kind="form") == ["BM-QT01-01"]
    assert codes(api, unit="CCHC") == ["QT-02"]
    assert codes(api, unit="cchc") == ["QT-02"]
    assert codes(api, unit="VP", kind="procedure") == ["QT-01"]
    assert codes(api, "iso", kind="procedure") == ["QT-01", "QT-02", "QT-03"]
    assert codes(api, "iso", status="draft") == ["QT-03"]
    assert codes(api, "iso", status="effective") == ["BM-QT01-01", "HD-01", "QT-01", "QT-02"]
    assert codes(api, q="quy trinh", unit="VP") == ["QT-01"]
    assert codes(api, kind="manual") == []
    assert api.get("nhanvien", LIST, params={"limit": 0}).status_code == 422
    assert api.get("nhanvien", LIST, params={"offset": -1}).status_code == 422


def test_an_offset_beyond_any_page_is_refused_before_the_database(library):
    """Past 64 bits SQLite cannot even bind the number (it was a server error)."""
    api = library
    for offset in (2**63, 10**20):
        response = api.get("nhanvien", LIST, params={"offset": offset})
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "offset"
    assert api.get("nhanvien", LIST, params={"offset": 1_000_000}).json()["items"] == []


def test_staff_see_the_status_in_force_not_that_of_a_draft(library):
    api = library
    assert api.post("iso", f"{LIST}/QT-01/versions").status_code == 201
    items = {i["code"]: i for i in api.get("nhanvien", LIST).json()["items"]}
    assert (items["QT-01"]["status"], items["QT-01"]["current_revision"]) == ("effective", 1)
    assert codes(api, status="draft") == []
    assert "QT-01" in codes(api, status="effective")
    assert api.get("nhanvien", f"{LIST}/QT-01").json()["status"] == "effective"
    # Those who read drafts see the same status, and that a revision is being prepared.
    items = {i["code"]: i for i in api.get("iso", LIST).json()["items"]}
    assert (items["QT-01"]["status"], items["QT-01"]["current_revision"]) == ("effective", 1)
    assert items["QT-01"]["in_progress"] == {"revision": 2, "status": "draft"}
    assert "QT-01" in codes(api, "iso", status="effective")
    assert "QT-01" not in codes(api, "iso", status="draft")


def test_sort(library):
    api = library
    assert codes(api) == ["BM-QT01-01", "HD-01", "QT-01", "QT-02"]
    assert codes(api, sort="-code") == ["QT-02", "QT-01", "HD-01", "BM-QT01-01"]
    assert codes(api, sort="title") == ["HD-01", "BM-QT01-01", "QT-01", "QT-02"]
    assert codes(api, sort="kind") == ["BM-QT01-01", "QT-01", "QT-02", "HD-01"]
    assert codes(api, sort="nonsense") == codes(api)


def test_sort_by_status_and_effective_date(library):
    api = library
    by_status = codes(api, "iso", sort="status")
    assert by_status[0] == "QT-03"  # draft before effective
    assert sorted(by_status[1:]) == by_status[1:]
    by_date = codes(api, "iso", sort="effective_date")
    assert by_date[-1] == "QT-03"  # no effective date: last either way
    assert codes(api, "iso", sort="-effective_date")[-1] == "QT-03"


def test_pagination(library):
    api = library
    everything = codes(api, "iso")
    assert len(everything) == 5
    pages = []
    for offset in range(0, 6, 2):
        response = api.get("iso", LIST, params={"limit": 2, "offset": offset}).json()
        assert response["total"] == 5
        pages.append([item["code"] for item in response["items"]])
    assert pages == [everything[0:2], everything[2:4], everything[4:]]
    beyond = api.get("iso", LIST, params={"limit": 2, "offset": 10}).json()
    assert (beyond["items"], beyond["total"]) == ([], 5)
    filtered = api.get("iso", LIST, params={"q": "quy trinh", "limit": 1}).json()
    assert filtered["total"] == 3 and len(filtered["items"]) == 1
    staff = api.get("nhanvien", LIST, params={"limit": 1}).json()
    assert staff["total"] == 4


def test_list_items_have_the_documented_fields(library):
    item = next(i for i in library.get("nhanvien", LIST).json()["items"] if i["code"] == "QT-02")
    assert set(item) >= {"code", "title", "kind", "owner_unit", "confidentiality", "current_revision",
                         "effective_date", "status"}
    assert (item["owner_unit"], item["kind"], item["current_revision"], item["status"]) == (
        "CCHC", "procedure", 1, "effective")
    assert item["effective_date"]


def test_the_register_page_says_why_it_is_empty_and_keeps_the_filters(api, client):
    login(client, "iso")
    empty = client.get("/documents")
    assert 'class="empty"' in empty.text and '<a href="/documents/new">' in empty.text
    publish(api, "QT-01", "Quy trình kiểm soát tài liệu")
    fragment = client.get("/documents?q=khongcogi", headers={"HX-Request": "true"})
    assert "khongcogi" in fragment.text and '<a href="/documents/new">' not in fragment.text
    page = client.get("/documents?kind=procedure")
    assert '<option value="procedure" selected>' in page.text and 'role="search"' in page.text
    assert 'href="/documents/QT-01"' in page.text
    login(client, "nhanvien")
    assert '<a href="/documents/new">' not in client.get("/documents?q=khongcogi").text


def test_the_api_orders_by_relevance_unless_asked_otherwise(api):
    publish(api, "QT-01", "Quy trình lưu trữ", content="Lưu hồ sơ; hồ sơ giấy và hồ sơ điện tử.")
    publish(api, "QT-02", "Quy trình kiểm soát hồ sơ", content="Kiểm soát.")
    assert codes(api, q="ho so") == ["QT-02", "QT-01"], "the title match comes first"
    assert codes(api, q="ho so", sort="relevance") == ["QT-02", "QT-01"]
    assert codes(api, q="ho so", sort="code") == ["QT-01", "QT-02"]
    assert codes(api, q="ho so", sort="-code") == ["QT-02", "QT-01"]


def test_the_register_marks_no_column_as_its_order_while_it_ranks_by_relevance(api, client):
    publish(api, "QT-01", "Quy trình lưu trữ", content="Lưu hồ sơ; hồ sơ giấy và hồ sơ điện tử.")
    publish(api, "QT-02", "Quy trình kiểm soát hồ sơ", content="Kiểm soát.")
    login(client, "iso")
    ranked = client.get("/documents?q=ho+so").text
    assert "aria-sort=" not in ranked, "no column claims the order of a ranked list"
    assert ranked.index('href="/documents/QT-02"') < ranked.index('href="/documents/QT-01"')
    by_code = client.get("/documents?q=ho+so&sort=code").text
    assert 'aria-sort="ascending"' in by_code
    assert by_code.index('href="/documents/QT-01"') < by_code.index('href="/documents/QT-02"')
