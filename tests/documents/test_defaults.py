"""The submit form proposes the approver a draft usually goes to: the head of agency, not the
first approver by name (a deputy), or whoever approved the document's last revision."""

from __future__ import annotations

import re

from support import PASSWORD, login, post_form


def _preselected_approver(client, code: str, rev: int) -> str | None:  # type: ignore[no-untyped-def]
    page = client.get(f"/documents/{code}/versions/{rev}").text
    select = re.search(r'<select id="f-approver".*?</select>', page, re.S)
    assert select, "the drafter sees the submit form"
    chosen = re.search(r'<option value="([^"]+)" selected>', select.group(0))
    return chosen.group(1) if chosen else None


def test_a_first_draft_goes_to_the_head_of_agency_not_a_deputy(api, client):
    api.create_procedure()
    api.fill("QT-01")
    login(client, "iso")
    # "Hoàng Thị Mai — Phó Giám đốc" comes first by name; the head is "Đặng Văn Bình — Giám đốc"
    assert _preselected_approver(client, "QT-01", 1) == "giamdoc"


def test_a_new_revision_goes_to_whoever_approved_the_last_one(api, client):
    api.create_procedure()
    api.fill("QT-01")
    assert api.submit("QT-01", 1, reviewers=(), approver="phogiamdoc").status_code == 200
    assert api.approve("QT-01", 1, username="phogiamdoc", password=PASSWORD).status_code == 200
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    login(client, "iso")
    assert _preselected_approver(client, "QT-01", 2) == "phogiamdoc"


def test_the_approver_most_often_signing_is_proposed_for_a_new_document(api, client):
    api.create_procedure("QT-01")
    api.fill("QT-01")
    assert api.submit("QT-01", 1, reviewers=(), approver="phogiamdoc").status_code == 200
    assert api.approve("QT-01", 1, username="phogiamdoc", password=PASSWORD).status_code == 200
    api.create_procedure("QT-02", "Quy trình kiểm soát hồ sơ")
    api.fill("QT-02")
    login(client, "iso")
    assert _preselected_approver(client, "QT-02", 1) == "phogiamdoc"


def test_what_the_drafter_chose_is_kept_when_the_form_comes_back(api, client):
    api.create_procedure()
    api.fill("QT-01")
    login(client, "iso")
    refused = post_form(client, "/documents/QT-01/versions/1/submit",
                        {"approver": "phogiamdoc", "password": "sai-mat-khau"})
    assert refused.status_code in (401, 422)
    chosen = re.search(r'<option value="([^"]+)" selected>',
                       re.search(r'<select id="f-approver".*?</select>', refused.text, re.S).group(0))
    assert chosen and chosen.group(1) == "phogiamdoc"


def test_a_withdrawal_and_a_periodic_review_propose_the_same_approver(api, client):
    api.create_procedure()
    api.fill("QT-01")
    assert api.submit("QT-01", 1, reviewers=(), approver="giamdoc").status_code == 200
    assert api.approve("QT-01", 1).status_code == 200
    login(client, "iso")
    for form_id in ("f-w-approver", "pr-approver"):
        page = client.get("/documents/QT-01/versions/1" if form_id == "f-w-approver" else "/documents/QT-01")
        select = re.search(rf'<select id="{form_id}".*?</select>', page.text, re.S)
        assert select, form_id
        assert '<option value="giamdoc" selected>' in select.group(0), form_id
