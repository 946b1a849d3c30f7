"""The password policy, changing one's own password and the administrator's reset."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from support import PASSWORD, api_headers, login, post_form

from qms.accounts.passwords import (
    check_policy,
    hash_password,
    temporary_password,
    verify_password,
)
from qms.errors import ValidationFailed

NEW = "Doimatkhau2024"


# --- the policy -------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "reason"), [
    ("Ab1", "at least 8 characters"),
    ("a1" * 65, "at most 128 characters"),
    ("chicochudai", "both letters and digits"),
    ("12345678901", "both letters and digits"),
    ("Nguyenvana1990", "must not contain the username"),
    ("1990NGUYENVANA", "must not contain the username"),
])
def test_policy_refuses_weak_passwords_with_the_reason(password, reason):
    with pytest.raises(ValidationFailed) as refused:
        check_policy(password, username="nguyenvana")
    assert reason in refused.value.detail
    assert refused.value.field == "new_password"


def test_policy_names_the_field_it_is_told():
    with pytest.raises(ValidationFailed) as refused:
        check_policy("short1", field="password")
    assert refused.value.field == "password"


@pytest.mark.parametrize("password", ["Qzx-Vbw-48Kr", "mật khẩu 2024", "a1b2c3d4", "x" * 127 + "1"])
def test_policy_accepts_long_enough_passwords_with_letters_and_digits(password):
    check_policy(password, username="nguyenvana")


def test_hashes_verify_only_the_right_password():
    stored = hash_password("Qzx-Vbw-48Kr")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "Qzx-Vbw-48Kr")
    assert not verify_password(stored, "matkhau123")
    assert not verify_password(None, "Qzx-Vbw-48Kr")
    assert not verify_password("not a hash", "Qzx-Vbw-48Kr")


def test_temporary_passwords_meet_the_policy_and_differ():
    seen = {temporary_password() for _ in range(20)}
    assert len(seen) == 20
    for password in seen:
        check_policy(password, username="nguyenvana")


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
    ("ngan1", "at least 8 characters"),
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
    ({"current_password": PASSWORD, "new_password": "abcdefgh", "confirm_password": "abcdefgh"},
     "new_password", "both letters and digits"),
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
        check_policy(temporary, username="nv1")
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
        assert "You are using a temporary password." in form.text
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
