"""Units as a tree: who may change them, moves, and deactivation."""

from __future__ import annotations

import pytest

from qms.accounts import units
from qms.accounts.schemas import UnitCreate, UnitUpdate
from qms.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from qms.core.roles import Role

NON_ADMIN_ROLES = [role.value for role in Role if role is not Role.ADMIN]


@pytest.fixture
def tree(make):
    """SO (sở) > VP (văn phòng) > VP-TH (tổ tổng hợp); SO > TCCB."""
    make.unit("SO", "Sở Nội vụ")
    make.unit("VP", "Văn phòng Sở", parent="SO")
    make.unit("VP-TH", "Tổ tổng hợp", parent="VP")
    make.unit("TCCB", "Phòng Tổ chức cán bộ", parent="SO")


def test_admin_creates_a_unit_under_a_parent(db, admin, tree, read):
    unit = units.create_unit(db, admin, UnitCreate(code="khtc", name="  Phòng  Kế hoạch ", parent="so"))
    db.commit()

    assert unit.code == "KHTC"
    row = read.unit("KHTC")
    assert row.name == "Phòng Kế hoạch"
    assert read.parent_code("KHTC") == "SO"
    [event] = read.events("unit.create")
    assert (event.actor_username, event.object_type, event.object_id) == ("quantri", "unit", "KHTC")


def test_duplicate_code_is_a_conflict(db, admin, tree, read):
    with pytest.raises(Conflict) as refused:
        units.create_unit(db, admin, UnitCreate(code="vp", name="Văn phòng 2"))
    assert "VP" in refused.value.detail
    db.rollback()
    assert read.events("unit.create") == []


def test_unknown_parent_names_the_parent_field(db, admin, tree, read):
    with pytest.raises(ValidationFailed) as refused:
        units.create_unit(db, admin, UnitCreate(code="KHTC", name="Kế hoạch", parent="KHONGCO"))
    assert refused.value.field == "parent"
    db.rollback()
    assert read.unit("KHTC") is None


def test_a_unit_cannot_be_created_or_moved_under_an_inactive_unit(db, admin, tree, read):
    units.update_unit(db, admin, "TCCB", UnitUpdate(active=False))
    db.commit()

    with pytest.raises(ValidationFailed) as created:
        units.create_unit(db, admin, UnitCreate(code="KHTC", name="Kế hoạch", parent="TCCB"))
    assert created.value.field == "parent"
    db.rollback()
    with pytest.raises(ValidationFailed) as moved:
        units.update_unit(db, admin, "VP-TH", UnitUpdate(parent="TCCB"))
    assert moved.value.field == "parent"
    db.rollback()
    assert read.unit("KHTC") is None
    assert read.parent_code("VP-TH") == "VP"


def test_a_unit_under_an_inactive_unit_cannot_be_reactivated(db, admin, tree, read):
    units.update_unit(db, admin, "VP-TH", UnitUpdate(active=False))
    units.update_unit(db, admin, "VP", UnitUpdate(active=False))
    db.commit()

    with pytest.raises(Conflict):
        units.update_unit(db, admin, "VP-TH", UnitUpdate(active=True))
    db.rollback()
    assert not read.unit("VP-TH").active

    units.update_unit(db, admin, "VP", UnitUpdate(active=True))
    units.update_unit(db, admin, "VP-TH", UnitUpdate(active=True))
    db.commit()
    assert read.unit("VP-TH").active


def test_admin_renames_reorders_and_moves_a_unit(db, admin, tree, read):
    units.update_unit(db, admin, "vp-th", UnitUpdate(name="Tổ Tổng hợp - Hành chính", sort_order=3,
                                                     parent="TCCB"))
    db.commit()

    row = read.unit("VP-TH")
    assert (row.name, row.sort_order) == ("Tổ Tổng hợp - Hành chính", 3)
    assert read.parent_code("VP-TH") == "TCCB"
    [event] = read.events("unit.update")
    assert event.object_id == "VP-TH"
    assert '"parent":"TCCB"' in event.details


def test_moving_to_the_top_level(db, admin, tree, read):
    units.update_unit(db, admin, "VP", UnitUpdate(parent=""))
    db.commit()
    assert read.unit("VP").parent_id is None


@pytest.mark.parametrize(("code", "new_parent"), [("VP", "VP"), ("SO", "VP-TH"), ("VP", "VP-TH")])
def test_a_unit_cannot_move_under_itself_or_its_descendants(db, admin, tree, read, code, new_parent):
    before = read.unit(code).parent_id
    with pytest.raises(ValidationFailed) as refused:
        units.update_unit(db, admin, code, UnitUpdate(parent=new_parent))
    assert refused.value.field == "parent"
    db.rollback()
    assert read.unit(code).parent_id == before
    assert read.events() == []


def test_deactivation_is_refused_while_the_unit_has_active_members(db, admin, make, tree, read):
    make.user("nv1", "staff", unit="TCCB")
    make.user("nv2", "staff", unit="TCCB", active=False)

    with pytest.raises(Conflict) as refused:
        units.update_unit(db, admin, "TCCB", UnitUpdate(active=False))
    assert "1 active members" in refused.value.detail
    db.rollback()
    assert read.unit("TCCB").active
    assert read.events() == []


def test_deactivation_is_refused_while_the_unit_has_active_sub_units(db, admin, tree, read):
    with pytest.raises(Conflict) as refused:
        units.update_unit(db, admin, "VP", UnitUpdate(active=False))
    assert "sub-units" in refused.value.detail
    db.rollback()
    assert read.unit("VP").active


def test_deactivation_once_empty_is_recorded(db, admin, tree, read):
    units.update_unit(db, admin, "VP-TH", UnitUpdate(active=False))
    units.update_unit(db, admin, "VP", UnitUpdate(active=False))
    db.commit()
    assert not read.unit("VP").active
    assert [(e.action, e.object_id) for e in read.events()] == [
        ("unit.deactivate", "VP-TH"), ("unit.deactivate", "VP")]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_only_an_admin_changes_units(db, make, tree, read, role):
    actor = make.user("khac", role, unit="TCCB")
    with pytest.raises(Forbidden):
        units.create_unit(db, actor, UnitCreate(code="KHTC", name="Kế hoạch"))
    db.rollback()
    for change in (UnitUpdate(name="Đổi tên"), UnitUpdate(active=False), UnitUpdate(parent="TCCB")):
        with pytest.raises(Forbidden):
            units.update_unit(db, actor, "VP-TH", change)
        db.rollback()
    assert read.unit("KHTC") is None
    assert read.unit("VP-TH").name == "Tổ tổng hợp"
    assert read.events() == []


def test_unknown_unit_is_not_found(db, admin):
    with pytest.raises(NotFound):
        units.update_unit(db, admin, "KHONGCO", UnitUpdate(name="Tên"))


def test_tree_lists_units_depth_first_with_active_member_counts(db, make, tree):
    make.user("nv1", "staff", unit="VP")
    make.user("nv2", "staff", unit="VP", active=False)
    nodes = units.unit_tree(db)
    assert [(n.unit.code, n.depth, n.parent_code) for n in nodes] == [
        ("SO", 0, None), ("TCCB", 1, "SO"), ("VP", 1, "SO"), ("VP-TH", 2, "VP")]
    assert {n.unit.code: n.members for n in nodes}["VP"] == 1


def test_a_deactivated_unit_may_be_renamed_where_it_stands(db, admin, tree, read):
    units.update_unit(db, admin, "VP-TH", UnitUpdate(active=False))
    units.update_unit(db, admin, "VP", UnitUpdate(active=False))
    units.update_unit(db, admin, "VP-TH", UnitUpdate(name="Tổ cũ", parent="VP"))
    db.commit()
    assert read.unit("VP-TH").name == "Tổ cũ"
