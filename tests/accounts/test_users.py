"""The user service: who may manage accounts, the rules it keeps, and what it records."""

from __future__ import annotations

import pytest

from qms.accounts import users
from qms.accounts.models import User
from qms.accounts.schemas import UserCreate, UserUpdate
from qms.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from qms.core.roles import Role

NON_ADMIN_ROLES = [role.value for role in Role if role is not Role.ADMIN]


def new_user(username: str = "nv9", **changes: object) -> UserCreate:
    data: dict[str, object] = {"username": username, "full_name": "Lê Thị Hoa", "unit": "CNTT",
                               "roles": ["staff"], "password": "Tamthoi123"}
    data.update(changes)
    return UserCreate.model_validate(data)


def test_admin_creates_a_user_who_must_change_the_password(db, admin, read):
    created = users.create_user(db, admin, new_user(title="Chuyên viên", email="hoa@example.gov.vn",
                                                    roles=["drafter", "staff"]))
    db.commit()

    row = read.user("nv9")
    assert row.id == created.id
    assert row.full_name == "Lê Thị Hoa"
    assert row.search_name == "le thi hoa"
    assert row.must_change_password
    assert read.roles("nv9") == {"drafter", "staff"}
    [event] = read.events("user.create")
    assert (event.actor_username, event.object_id) == ("quantri", "nv9")
    assert '"roles":["drafter","staff"]' in event.details
    assert "Tamthoi123" not in event.details and "password" not in event.details


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_only_an_admin_creates_users(db, make, read, role):
    actor = make.user("khac", role)
    with pytest.raises(Forbidden):
        users.create_user(db, actor, new_user())
    db.rollback()
    assert read.user("nv9") is None
    assert read.events() == []


def test_duplicate_username_is_a_conflict(db, admin, make, read):
    make.user("nv9", "staff")
    with pytest.raises(Conflict) as refused:
        users.create_user(db, admin, new_user("NV9"))
    assert "nv9" in refused.value.detail
    db.rollback()
    assert read.events() == []


def test_unknown_or_inactive_unit_names_the_unit_field(db, admin, make):
    with pytest.raises(ValidationFailed) as unknown:
        users.create_user(db, admin, new_user(unit="KHONGCO"))
    assert unknown.value.field == "unit"
    assert "KHONGCO" in unknown.value.detail
    db.rollback()

    closed = make.unit("CU")
    closed.active = False
    db.commit()
    with pytest.raises(ValidationFailed) as inactive:
        users.create_user(db, admin, new_user(unit="CU"))
    assert inactive.value.field == "unit"
    assert "no longer active" in inactive.value.detail


def test_initial_password_must_meet_the_policy(db, admin, read):
    with pytest.raises(ValidationFailed) as refused:
        users.create_user(db, admin, new_user(password="nv9nv9nv9nv9"))
    assert refused.value.field == "password"
    db.rollback()
    assert read.user("nv9") is None


def test_a_user_needs_a_role(db, admin, read):
    with pytest.raises(ValidationFailed) as refused:
        users.create_user(db, admin, new_user(roles=[]))
    assert refused.value.field == "roles"
    db.rollback()
    assert read.user("nv9") is None
    assert read.events() == []


def test_admin_changes_details_roles_and_unit(db, admin, make, read):
    make.unit("KHTC", "Phòng Kế hoạch - Tài chính")
    make.user("nv1", "staff")

    users.update_user(db, admin, "NV1", UserUpdate(full_name="Trần  Văn   Nam", title="Trưởng phòng",
                                                   unit="khtc", roles=[Role.APPROVER, Role.STAFF]))
    db.commit()

    row = read.user("nv1")
    assert (row.full_name, row.search_name, row.title) == ("Trần Văn Nam", "tran van nam", "Trưởng phòng")
    assert row.unit_id == read.unit("KHTC").id
    assert read.roles("nv1") == {"approver", "staff"}
    [event] = read.events("user.update")
    assert event.object_id == "nv1"
    assert '"roles":["approver","staff"]' in event.details


def test_deactivation_and_reactivation_are_recorded_as_such(db, admin, make, read):
    make.user("nv1", "staff")
    users.update_user(db, admin, "nv1", UserUpdate(active=False))
    db.commit()
    assert not read.user("nv1").active
    users.update_user(db, admin, "nv1", UserUpdate(active=True))
    db.commit()
    assert read.user("nv1").active
    assert [e.action for e in read.events()] == ["user.deactivate", "user.activate"]


def test_admin_cannot_deactivate_themselves(db, admin, read):
    with pytest.raises(ValidationFailed) as refused:
        users.update_user(db, admin, "quantri", UserUpdate(active=False, title="Đã nghỉ"))
    assert refused.value.field == "active"
    db.rollback()
    row = read.user("quantri")
    assert row.active and row.title == "Chuyên viên"
    assert read.events() == []


def test_nobody_changes_their_own_roles(db, admin, read):
    for roles in ([Role.STAFF], [Role.ADMIN, Role.STAFF], [Role.ADMIN, Role.AUDITOR]):
        with pytest.raises(Forbidden):
            users.update_user(db, admin, "quantri", UserUpdate(roles=roles))
        db.rollback()
    assert read.roles("quantri") == {"admin"}
    assert read.events() == []


def test_an_administrator_cannot_be_given_a_library_role(db, admin, make, read):
    make.user("quantri2", "admin")
    with pytest.raises(ValidationFailed) as refused:
        users.update_user(db, admin, "quantri2", UserUpdate(roles=[Role.ADMIN, Role.APPROVER]))
    assert refused.value.field == "roles"
    db.rollback()
    assert read.roles("quantri2") == {"admin"}


def test_another_admin_may_remove_an_admin_role(db, admin, make, read):
    make.user("quantri2", "admin")
    users.update_user(db, admin, "quantri2", UserUpdate(roles=[Role.STAFF]))
    db.commit()
    assert read.roles("quantri2") == {"staff"}


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_only_an_admin_edits_users(db, make, read, role):
    actor = make.user("khac", role)
    make.user("nv1", "staff")
    for change in (UserUpdate(title="Phó phòng"), UserUpdate(active=False),
                   UserUpdate(roles=[Role.ADMIN])):
        with pytest.raises(Forbidden):
            users.update_user(db, actor, "nv1", change)
        db.rollback()
    with pytest.raises(Forbidden):
        users.update_user(db, actor, "khac", UserUpdate(roles=[Role.ADMIN]))
    db.rollback()
    assert read.roles("khac") == {role}
    assert read.user("nv1").active
    assert read.events() == []


def test_editing_an_unknown_user_is_not_found(db, admin):
    with pytest.raises(NotFound):
        users.update_user(db, admin, "khongco", UserUpdate(title="x"))


@pytest.mark.parametrize("role", ["admin", "quality_officer", "auditor"])
def test_managers_and_auditors_list_users(db, make, role):
    actor = make.user("xem", role)
    make.user("nv1", "staff", full_name="Đỗ Thị Lan")
    page = users.list_users(db, actor, q="do thi")
    assert [user.username for user, _unit, _roles in page.items] == ["nv1"]
    assert page.total == 1


@pytest.mark.parametrize("role", ["staff", "drafter", "reviewer", "approver"])
def test_others_cannot_list_users(db, make, role):
    actor = make.user("xem", role)
    with pytest.raises(Forbidden):
        users.list_users(db, actor)
    with pytest.raises(Forbidden):
        users.all_users_public(db, actor)


def test_user_list_filters_by_unit_role_and_state(db, admin, make):
    make.unit("KHTC")
    make.user("nv1", "staff", unit="KHTC")
    make.user("nv2", "drafter", unit="KHTC")
    make.user("nv3", "drafter", active=False)
    by_unit = users.list_users(db, admin, unit="khtc", active=True)
    assert sorted(u.username for u, _unit, _roles in by_unit.items) == ["nv1", "nv2"]
    drafters = users.list_users(db, admin, role="drafter", active=None)
    assert sorted(u.username for u, _unit, _roles in drafters.items) == ["nv2", "nv3"]
    gone = users.list_users(db, admin, active=False)
    assert [u.username for u, _unit, _roles in gone.items] == ["nv3"]


def test_reset_password_ends_the_users_sessions(db, admin, make, read, client):
    from support import api_headers

    make.user("nv1", "staff")
    api_headers(client, "nv1")
    assert len(read.sessions("nv1")) == 1
    users.reset_password(db, admin, "nv1")
    db.commit()
    assert read.sessions("nv1") == []
    assert db.get(User, read.user("nv1").id).must_change_password


def test_search_treats_wildcards_as_text(db, admin, make):
    make.user("nv_1", "staff", full_name="Đỗ Thị Lan")
    make.user("nv21", "staff", full_name="Trần 100% Nam")
    assert [u.username for u, _unit, _r in users.list_users(db, admin, q="nv_").items] == ["nv_1"]
    assert [u.username for u, _unit, _r in users.list_users(db, admin, q="100%").items] == ["nv21"]
    assert users.list_users(db, admin, q="%lan").total == 0
