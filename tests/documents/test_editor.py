"""The draft editor as a plain HTML form: what its page posts is what gets saved, and the steps
table's row buttons work without JavaScript (the page comes back with the rows changed)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.support import login, post_form

EDIT = "/documents/QT-01/versions/1/edit"
STEPS = [
    {"step": "B1", "responsibility": "Văn phòng", "task": "Tiếp nhận hồ sơ", "duration": "1 ngày",
     "output": "Sổ tiếp nhận"},
    {"step": "B2", "responsibility": "Phòng Tổ chức", "task": "Thẩm định, đề xuất", "duration": "5 ngày",
     "output": "Tờ trình"},
    {"step": "B3", "responsibility": "Lãnh đạo Sở", "task": "Xem xét, ký duyệt", "duration": "2 ngày",
     "output": "Quyết định"},
]


class _Form(HTMLParser):
    """The editor form's controls as a browser would post them (submit buttons left out),
    and the submit buttons in the order they appear."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[dict[str, str | None]] = []
        self.autofocus: list[dict[str, str | None]] = []
        self._textarea: str | None = None
        self._text = ""
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form" and (attr.get("action") or "").endswith("/edit"):
            self._in_form = True
        if not self._in_form:
            return
        if "autofocus" in attr:
            self.autofocus.append(attr)
        if tag == "input" and attr.get("name"):
            self.fields.append((attr["name"] or "", attr.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = attr.get("name"), ""
        elif tag == "button" and (attr.get("type") or "submit") == "submit":
            self.buttons.append(attr)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def _read(html: str) -> _Form:
    form = _Form()
    form.feed(html)
    return form


def _post(client, fields: list[tuple[str, str]], **extra: str):
    data: dict[str, list[str]] = {}
    for name, value in [*fields, *extra.items()]:
        data.setdefault(name, []).append(value)
    return post_form(client, EDIT, {name: values if len(values) > 1 else values[0]
                                    for name, values in data.items()})


def _saved_steps(api) -> list[str]:
    version = api.get("iso", "/api/v1/documents/QT-01/versions/1").json()
    return [step["task"] for step in version["steps"]]


def _draft(api, client) -> _Form:
    api.create_procedure()
    api.fill("QT-01", purpose="Quy định **cách** tiếp nhận hồ sơ.")
    version = api.get("iso", "/api/v1/documents/QT-01/versions/1").json()
    response = api.edit("QT-01", 1, {"steps": STEPS})
    assert response.status_code == 200, (response.text, version["etag"])
    login(client, "iso")
    page = client.get(EDIT)
    assert page.status_code == 200
    return _read(page.text)


def test_moving_a_step_without_javascript_changes_the_rows_and_saves_nothing(api, client):
    form = _draft(api, client)
    assert ("op", "up:2") in [(b.get("name"), b.get("value")) for b in form.buttons], \
        "the row buttons post the form"
    assert (form.buttons[0]["name"], form.buttons[0]["value"]) == ("then", "stay"), \
        "Enter in a field saves, as the first submit button of the form, rather than moving a step"

    moved = _post(client, form.fields, op="up:2")
    assert moved.status_code == 200
    assert _saved_steps(api) == ["Tiếp nhận hồ sơ", "Thẩm định, đề xuất", "Xem xét, ký duyệt"], \
        "a row button is not a save"
    page = _read(moved.text)
    tasks = [value for name, value in page.fields if name == "step_task"]
    assert tasks == ["Tiếp nhận hồ sơ", "Xem xét, ký duyệt", "Thẩm định, đề xuất"]
    labels = [value for name, value in page.fields if name == "step_step"]
    assert labels == ["B1", "B2", "B3"], "the steps are numbered again"
    assert [(b.get("name"), b.get("value")) for b in page.autofocus] == [("op", "up:1")], \
        "the keyboard stays on the moved step's button"

    removed = _read(_post(client, page.fields, op="remove:0").text)
    assert _post(client, removed.fields, then="stay").status_code == 303
    assert _saved_steps(api) == ["Xem xét, ký duyệt", "Thẩm định, đề xuất"]
    version = api.get("iso", "/api/v1/documents/QT-01/versions/1").json()
    assert [step["step"] for step in version["steps"]] == ["B1", "B2"]
    assert version["steps"][0]["responsibility"] == "Lãnh đạo Sở", "each row keeps its own fields"


def test_text_typed_before_pressing_a_step_button_is_kept(api, client):
    form = _draft(api, client)
    fields = [(name, "Mục đích đã sửa." if name == "purpose" else value) for name, value in form.fields]

    added = _read(_post(client, fields, op="add:0").text)

    assert ("purpose", "Mục đích đã sửa.") in added.fields
    tasks = [value for name, value in added.fields if name == "step_task"]
    assert tasks == ["Tiếp nhận hồ sơ", "", "Thẩm định, đề xuất", "Xem xét, ký duyệt"]
    assert [b.get("name") for b in added.autofocus] == ["step_responsibility"], "the new row is ready"


def test_the_htmx_steps_table_moves_a_row_down_and_keeps_the_keyboard_on_it(api, client):
    form = _draft(api, client)
    fields = [(name, value) for name, value in form.fields if name.startswith("step_")]
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)

    part = post_form(client, "/documents/QT-01/versions/1/steps-table", {**data, "op": "down:0"},
                     headers={"HX-Request": "true"})

    assert part.status_code == 200
    tasks = re.findall(r'<textarea name="step_task"[^>]*>([^<]*)</textarea>', part.text)
    assert tasks == ["Thẩm định, đề xuất", "Tiếp nhận hồ sơ", "Xem xét, ký duyệt"]
    focused = re.findall(r'<button[^>]*autofocus[^>]*>', part.text)
    assert len(focused) == 1 and 'value="down:1"' in focused[0]


def test_the_editor_offers_a_formatting_toolbar_and_still_posts_what_is_saved(api, client):
    form = _draft(api, client)
    page = client.get(EDIT).text

    assert 'role="toolbar"' in page
    for label in ("Chữ đậm", "Chữ nghiêng", "Danh sách gạch đầu dòng", "Danh sách đánh số", "Tiêu đề mục"):
        assert f'aria-label="{label}"' in page, label
    assert "/static/editor.js" in page and "/static/editor.css" in page
    body = page.split("<main", 1)[1]
    assert not re.search(r"<script(?![^>]*\bsrc=)", body), "no inline script"
    assert not re.search(r"\sstyle=|\son[a-z]+=|hx-on", body), "no inline style or handler"

    saved = api.get("iso", "/api/v1/documents/QT-01/versions/1").json()
    assert _post(client, form.fields, then="stay").status_code == 303
    again = api.get("iso", "/api/v1/documents/QT-01/versions/1").json()
    assert (again["sections"], again["steps"]) == (saved["sections"], saved["steps"])
    assert again["sections"]["purpose"] == "Quy định **cách** tiếp nhận hồ sơ.", "Markdown is kept as typed"


def test_an_empty_steps_table_says_how_to_start_it(api, client):
    api.create_procedure()
    login(client, "iso")
    page = client.get(EDIT).text
    assert 'Chưa có bước nào: nhấn "Thêm bước" để bắt đầu bảng.' in page


def test_a_step_button_of_a_version_frozen_meanwhile_leads_to_the_version(api, client):
    form = _draft(api, client)
    assert api.submit("QT-01", 1).status_code == 200

    response = _post(client, form.fields, op="up:1")

    assert response.status_code == 303
    assert response.headers["location"] == "/documents/QT-01/versions/1"
    assert _saved_steps(api) == ["Tiếp nhận hồ sơ", "Thẩm định, đề xuất", "Xem xét, ký duyệt"]
