"""What people found wrong: a revision identical to the one in force, the withdrawal task without
its reason and date, and the words of the Vietnamese interface."""

from __future__ import annotations

import re
from datetime import timedelta

from babel.messages.pofile import read_po
from support import PASSWORD, agency_today, login, post_form

from qms.core.paths import LOCALE_DIR

V1 = "/api/v1/documents/QT-01/versions/1"
V2 = "/api/v1/documents/QT-01/versions/2"


def _in_force_with_an_unchanged_draft(api) -> None:
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    assert api.edit("QT-01", 2, {"change_summary": "Rà soát định kỳ"}).status_code == 200


def test_a_revision_identical_to_the_one_in_force_cannot_be_submitted(api):
    _in_force_with_an_unchanged_draft(api)
    refused = api.submit("QT-01", 2)
    assert refused.status_code == 422, refused.text
    assert "01" in refused.json()["detail"]
    assert api.get("iso", V2).json()["status"] == "draft"
    assert api.get("iso", V2).json()["signatures"] == []

    assert api.edit("QT-01", 2, {"sections": {"scope": "Áp dụng cho mọi phòng."}}).status_code == 200
    assert api.submit("QT-01", 2).status_code == 200


def test_a_new_title_alone_makes_a_revision_different(api):
    _in_force_with_an_unchanged_draft(api)
    renamed = api.patch("iso", "/api/v1/documents/QT-01", {"title": "Quy trình quản lý tài liệu"})
    assert renamed.status_code == 200
    assert api.submit("QT-01", 2).status_code == 200


def test_the_submit_form_says_why_an_identical_revision_is_refused(api, client):
    _in_force_with_an_unchanged_draft(api)
    login(client, "iso")
    page = post_form(client, "/documents/QT-01/versions/2/submit",
                     {"reviewers": ["xemxet"], "approver": "giamdoc", "password": PASSWORD})
    assert page.status_code == 422
    assert "giống hệt lần ban hành 01 đang có hiệu lực" in page.text
    assert 'role="alert"' in page.text


def test_the_withdrawal_task_shows_its_reason_and_date(api, client):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    reason = "Thủ tục hành chính đã bị bãi bỏ."
    assert api.post("iso", f"{V1}/withdraw", {"reason": reason, "approver": "giamdoc"}).status_code == 200

    (task,) = api.get("giamdoc", "/api/v1/me/pending").json()
    assert (task["kind"], task["reason"]) == ("withdrawal", reason)
    assert task["requested_at"] is not None

    login(client, "giamdoc")
    today = agency_today().strftime("%d/%m/%Y")
    for url in ("/tasks", "/"):
        page = client.get(url).text
        assert reason in page, url
        assert f"đề nghị ngày {today}" in page, url
    version_page = client.get("/documents/QT-01/versions/1").text
    assert "Lý do hủy bỏ" in version_page and "Ngày đề nghị" in version_page

    refused = api.post("giamdoc", f"{V1}/withdraw",
                       {"decision": "rejected", "comment": "Vẫn áp dụng.", "password": PASSWORD})
    assert refused.status_code == 200, refused.text
    assert api.get("giamdoc", "/api/v1/me/pending").json() == []


def test_the_editor_preview_speaks_vietnamese_when_empty(api, client):
    login(client, "iso")
    preview = post_form(client, "/documents/preview?field=text", {"text": ""})
    assert preview.status_code == 200
    assert "Chưa có nội dung để xem trước." in preview.text


def test_revisions_are_called_lan_ban_hanh_with_two_digits(api, client):
    catalog = read_po((LOCALE_DIR / "vi/LC_MESSAGES/messages.po").open("rb"))
    mixed = [message.id for message in catalog if message.id and "phiên bản" in str(message.string).lower()]
    # The one exception quotes the standard (TCVN ISO 9001:2008, 4.2.3 d).
    assert mixed == ["Relevant versions are available where they are used"]

    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    login(client, "iso")
    opened = post_form(client, "/documents/QT-01/versions")
    assert opened.status_code == 303
    opened = client.get(opened.headers["location"])
    assert "lần ban hành 02" in opened.text
    assert not re.search(r"lần ban hành \d\b", opened.text)


def test_the_delegation_page_says_ky_thay_as_the_records_print_kt(api, client):
    login(client, "giamdoc")
    page = client.get("/delegations").text
    assert "Ký thay (KT.)" in page
    assert "Ủy quyền" not in page and "ủy quyền" not in page
    today = agency_today()
    created = post_form(client, "/delegations", {
        "delegate": "phogiamdoc", "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=3)).isoformat(), "note": "Đi công tác", "password": PASSWORD,
    })
    assert created.status_code == 303, created.text
    assert "Đã giao ký thay phê duyệt" in client.get(created.headers["location"]).text
