"""What changed between two revisions: words in sections, rows in the steps table."""

from __future__ import annotations

from qms.documents.diff import steps_diff, word_diff
from qms.documents.schemas import Step

STEPS = [
    {"step": "B1", "responsibility": "Bộ phận một cửa", "task": "Tiếp nhận hồ sơ", "duration": "0,5 ngày",
     "output": "Giấy tiếp nhận"},
    {"step": "B2", "responsibility": "Chuyên viên", "task": "Thẩm định hồ sơ", "duration": "3 ngày",
     "output": "Tờ trình"},
    {"step": "B3", "responsibility": "Lãnh đạo Sở", "task": "Ký duyệt", "duration": "1 ngày",
     "output": "Quyết định"},
]


def _old(ops: list[dict[str, str]]) -> str:
    return "".join(op["text"] for op in ops if op["op"] in ("equal", "delete"))


def _new(ops: list[dict[str, str]]) -> str:
    return "".join(op["text"] for op in ops if op["op"] in ("equal", "insert"))


def _changed_words(ops: list[dict[str, str]], kind: str) -> list[str]:
    return [op["text"] for op in ops if op["op"] == kind]


# --- the functions -------------------------------------------------------------------------------------


def test_word_diff_keeps_both_texts_and_marks_only_changed_words():
    old = "Thời hạn giải quyết là 10 ngày làm việc.\nNộp tại Bộ phận một cửa."
    new = "Thời hạn giải quyết là 07 ngày làm việc.\nNộp tại Bộ phận một cửa hoặc trực tuyến."
    ops = word_diff(old, new)
    assert _old(ops) == old
    assert _new(ops) == new
    assert ops == [
        {"op": "equal", "text": "Thời hạn giải quyết là "},
        {"op": "delete", "text": "10"},
        {"op": "insert", "text": "07"},
        {"op": "equal", "text": " ngày làm việc.\nNộp tại Bộ phận một cửa"},  # "cửa." kept its word
        {"op": "insert", "text": " hoặc trực tuyến"},
        {"op": "equal", "text": "."},
    ]


def test_word_diff_of_equal_texts_is_one_equal_run():
    assert word_diff("Mục đích.", "Mục đích.") == [{"op": "equal", "text": "Mục đích."}]
    assert word_diff("", "") == []


def test_word_diff_from_and_to_nothing():
    assert word_diff("", "Phạm vi áp dụng.") == [{"op": "insert", "text": "Phạm vi áp dụng."}]
    assert word_diff("Phạm vi áp dụng.", "") == [{"op": "delete", "text": "Phạm vi áp dụng."}]


def test_word_diff_compares_words_not_letters():
    assert word_diff("kiểm soát tài liệu", "kiểm soát hồ sơ") == [
        {"op": "equal", "text": "kiểm soát "},
        {"op": "delete", "text": "tài liệu"},  # one run, not word by word around the space
        {"op": "insert", "text": "hồ sơ"},
    ]
    assert word_diff("a b c d", "x b y d") == [
        {"op": "delete", "text": "a"}, {"op": "insert", "text": "x"}, {"op": "equal", "text": " b "},
        {"op": "delete", "text": "c"}, {"op": "insert", "text": "y"}, {"op": "equal", "text": " d"},
    ]


def test_steps_diff_row_by_row():
    old = [Step(**row) for row in STEPS]
    changed = {**STEPS[1], "duration": "5 ngày"}
    added = {"step": "B4", "responsibility": "Văn phòng", "task": "Trả kết quả", "duration": "0,5 ngày",
             "output": "Sổ theo dõi"}

    result = steps_diff(old, [Step(**STEPS[0]), Step(**changed), Step(**STEPS[2])])
    assert [r.op for r in result] == ["equal", "replace", "equal"]
    assert (result[1].old["duration"], result[1].new["duration"]) == ("3 ngày", "5 ngày")

    result = steps_diff(old, [*old, Step(**added)])
    assert [r.op for r in result] == ["equal", "equal", "equal", "insert"]
    assert result[3].old is None and result[3].new["task"] == "Trả kết quả"

    result = steps_diff(old, [old[0], old[2]])
    assert [r.op for r in result] == ["equal", "delete", "equal"]
    assert result[1].new is None and result[1].old["step"] == "B2"

    assert steps_diff([], old)[0].op == "insert"
    assert [r.op for r in steps_diff(old, [])] == ["delete"] * 3


# --- through the API ------------------------------------------------------------------------------------


def _two_revisions(api):
    api.create_procedure()
    assert api.edit("QT-01", 1, {
        "sections": {"purpose": "Quy định trình tự kiểm soát tài liệu.", "scope": "Áp dụng tại Sở.",
                     "content": "Thời hạn: 10 ngày."},
        "steps": STEPS, "change_summary": "Ban hành lần đầu"}).status_code == 200
    api.publish("QT-01")
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    assert api.edit("QT-01", 2, {
        "sections": {"purpose": "Quy định trình tự kiểm soát tài liệu và hồ sơ.",
                     "content": "Thời hạn: 07 ngày."},
        "steps": [STEPS[0], {**STEPS[1], "duration": "2 ngày"}],
        "change_summary": "Rút ngắn thời hạn"}).status_code == 200


def test_diff_between_revisions_section_by_section(api):
    _two_revisions(api)
    response = api.get("iso", "/api/v1/documents/QT-01/versions/2/diff", params={"against": 1})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["code"], body["revision"], body["against"], body["changed"]) == ("QT-01", 2, 1, True)
    sections = {s["section"]: s for s in body["sections"]}
    assert list(sections) == ["purpose", "scope", "references", "definitions", "content", "forms", "records"]
    assert {name for name, s in sections.items() if s["changed"]} == {"purpose", "content"}
    assert all(s["ops"] == [] for s in sections.values() if not s["changed"])

    purpose = sections["purpose"]["ops"]
    assert _old(purpose) == "Quy định trình tự kiểm soát tài liệu."
    assert _new(purpose) == "Quy định trình tự kiểm soát tài liệu và hồ sơ."
    assert (_changed_words(purpose, "delete"), _changed_words(purpose, "insert")) == ([], [" và hồ sơ"])
    content = sections["content"]["ops"]
    assert (_changed_words(content, "delete"), _changed_words(content, "insert")) == (["10"], ["07"])

    steps = body["steps"]
    assert [s["op"] for s in steps] == ["equal", "replace", "delete"]
    assert (steps[1]["old"]["duration"], steps[1]["new"]["duration"]) == ("3 ngày", "2 ngày")
    assert steps[2] == {"op": "delete", "old": STEPS[2], "new": None}


def test_diff_the_other_way_round(api):
    _two_revisions(api)
    body = api.get("iso", "/api/v1/documents/QT-01/versions/1/diff", params={"against": 2}).json()
    assert (body["revision"], body["against"]) == (1, 2)
    assert [s["op"] for s in body["steps"]] == ["equal", "replace", "insert"]
    content = next(s for s in body["sections"] if s["section"] == "content")["ops"]
    assert (_changed_words(content, "delete"), _changed_words(content, "insert")) == (["07"], ["10"])


def test_a_fresh_copy_has_no_changes(api):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    body = api.get("iso", "/api/v1/documents/QT-01/versions/2/diff", params={"against": 1}).json()
    assert body["changed"] is False
    assert {s["op"] for s in body["steps"]} == {"equal"}


def test_diff_needs_two_revisions_the_reader_may_see(api):
    _two_revisions(api)
    url = "/api/v1/documents/QT-01/versions/2/diff"
    assert api.get("iso", url).status_code == 422  # against is required
    assert api.get("iso", url, params={"against": 9}).status_code == 404
    assert api.get("iso", url, params={"against": 0}).status_code == 422
    # Staff never see the draft, nor a diff that would show it.
    assert api.get("nhanvien", url, params={"against": 1}).status_code == 404
    assert api.get("danhgia", url, params={"against": 1}).status_code == 200
    api.publish("QT-01", 2)
    # Now revision 1 is superseded: staff do not read it, but they see what changed since it.
    assert api.get("nhanvien", url, params={"against": 1}).status_code == 200
    assert api.get("nhanvien", "/api/v1/documents/QT-01/versions/1").status_code == 404
    assert api.get("nhanvien", "/api/v1/documents/QT-01/versions/1/diff",
                   params={"against": 2}).status_code == 404
    assert api.get("danhgia", url, params={"against": 1}).status_code == 200
