"""The accounts JSON API: the caller, users and units, permissions and bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from support import api_headers

from qms.accounts.models import Unit, User
from qms.core.roles import Role

NON_ADMIN_ROLES = [role.value for role in Role if role is not Role.ADMIN]


@pytest.fixture
def as_admin(client, admin):
    return api_headers(client, "quantri")


def new_user(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {"username": "nv9", "full_name": "Lê Thị Hoa", "unit": "CNTT",
                               "title": "Chuyên viên", "roles": ["staff"], "password": "Tamthoi123"}
    body.update(changes)
    return body


def test_me_describes_the_caller(client, make):
    make.unit("VP", "Văn phòng Sở")
    make.user("iso", "quality_officer", "staff", unit="VP", full_name="Phạm Thu Hà", title="Phó Chánh VP")
    response = client.get("/api/v1/me", headers=api_headers(client, "iso"))
    assert response.json() == {
        "username": "iso", "full_name": "Phạm Thu Hà", "title": "Phó Chánh VP", "unit": "VP",
        "roles": ["quality_officer", "staff"], "email": "iso@example.gov.vn", "active": True,
        "notification_mail": "immediate",
    }


def test_without_a_token_the_api_answers_401_in_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Please sign in."}
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("role", ["admin", "quality_officer", "auditor"])
def test_managers_and_auditors_list_users(client, make, role):
    make.user("xem", role)
    make.user("nv1", "staff", active=False)
    response = client.get("/api/v1/users", headers=api_headers(client, "xem"))
    assert response.status_code == 200
    assert {(u["username"], u["active"]) for u in response.json()} == {("xem", True), ("nv1", False)}
    assert set(response.json()[0]) >= {"username", "full_name", "title", "unit", "roles"}


@pytest.mark.parametrize("role", ["staff", "drafter", "reviewer", "approver"])
def test_other_roles_cannot_list_or_look_up_users(client, make, role):
    make.user("xem", role)
    headers = api_headers(client, "xem")
    listing = client.get("/api/v1/users", headers=headers)
    single = client.get("/api/v1/users/xem", headers=headers)
    assert listing.status_code == single.status_code == 403
    assert listing.json()["detail"] == "Your role does not allow this action."


def test_any_signed_in_user_lists_units(client, make):
    make.unit("SO", "Sở Nội vụ")
    make.unit("VP", "Văn phòng", parent="SO")
    make.user("nv1", "staff", unit="VP")
    response = client.get("/api/v1/units", headers=api_headers(client, "nv1"))
    assert response.json() == [{"code": "SO", "name": "Sở Nội vụ", "parent": None, "active": True},
                               {"code": "VP", "name": "Văn phòng", "parent": "SO", "active": True}]


# --- users ------------------------------------------------------------------------------


def test_admin_creates_a_user(client, as_admin, read):
    response = client.post("/api/v1/users", headers=as_admin, json=new_user(roles=["drafter", "staff"]))
    assert response.status_code == 201
    assert response.json()["username"] == "nv9"
    assert response.json()["roles"] == ["drafter", "staff"]
    assert read.user("nv9").must_change_password
    assert [e.action for e in read.events()][-1] == "user.create"


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_only_an_admin_creates_users(client, make, read, role):
    make.user("khac", role, unit="CNTT")
    response = client.post("/api/v1/users", headers=api_headers(client, "khac"), json=new_user())
    assert response.status_code == 403
    assert read.user("nv9") is None
    assert [e.action for e in read.events()] == ["auth.login"]


def test_duplicate_username_is_409(client, as_admin, make, read):
    make.user("nv9", "staff", full_name="Người Cũ")
    response = client.post("/api/v1/users", headers=as_admin, json=new_user(username="NV9"))
    assert response.status_code == 409
    assert "nv9" in response.json()["detail"]
    assert read.user("nv9").full_name == "Người Cũ"
    assert read.events("user.create") == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"username": "a" * 65}, "username"),
    ({"username": "Nguyễn"}, "username"),
    ({"username": "ab"}, "username"),
    ({"full_name": "x" * 121}, "full_name"),
    ({"full_name": " "}, "full_name"),
    ({"title": "x" * 5000}, "title"),
    ({"unit": "KHONGCO"}, "unit"),
    ({"unit": "X" * 40}, "unit"),
    ({"unit": 7}, "unit"),
    ({"email": "khong-phai-email"}, "email"),
    ({"roles": "admin"}, "roles"),
    ({"roles": ["vua"]}, "roles"),
    ({"roles": []}, "roles"),
    ({"password": "ngan1"}, "password"),
    ({"password": "x" * 10_000}, "password"),
    ({"password": None}, "password"),
    ({"username": "nv\u00009"}, "username"),
])
def test_bad_user_data_is_422_naming_the_field(client, as_admin, read, changes, field):
    response = client.post("/api/v1/users", headers=as_admin, json=new_user(**changes))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    named = body.get("field") or body["errors"][0]["field"]
    assert named == field
    assert read.count(User) == 1
    assert read.events("user.create") == []


def test_missing_fields_are_all_listed(client, as_admin):
    response = client.post("/api/v1/users", headers=as_admin, json={"username": "nv9"})
    assert response.status_code == 422
    errors = {e["field"]: e["reason"] for e in response.json()["errors"]}
    assert errors == {"full_name": "This field is required.", "unit": "This field is required.",
                      "password": "This field is required."}
    assert "full_name: This field is required." in response.json()["detail"]


@pytest.mark.parametrize(("body", "reason"), [
    (b"{not json", "The body is not valid JSON."),
    (b"[]", "Must be an object with named fields."),
    (b'"nv9"', "Must be an object with named fields."),
    (b"null", "Must be an object with named fields."),
    (b"", "This field is required."),
])
def test_a_body_that_is_not_an_object_is_422(client, as_admin, body, reason):
    response = client.post("/api/v1/users", headers={**as_admin, "content-type": "application/json"},
                           content=body)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "request", "reason": reason}]


def test_admin_edits_a_user(client, as_admin, make, read):
    make.user("nv1", "staff")
    response = client.patch("/api/v1/users/NV1", headers=as_admin,
                            json={"title": "Trưởng phòng", "roles": ["approver", "staff"],
                                  "email": None})
    assert response.status_code == 200
    assert response.json()["title"] == "Trưởng phòng"
    assert response.json()["roles"] == ["approver", "staff"]
    assert response.json()["email"] is None
    [event] = read.events("user.update")
    assert event.object_id == "nv1"


def test_admin_cannot_deactivate_themselves(client, as_admin, read):
    response = client.patch("/api/v1/users/quantri", headers=as_admin, json={"active": False})
    assert response.status_code == 422
    assert response.json()["field"] == "active"
    assert read.user("quantri").active
    assert client.get("/api/v1/me", headers=as_admin).status_code == 200
    assert read.events("user.update") == read.events("user.deactivate") == []


@pytest.mark.parametrize("body", [
    {"roles": ["staff"]},
    {"roles": ["admin", "staff"]},
    {"roles": ["auditor"], "title": "Kiểm toán"},
])
def test_nobody_changes_their_own_roles(client, as_admin, read, body):
    response = client.patch("/api/v1/users/quantri", headers=as_admin, json=body)
    assert response.status_code == 403
    assert "own roles" in response.json()["detail"]
    row = read.user("quantri")
    assert row.title == "Chuyên viên"
    assert read.roles("quantri") == {"admin"}
    assert read.events("user.update") == []


def test_giving_oneself_the_same_roles_again_is_no_change(client, as_admin, read):
    response = client.patch("/api/v1/users/quantri", headers=as_admin,
                            json={"roles": ["admin"], "title": "Quản trị hệ thống"})
    assert response.status_code == 200, response.text
    assert read.user("quantri").title == "Quản trị hệ thống"


@pytest.mark.parametrize("role", ["drafter", "reviewer", "approver", "quality_officer", "auditor"])
def test_an_administrator_holds_no_library_role(client, as_admin, make, read, role):
    make.user("nv1", "staff")
    make.user("quantri2", "admin")
    for username, body in (("nv1", {"roles": ["admin", role]}), ("quantri2", {"roles": ["admin", role]})):
        response = client.patch(f"/api/v1/users/{username}", headers=as_admin, json=body)
        assert response.status_code == 422, response.text
        assert response.json()["field"] == "roles"
    created = client.post("/api/v1/users", headers=as_admin, json={
        "username": "moi", "full_name": "Người Mới", "unit": "CNTT", "roles": [role, "admin"],
        "password": "Tam-thoi-2026x"})
    assert created.status_code == 422 and created.json()["field"] == "roles"
    assert read.roles("nv1") == {"staff"} and read.roles("quantri2") == {"admin"}
    assert read.user("moi") is None
    assert read.events("user.update") == read.events("user.create") == []
    # Staff alongside admin is allowed; the change is audited with what it replaced.
    assert client.patch("/api/v1/users/nv1", headers=as_admin,
                        json={"roles": ["admin", "staff"]}).status_code == 200
    [event] = read.events("user.update")
    assert '"roles_before":["staff"]' in event.details


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_only_an_admin_edits_users(client, make, read, role):
    make.user("khac", role)
    make.user("nv1", "staff")
    headers = api_headers(client, "khac")
    for body in ({"roles": ["admin"]}, {"active": False}, {"title": "Giám đốc"}):
        assert client.patch("/api/v1/users/nv1", headers=headers, json=body).status_code == 403
    assert client.patch("/api/v1/users/khac", headers=headers, json={"roles": ["admin"]}).status_code == 403
    assert read.roles("khac") == {role}
    assert read.user("nv1").active and read.user("nv1").title == "Chuyên viên"


def test_editing_an_unknown_user_is_404(client, as_admin):
    response = client.patch("/api/v1/users/" + "x" * 300, headers=as_admin, json={"title": "A"})
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize(("body", "field"), [
    ({"active": "có lẽ"}, "active"),
    ({"unit": "KHONGCO"}, "unit"),
    ({"roles": []}, "roles"),
    ({"full_name": "x"}, "full_name"),
    ({"title": ["a"]}, "title"),
])
def test_bad_edits_are_422_and_change_nothing(client, as_admin, make, read, body, field):
    make.user("nv1", "staff")
    response = client.patch("/api/v1/users/nv1", headers=as_admin, json=body)
    assert response.status_code == 422
    assert (response.json().get("field") or response.json()["errors"][0]["field"]) == field
    assert read.roles("nv1") == {"staff"}
    assert read.user("nv1").active
    assert read.events("user.update") == []


# --- units ------------------------------------------------------------------------------


def test_admin_creates_and_edits_units(client, as_admin, read):
    created = client.post("/api/v1/units", headers=as_admin,
                          json={"code": "khtc", "name": "Phòng Kế hoạch", "parent": "cntt"})
    assert created.status_code == 201
    assert created.json() == {"code": "KHTC", "name": "Phòng Kế hoạch", "parent": "CNTT", "active": True}

    edited = client.patch("/api/v1/units/khtc", headers=as_admin,
                          json={"name": "Phòng KH-TC", "parent": None})
    assert edited.json() == {"code": "KHTC", "name": "Phòng KH-TC", "parent": None, "active": True}
    assert [e.action for e in read.events()][-2:] == ["unit.create", "unit.update"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_only_an_admin_changes_units(client, make, read, role):
    make.unit("VP")
    make.user("khac", role, unit="VP")
    headers = api_headers(client, "khac")
    assert client.post("/api/v1/units", headers=headers,
                       json={"code": "KHTC", "name": "Kế hoạch"}).status_code == 403
    assert client.patch("/api/v1/units/VP", headers=headers, json={"name": "Đổi"}).status_code == 403
    assert read.unit("KHTC") is None
    assert read.unit("VP").name == "Phòng VP"


def test_unit_rules_answer_with_a_reason(client, as_admin, make, read):
    make.unit("SO")
    make.unit("VP", parent="SO")
    make.user("nv1", "staff", unit="VP")

    cycle = client.patch("/api/v1/units/SO", headers=as_admin, json={"parent": "VP"})
    members = client.patch("/api/v1/units/VP", headers=as_admin, json={"active": False})
    children = client.patch("/api/v1/units/SO", headers=as_admin, json={"active": False})
    duplicate = client.post("/api/v1/units", headers=as_admin, json={"code": "vp", "name": "Khác"})

    assert (cycle.status_code, cycle.json()["field"]) == (422, "parent")
    assert members.status_code == children.status_code == duplicate.status_code == 409
    assert "1 active members" in members.json()["detail"]
    assert "sub-units" in children.json()["detail"]
    assert read.unit("SO").parent_id is None
    assert read.unit("VP").active and read.unit("SO").active
    assert read.count(Unit) == 3
    assert [e.action for e in read.events()] == ["auth.login"]


@pytest.mark.parametrize(("body", "field"), [
    ({"code": "có dấu", "name": "Tên"}, "code"),
    ({"code": "A" * 33, "name": "Tên"}, "code"),
    ({"code": "KH", "name": "x" * 201}, "name"),
    ({"code": "KH", "name": "Tên", "sort_order": 10**30}, "sort_order"),
    ({"code": "KH", "name": "Tên", "sort_order": "đầu"}, "sort_order"),
    ({"code": "KH", "name": "Tên", "parent": "KHONGCO"}, "parent"),
])
def test_bad_unit_data_is_422_naming_the_field(client, as_admin, read, body, field):
    response = client.post("/api/v1/units", headers=as_admin, json=body)
    assert response.status_code == 422
    assert (response.json().get("field") or response.json()["errors"][0]["field"]) == field
    assert read.unit("KH") is None


# --- CSRF and the API -------------------------------------------------------------------


def test_bearer_calls_need_no_csrf_token(app, admin, read):
    with TestClient(app) as script:
        headers = api_headers(script, "quantri")
        script.cookies.clear()
        response = script.post("/api/v1/units", headers=headers, json={"code": "KH", "name": "Kế hoạch"})
    assert response.status_code == 201
    assert read.unit("KH") is not None


def test_a_cookie_session_cannot_post_a_form_to_the_api_without_the_token(client, admin, read):
    from support import login

    login(client, "quantri")
    response = client.post("/api/v1/units", data={"code": "KH", "name": "Kế hoạch"})
    assert response.status_code == 403
    assert read.unit("KH") is None


def test_a_role_change_takes_effect_on_the_next_call(client, as_admin, make):
    make.user("danhgia", "auditor")
    headers = api_headers(client, "danhgia")
    assert client.get("/api/v1/audit", headers=headers).status_code == 200
    client.patch("/api/v1/users/danhgia", headers=as_admin, json={"roles": ["staff"]})
    assert client.get("/api/v1/audit", headers=headers).status_code == 403
    assert client.get("/api/v1/me", headers=headers).json()["roles"] == ["staff"]
