"""The HTML pages of accounts: CSRF, administration forms, permissions, messages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from support import PASSWORD, login, post_form

from qms.accounts.models import Unit, User
from qms.core.roles import Role

NON_ADMIN_ROLES = [role.value for role in Role if role is not Role.ADMIN]


def field_error(html: str, field: str) -> str | None:
    match = re.search(rf'<small id="e-{field}" class="field-error">([^<]*)</small>', html)
    return match.group(1) if match else None


@pytest.fixture
def signed_in_admin(client, admin):
    login(client, "quantri")
    return client


def new_user_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {"username": "nv9", "full_name": "Lê Thị Hoa", "title": "Chuyên viên",
                               "unit": "CNTT", "email": "", "password": "Tamthoi123",
                               "roles": ["staff", "drafter"]}
    data.update(changes)
    return data


# --- CSRF -------------------------------------------------------------------------------


def test_a_form_post_without_the_token_is_refused_and_changes_nothing(signed_in_admin, read):
    response = signed_in_admin.post("/admin/users/new", data=new_user_form(), follow_redirects=False)
    assert response.status_code == 403
    assert "The form has expired or did not come from this site." in response.text
    assert read.user("nv9") is None
    assert read.events("user.create") == []


def test_a_form_post_with_a_wrong_token_is_refused(signed_in_admin, read):
    response = signed_in_admin.post("/admin/users/new", follow_redirects=False,
                                    data={**new_user_form(), "csrf_token": "x" * 43})
    assert response.status_code == 403
    assert read.user("nv9") is None


def test_a_token_without_its_cookie_is_refused(app, admin, read):
    with TestClient(app) as browser:
        login(browser, "quantri")
        token = browser.cookies.get("qms_csrf")
        browser.cookies.delete("qms_csrf")
        response = browser.post("/admin/users/new", data={**new_user_form(), "csrf_token": token},
                                follow_redirects=False)
    assert response.status_code == 403
    assert read.user("nv9") is None


def test_sign_in_needs_the_token_too(client, make, read):
    make.user("nv1", "staff")
    response = client.post("/login", data={"username": "nv1", "password": PASSWORD})
    assert response.status_code == 403
    assert read.sessions("nv1") == []
    assert read.events() == []


def test_htmx_sends_the_token_in_a_header(signed_in_admin, make, read):
    make.unit("KH")
    response = signed_in_admin.post(
        "/admin/units/KH/active", data={"active": "false"},
        headers={"HX-Request": "true", "HX-Target": "unit-tree",
                 "X-CSRF-Token": signed_in_admin.cookies.get("qms_csrf")})
    assert response.status_code == 200
    assert 'id="unit-tree"' in response.text
    assert "<html" not in response.text
    assert "Unit KH was deactivated." in response.headers["hx-trigger"].encode().decode("unicode_escape")
    assert not read.unit("KH").active


def test_htmx_with_a_wrong_header_token_is_refused(signed_in_admin, make, read):
    make.unit("KH")
    response = signed_in_admin.post("/admin/units/KH/active", data={"active": "false"},
                                    headers={"HX-Request": "true", "X-CSRF-Token": "sai"})
    assert response.status_code == 403
    assert read.unit("KH").active


def test_forms_work_beside_a_malformed_cookie_of_another_application(app, admin, read):
    with TestClient(app) as browser:
        browser.cookies.set("_ga_tracker", "a b", domain="testserver.local")
        login(browser, "quantri")
        response = post_form(browser, "/admin/units", {"code": "KH", "name": "Kế hoạch"})
    assert response.status_code == 303
    assert read.unit("KH") is not None


# --- users ------------------------------------------------------------------------------


def test_admin_creates_a_user_through_the_form(signed_in_admin, read):
    response = post_form(signed_in_admin, "/admin/users/new", new_user_form())
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/users/nv9"
    page = signed_in_admin.get("/admin/users/nv9")
    assert "Account nv9 was created." in page.text
    assert "Lê Thị Hoa" in page.text
    assert read.roles("nv9") == {"staff", "drafter"}
    assert read.user("nv9").email is None
    assert len(read.events("user.create")) == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"full_name": "L"}, "full_name", "Must have at least 2 characters."),
    ({"full_name": ""}, "full_name", "This field is required."),
    ({"username": "Có Dấu"}, "username", "lowercase letters"),
    ({"username": "x" * 500}, "username", "Must have at most 64 characters."),
    ({"unit": "KHONGCO"}, "unit", "Unit KHONGCO does not exist."),
    ({"email": "khong-email"}, "email", "This is not a valid e-mail address."),
    ({"password": "abcdefgh1nv9"}, "password", "must not contain the username"),
    ({"roles": []}, "roles", "A user needs at least one role."),
    ({"roles": ["vua"]}, "roles", "Not one of the allowed values."),
])
def test_user_form_shows_the_reason_next_to_the_field(signed_in_admin, read, changes, field, message):
    response = post_form(signed_in_admin, "/admin/users/new", new_user_form(**changes))
    assert response.status_code == 422
    assert message in (field_error(response.text, field) or "")
    if field != "username":
        assert 'value="nv9"' in response.text, "what was typed is kept"
    assert read.count(User) == 1
    assert read.events("user.create") == []


def test_duplicate_username_in_the_form_is_409_with_a_message(signed_in_admin, make, read):
    make.user("nv9", "staff")
    response = post_form(signed_in_admin, "/admin/users/new", new_user_form())
    assert response.status_code == 409
    assert "already taken" in (field_error(response.text, "username") or "")
    assert read.events("user.create") == []


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_only_an_admin_posts_the_user_forms(client, make, read, role):
    make.user("khac", role, unit="CNTT")
    make.user("nv1", "staff", unit="CNTT")
    login(client, "khac")
    created = post_form(client, "/admin/users/new", new_user_form())
    edited = post_form(client, "/admin/users/nv1", {"full_name": "Đổi Tên", "unit": "CNTT",
                                                    "roles": ["admin"]})
    promoted = post_form(client, "/admin/users/khac", {"full_name": "Khac", "unit": "CNTT",
                                                       "roles": ["admin"]})
    closed = post_form(client, "/admin/users/nv1/active", {"active": "false"})
    for response in (created, edited, promoted, closed):
        assert response.status_code == 403
        assert "Your role does not allow this action." in response.text
        assert 'name="full_name"' not in response.text, "an error page, not the form again"
    assert read.user("nv9") is None
    assert read.user("nv1").full_name == "Nv1" and read.user("nv1").active
    assert read.roles("khac") == {role}
    assert [e.action for e in read.events()] == ["auth.login"]


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("quality_officer", 200), ("auditor", 200), ("staff", 403), ("approver", 403)])
def test_who_sees_the_user_list(client, make, role, status):
    make.user("xem", role)
    make.user("nv1", "staff", full_name="Đỗ Thị Lan")
    login(client, "xem")
    response = client.get("/admin/users")
    assert response.status_code == status
    if status == 200:
        assert "Đỗ Thị Lan" in response.text
    else:
        assert "Đỗ Thị Lan" not in response.text
        assert "Your role does not allow this action." in response.text


def test_user_list_searches_without_diacritics_and_serves_htmx_a_fragment(signed_in_admin, make):
    make.user("nv1", "staff", full_name="Đỗ Thị Lan")
    make.user("nv2", "staff", full_name="Trần Văn Nam")
    response = signed_in_admin.get("/admin/users?q=do+thi",
                                   headers={"HX-Request": "true", "HX-Target": "results"})
    assert "Đỗ Thị Lan" in response.text and "Trần Văn Nam" not in response.text
    assert "<html" not in response.text


def test_admin_edits_a_user_through_the_form(signed_in_admin, make, read):
    make.user("nv1", "staff")
    response = post_form(signed_in_admin, "/admin/users/nv1", {
        "full_name": "Trần Văn Nam", "title": "Phó phòng", "unit": "CNTT", "email": "nam@example.gov.vn",
        "roles": ["reviewer", "staff"]})
    assert response.status_code == 303
    assert "Changes saved." in signed_in_admin.get(response.headers["location"]).text
    row = read.user("nv1")
    assert (row.full_name, row.title, row.email) == ("Trần Văn Nam", "Phó phòng", "nam@example.gov.vn")
    assert read.roles("nv1") == {"reviewer", "staff"}


def test_an_admin_cannot_change_their_own_roles_in_the_form(signed_in_admin, read):
    page = signed_in_admin.get("/admin/users/quantri")
    assert '<fieldset class="roles" disabled' in page.text
    assert "Nobody changes their own roles" in page.text
    saved = post_form(signed_in_admin, "/admin/users/quantri", {
        "full_name": "Nguyễn Quản Trị", "title": "Quản trị", "unit": "CNTT", "email": ""})
    assert saved.status_code == 303, "the rest of the form still saves"
    forced = post_form(signed_in_admin, "/admin/users/quantri", {
        "full_name": "Nguyễn Quản Trị", "title": "", "unit": "CNTT", "email": "", "roles": ["approver"]})
    assert forced.status_code == 403
    assert read.roles("quantri") == {"admin"}
    assert read.user("quantri").title == "Quản trị"


def test_the_user_form_shows_why_an_admin_cannot_sign(signed_in_admin, make, read):
    make.user("nv1", "staff")
    response = post_form(signed_in_admin, "/admin/users/nv1", {
        "full_name": "Nv1", "title": "", "unit": "VP", "email": "", "roles": ["admin", "approver"]})
    assert response.status_code == 422
    assert "An administrator cannot also hold" in (field_error(response.text, "roles") or "")
    assert 'value="approver" checked' in response.text, "what was ticked stays ticked"
    created = post_form(signed_in_admin, "/admin/users/new", {
        "username": "moi", "full_name": "Người Mới", "unit": "VP", "password": "Tam-thoi-2026x",
        "roles": ["admin", "quality_officer"]})
    assert created.status_code == 422
    assert "An administrator cannot also hold" in (field_error(created.text, "roles") or "")
    assert read.roles("nv1") == {"staff"} and read.user("moi") is None


def test_an_account_from_before_the_rule_shows_it_on_its_page(signed_in_admin, make):
    make.user("cu", "admin", "approver")
    page = signed_in_admin.get("/admin/users/cu")
    assert "An administrator cannot also hold" in (field_error(page.text, "roles") or "")


def test_admin_deactivates_and_reactivates_a_user(signed_in_admin, make, read):
    make.user("nv1", "staff")
    off = post_form(signed_in_admin, "/admin/users/nv1/active", {"active": "false"})
    assert off.status_code == 303
    assert "The account was deactivated." in signed_in_admin.get("/admin/users/nv1").text
    assert not read.user("nv1").active
    post_form(signed_in_admin, "/admin/users/nv1/active", {"active": "true"})
    assert read.user("nv1").active
    assert [e.action for e in read.events()][-2:] == ["user.deactivate", "user.activate"]


def test_admin_cannot_deactivate_themselves_through_the_form(signed_in_admin, read):
    response = post_form(signed_in_admin, "/admin/users/quantri/active", {"active": "false"})
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.text
    assert read.user("quantri").active
    assert signed_in_admin.get("/", follow_redirects=False).status_code == 200


def test_admin_reset_shows_the_temporary_password_once(signed_in_admin, make, read):
    make.user("nv1", "staff")
    response = post_form(signed_in_admin, "/admin/users/nv1/reset-password")
    assert response.status_code == 200
    password = re.search(r"<code>([^<]+)</code>", response.text).group(1)
    assert read.user("nv1").must_change_password
    assert password not in signed_in_admin.get("/admin/users/nv1").text


def test_unknown_user_page_is_404(signed_in_admin):
    response = signed_in_admin.get("/admin/users/khongco")
    assert response.status_code == 404
    assert "User khongco does not exist." in response.text


# --- units ------------------------------------------------------------------------------


def test_admin_creates_a_unit_through_the_form(signed_in_admin, read):
    response = post_form(signed_in_admin, "/admin/units",
                         {"code": "kh", "name": "Phòng Kế hoạch", "parent": "CNTT", "sort_order": "2"})
    assert response.status_code == 303
    assert "Unit KH was created." in signed_in_admin.get("/admin/units").text
    assert read.parent_code("KH") == "CNTT"
    assert len(read.events("unit.create")) == 1


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"code": "", "name": "Kế hoạch"}, "code", "This field is required."),
    ({"code": "KH", "name": "K"}, "name", "Must have at least 2 characters."),
    ({"code": "KH", "name": "Kế hoạch", "sort_order": "đầu"}, "sort_order", "Must be a whole number."),
    ({"code": "KH", "name": "Kế hoạch", "sort_order": "99999999999999999999999"}, "sort_order",
     "Must be at most 10000."),
    ({"code": "KH", "name": "Kế hoạch", "parent": "KHONGCO"}, "parent", "does not exist"),
    ({"code": "CNTT", "name": "Trùng"}, "code", "already exists"),
])
def test_unit_form_shows_the_reason(signed_in_admin, read, values, field, message):
    response = post_form(signed_in_admin, "/admin/units", values)
    assert response.status_code in (409, 422)
    assert message in (field_error(response.text, field) or "")
    assert read.count(Unit) == 1


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_only_an_admin_posts_unit_forms(client, make, read, role):
    make.unit("SO")
    make.unit("VP", parent="SO")
    make.user("khac", role, unit="VP")
    login(client, "khac")
    created = post_form(client, "/admin/units", {"code": "KH", "name": "Kế hoạch"})
    edited = post_form(client, "/admin/units/VP", {"name": "Đổi tên", "parent": ""})
    closed = post_form(client, "/admin/units/SO/active", {"active": "false"})
    for response in (created, edited, closed):
        assert response.status_code == 403
        assert "Your role does not allow this action." in response.text
        assert 'name="code"' not in response.text, "an error page, not the form"
    assert read.unit("KH") is None
    assert read.unit("VP").name == "Phòng VP"
    assert read.unit("SO").active


def test_moving_a_unit_under_its_own_sub_unit_shows_why(signed_in_admin, make, read):
    make.unit("SO")
    make.unit("VP", parent="SO")
    response = post_form(signed_in_admin, "/admin/units/SO", {"name": "Sở", "parent": "VP"})
    assert response.status_code == 422
    assert "cannot be placed under itself" in (field_error(response.text, "parent") or "")
    assert read.unit("SO").parent_id is None


def test_deactivating_a_unit_with_members_shows_why(signed_in_admin, make, read):
    make.unit("KH")
    make.user("nv1", "staff", unit="KH")
    response = post_form(signed_in_admin, "/admin/units/KH/active", {"active": "false"})
    assert response.status_code == 409
    assert "The unit still has 1 active members" in response.text
    assert read.unit("KH").active
    assert read.events("unit.deactivate") == []


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("auditor", 200), ("staff", 403)])
def test_who_sees_the_units_page(client, make, role, status):
    make.unit("KH", "Phòng Kế hoạch")
    make.user("xem", role)
    login(client, "xem")
    response = client.get("/admin/units")
    assert response.status_code == status
    assert ("Phòng Kế hoạch" in response.text) is (status == 200)
    assert ('action="/admin/units"' in response.text) is (role == "admin")


def test_agency_page_is_for_admins(client, make, read):
    make.user("iso", "quality_officer")
    make.user("quantri", "admin")
    login(client, "iso")
    assert client.get("/admin/agency").status_code == 403
    assert post_form(client, "/admin/agency", {"name": "Sở Nội vụ"}).status_code == 403
    login(client, "quantri")
    saved = post_form(client, "/admin/agency", {"name": "Sở Nội vụ tỉnh Ninh Bình",
                                                "parent_name": "UBND tỉnh Ninh Bình"})
    assert saved.status_code == 303
    assert "Sở Nội vụ tỉnh Ninh Bình" in client.get("/").text
    assert [e.actor_username for e in read.events("agency.update")] == ["quantri"]


def test_an_agency_name_with_a_control_character_is_refused(client, make, read):
    """The name heads every record; Word cannot hold a control character."""
    make.user("quantri", "admin")
    login(client, "quantri")
    refused = post_form(client, "/admin/agency", {"name": "Sở\x0bNội vụ"})
    assert refused.status_code == 422
    assert read.events("agency.update") == []


def test_a_failed_edit_of_a_deactivated_user_keeps_its_state_and_actions(signed_in_admin, make):
    make.user("nv1", "staff", active=False)
    response = post_form(signed_in_admin, "/admin/users/nv1", {
        "full_name": "N", "title": "", "unit": "CNTT", "email": "", "roles": ["staff"]})
    assert response.status_code == 422
    assert "Must have at least 2 characters." in (field_error(response.text, "full_name") or "")
    assert "Deactivated" in response.text
    assert "Reactivate account" in response.text
    assert "<fieldset disabled>" not in response.text
