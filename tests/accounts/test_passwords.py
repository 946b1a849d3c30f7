"""The password policy, changing one's own password and the administrator's reset."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from support import PASSWORD, api_headers, csrf_token, login, post_form

from qms.accounts.passwords import (
    check_policy,
    common_passwords,
    hash_password,
    temporary_password,
    verify_password,
)
from qms.core.errors import ValidationFailed

NEW = "Sen-hong-ho-Tay-47"
AGENCY = ("Sở Nội vụ tỉnh Ninh Bình", "SNV")


# --- the policy -------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "reason"), [
    ("Ab1", "at least 10 characters"),
    ("a1" * 65, "at most 128 characters"),
    ("password1234", "most often"),
    ("Qwerty123456", "most often"),
    ("demo12345678", "most often"),
    ("Matkhau@2024", "most often"),
    ("MẬTKHẨU!!2024", "most often"),
    ("anhyeuem1990", "most often"),
    ("1234567890", "most often"),
    ("15/08/1990", "most often"),
    ("Nguyenvana1990", "must not contain the username"),
    ("1990NGUYENVANA", "must not contain the username"),
    ("Lê-Văn-Khải-1988", "your full name or part of it"),
    ("levankhaix1988", "your full name or part of it"),
    ("Khải của tôi 88", "your full name or part of it"),
    ("khaile1988!!", "your full name or part of it"),
    ("so noi vu ninh binh", "the agency's name"),
    ("SNV-Sở-Nội-Vụ-88", "the agency's name"),
])
def test_policy_refuses_weak_passwords_with_the_reason(password, reason):
    with pytest.raises(ValidationFailed) as refused:
        check_policy(password, username="nguyenvana", full_name="Lê Văn Khải", agency_names=AGENCY)
    assert reason in refused.value.detail
    assert refused.value.detail.startswith("New password ")
    assert refused.value.field == "new_password"


def test_policy_names_the_field_it_is_told():
    with pytest.raises(ValidationFailed) as refused:
        check_policy("short1", field="password")
    assert refused.value.field == "password"
    assert refused.value.detail.startswith("Password ")


@pytest.mark.parametrize("password", ["Qzx-Vbw-48Kr", "mật khẩu của tôi 2024", "chicochudai", "sen-hong-9",
                                      "x" * 127 + "1", "Thị trấn Lê Lợi", "An toàn là trên hết"])
def test_policy_accepts_long_passwords_without_composition_rules(password):
    check_policy(password, username="nguyenvana", full_name="Lê Thị An", agency_names=AGENCY)


def test_the_shipped_list_holds_tens_of_thousands_of_common_passwords():
    listed = common_passwords()
    assert len(listed) > 40_000
    assert {"matkhau", "password", "qwerty", "123456789", "anhyeuem", "doimatkhau"} <= listed


def test_hashes_verify_only_the_right_password():
    stored = hash_password("Qzx-Vbw-48Kr")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "Qzx-Vbw-48Kr")
    assert not verify_password(stored, "matkhau123")
    assert not verify_password(None, "Qzx-Vbw-48Kr")
    assert not verify_password("not a hash", "Qzx-Vbw-48Kr")


def test_temporary_passwords_meet_the_policy_and_differ():
    seen = {temporary_password(username="nguyenvana", full_name="Lê Văn Hùng", agency_names=AGENCY)
            for _ in range(200)}
    assert len(seen) == 200
    for password in seen:
        check_policy(password, username="nguyenvana", full_name="Lê Văn Hùng", agency_names=AGENCY)


# --- changing one's own password --------------------------------------------------------


def test_change_own_password_through_the_api(client, make, read):
    make.user("nv1", "staff")
    headers = api_headers(client, "nv1")
    other = api_headers(client, "nv1")

    response = client.post("/api/v1/me/password", headers=headers,
                           json={"current_password": PASSWORD, "new_password": NEW})

    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.get("/api/v1/me", headers=other).status_code == 401, "other sessions end"
    assert client.post("/api/v1/auth/token",
                       json={"username": "nv1", "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/auth/token",
                       json={"username": "nv1", "password": NEW}).status_code == 200
    [event] = read.events("user.password_change")
    assert (event.actor_username, event.object_id) == ("nv1", "nv1")
    assert PASSWORD not in event.details and NEW not in event.details


def test_wrong_current_password_is_422_naming_the_field_and_changes_nothing(client, make, read):
    make.user("nv1", "staff")
    headers = api_headers(client, "nv1")
    before = read.user("nv1").password_hash

    response = client.post("/api/v1/me/password", headers=headers,
                           json={"current_password": "Sai12345", "new_password": NEW})

    assert response.status_code == 422
    assert response.json()["field"] == "current_password"
    assert response.json()["detail"] == "The current password is wrong."
    assert read.user("nv1").password_hash == before
    assert read.events("user.password_change") == []


@pytest.mark.parametrize(("new", "reason"), [
    ("ngan1", "at least 10 characters"),
    ("nv1nv1nv1nv1", "must not contain the username"),
    (PASSWORD, "must differ from the current one"),
])
def test_new_password_must_meet_the_policy(client, make, read, new, reason):
    make.user("nv1", "staff")
    headers = api_headers(client, "nv1")

    response = client.post("/api/v1/me/password", headers=headers,
                           json={"current_password": PASSWORD, "new_password": new})

    assert response.status_code == 422
    assert response.json()["field"] == "new_password"
    assert reason in response.json()["detail"]
    assert verify_password(read.user("nv1").password_hash, PASSWORD)


def test_change_own_password_through_the_form(client, make, read):
    make.user("nv1", "staff")
    login(client, "nv1")

    response = post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW, "next": "/"})

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert "Your password has been changed." in client.get("/").text
    assert verify_password(read.user("nv1").password_hash, NEW)


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"current_password": "Sai12345", "new_password": NEW, "confirm_password": NEW},
     "current_password", "The current password is wrong."),
    ({"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW + "x"},
     "confirm_password", "The two new passwords do not match."),
    ({"current_password": PASSWORD, "new_password": "matkhau2024", "confirm_password": "matkhau2024"},
     "new_password", "most often"),
])
def test_password_form_shows_what_is_wrong(client, make, read, fields, field, message):
    make.user("nv1", "staff")
    login(client, "nv1")

    response = post_form(client, "/account/password", fields)

    assert response.status_code == 422
    assert re.search(rf'<small id="e-{field}" class="field-error">[^<]*{re.escape(message)}', response.text)
    assert verify_password(read.user("nv1").password_hash, PASSWORD)
    assert read.events("user.password_change") == []


# --- reset by an administrator ----------------------------------------------------------


def test_admin_reset_gives_a_temporary_password_to_change_at_next_sign_in(client, app, make, admin, read):
    make.user("nv1", "staff")
    with TestClient(app) as victim:
        login(victim, "nv1")
        response = client.post("/api/v1/users/nv1/reset-password",
                               headers=api_headers(client, "quantri"))
        assert response.status_code == 200
        temporary = response.json()["temporary_password"]
        assert response.json()["username"] == "nv1"
        check_policy(temporary, username="nv1", full_name="Nv1")
        # The open session of the user ends at once.
        assert victim.get("/", follow_redirects=False).headers["location"].startswith("/login")

    row = read.user("nv1")
    assert row.must_change_password
    assert not verify_password(row.password_hash, PASSWORD)
    [event] = read.events("user.password_reset")
    assert (event.actor_username, event.object_id) == ("quantri", "nv1")
    assert temporary not in event.details


def test_pages_lead_to_the_password_page_until_it_is_changed(app, make, admin, read):
    make.user("nv1", "staff")
    with TestClient(app, cookies={"qms_lang": "en"}) as browser:
        login(browser, "quantri")
        reset = post_form(browser, "/admin/users/nv1/reset-password")
        assert reset.status_code == 200
        temporary = re.search(r"<code>([^<]+)</code>", reset.text).group(1)
        post_form(browser, "/logout")

        signed_in = browser.post("/login", follow_redirects=False, data={
            "username": "nv1", "password": temporary, "next": "/admin/users?status=all&sort=-username",
            "csrf_token": browser.cookies.get("qms_csrf")})
        assert signed_in.status_code == 303
        assert signed_in.headers["location"] == (
            "/account/password?next=/admin/users%3Fstatus%3Dall%26sort%3D-username")

        for page in ("/", "/audit", "/admin/users"):
            response = browser.get(page, follow_redirects=False)
            assert response.status_code == 303
            assert response.headers["location"] == "/account/password"
        form = browser.get(signed_in.headers["location"])
        assert "You are using a temporary password, or one the password policy" in form.text
        assert 'name="next" value="/admin/users?status=all&amp;sort=-username"' in form.text

        changed = post_form(browser, "/account/password", {
            "current_password": temporary, "new_password": NEW, "confirm_password": NEW,
            "next": "/"})
        assert changed.status_code == 303
        assert browser.get("/", follow_redirects=False).status_code == 200
    assert not read.user("nv1").must_change_password


def test_htmx_request_of_a_user_who_must_change_password_is_sent_there(app, make, db):
    user = make.user("nv1", "staff")
    from qms.accounts.models import User

    db.get(User, user.id).must_change_password = True
    db.commit()
    with TestClient(app) as browser:
        login(browser, "nv1")
        response = browser.get("/", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.headers.get("hx-redirect") == "/account/password"


@pytest.mark.parametrize("role", ["quality_officer", "auditor", "staff"])
def test_only_an_admin_resets_passwords(client, make, read, role):
    make.user("khac", role)
    make.user("nv1", "staff")
    before = read.user("nv1").password_hash

    api = client.post("/api/v1/users/nv1/reset-password", headers=api_headers(client, "khac"))
    login(client, "khac")
    page = post_form(client, "/admin/users/nv1/reset-password")

    assert api.status_code == 403
    assert page.status_code == 403
    assert "Your role does not allow this action." in page.text
    assert read.user("nv1").password_hash == before
    assert read.events("user.password_reset") == []


def test_reset_of_an_unknown_user_is_404(client, admin):
    response = client.post("/api/v1/users/khongco/reset-password",
                           headers=api_headers(client, "quantri"))
    assert response.status_code == 404
    assert "khongco" in response.json()["detail"]


# --- passwords chosen before the policy -------------------------------------------------


def _sign_in(browser: TestClient, password: str):
    return browser.post("/login", follow_redirects=False, data={
        "username": "nv1", "password": password, "next": "/", "csrf_token": csrf_token(browser)})


def test_a_password_the_policy_now_refuses_is_replaced_at_next_sign_in(app, client, make, read):
    make.user("nv1", "staff", password="matkhau2024")
    with TestClient(app, cookies={"qms_lang": "en"}) as browser:
        signed_in = _sign_in(browser, "matkhau2024")
        assert signed_in.status_code == 303
        assert signed_in.headers["location"] == "/account/password?next=/"
        assert browser.get("/", follow_redirects=False).headers["location"] == "/account/password"
        assert "the password policy no longer accepts" in browser.get("/account/password").text
        changed = post_form(browser, "/account/password", {
            "current_password": "matkhau2024", "new_password": NEW, "confirm_password": NEW, "next": "/"})
        assert changed.status_code == 303
        assert browser.get("/", follow_redirects=False).status_code == 200
    assert not read.user("nv1").must_change_password
    token = client.post("/api/v1/auth/token", json={"username": "nv1", "password": NEW}).json()
    assert token["password_change_required"] is False
    flagged = [event.actor_username for event in read.events("auth.password_refused_by_policy")]
    assert flagged == ["nv1"], "the request to change is in the audit trail, once"


def test_the_api_says_so_too(client, make):
    make.user("nv1", "staff", password="Nv1-qms-2024")
    token = client.post("/api/v1/auth/token", json={"username": "nv1", "password": "Nv1-qms-2024"}).json()
    assert token["password_change_required"] is True
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    assert client.get("/api/v1/documents", headers=headers).status_code == 403


def test_an_exempt_account_keeps_its_password(app, make, db):
    user = make.user("nv1", "staff", password="demo1234")
    from qms.accounts.models import User

    db.get(User, user.id).password_policy_exempt = True
    db.commit()
    with TestClient(app) as browser:
        assert _sign_in(browser, "demo1234").headers["location"] == "/"
        assert browser.get("/", follow_redirects=False).status_code == 200


def test_reasons_are_in_vietnamese_and_name_the_field(client, make):
    make.user("nv1", "staff", full_name="Trần Thị Bích")
    client.cookies.set("qms_lang", "vi")
    headers = api_headers(client, "nv1")
    reasons = {}
    for new in ("ngan-qua", "Matkhau@2024", "Bich-cua-toi-88", "nv1-va-ban-be"):
        response = client.post("/api/v1/me/password", headers=headers,
                               json={"current_password": PASSWORD, "new_password": new})
        assert response.status_code == 422 and response.json()["field"] == "new_password"
        reasons[new] = response.json()["detail"]
    assert reasons == {
        "ngan-qua": "Mật khẩu mới phải có ít nhất 10 ký tự.",
        "Matkhau@2024": "Mật khẩu mới nằm trong số những mật khẩu hay được dùng nhất, là những mật khẩu "
                        "bị dò đầu tiên: hãy chọn một cụm từ dài hơn mà người khác khó đoán.",
        "Bich-cua-toi-88": "Mật khẩu mới không được chứa họ tên hoặc một phần họ tên của người dùng.",
        "nv1-va-ban-be": "Mật khẩu mới không được chứa tên đăng nhập.",
    }
