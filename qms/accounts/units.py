"""Units (phòng, ban, đơn vị) as a tree."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from qms.accounts import policy
from qms.accounts.auth import Principal
from qms.accounts.models import Unit, User
from qms.accounts.schemas import UnitCreate, UnitUpdate
from qms.audit import service as audit
from qms.core.db import pk
from qms.core.errors import Conflict, NotFound, ValidationFailed
from qms.core.i18n import _


@dataclass(frozen=True)
class UnitNode:
    unit: Unit
    depth: int
    parent_code: str | None
    members: int


def get_unit(session: Session, code: str) -> Unit:
    unit = session.execute(select(Unit).where(col(Unit.code) == code.upper())).scalar_one_or_none()
    if unit is None:
        raise NotFound(_("Unit %(code)s does not exist.", code=code))
    return unit


def unit_tree(session: Session, *, include_inactive: bool = True, members: bool = True) -> list[UnitNode]:
    """All units depth-first, siblings by sort order then name, with member counts unless
    ``members`` is false (a choice of unit needs no count of people)."""
    units = session.execute(select(Unit)).scalars().all()
    counts: dict[int, int] = {}
    if members:
        counts = dict(
            session.execute(
                select(col(User.unit_id), func.count()).where(col(User.active)).group_by(col(User.unit_id))
            ).all()
        )
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    codes = {unit.id: unit.code for unit in units}
    ordered: list[UnitNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        children = sorted(by_parent.get(parent_id, []), key=lambda u: (u.sort_order, u.name))
        for child in children:
            if include_inactive or child.active:
                ordered.append(
                    UnitNode(child, depth, codes.get(child.parent_id), counts.get(pk(child), 0))
                )
                walk(child.id, depth + 1)

    walk(None, 0)
    return ordered


def unit_choices(session: Session) -> list[UnitNode]:
    """The active units, as a tree, for a list to choose from."""
    return unit_tree(session, include_inactive=False, members=False)


def descendant_ids(session: Session, unit_id: int) -> set[int]:
    """The unit and every unit below it."""
    children: dict[int | None, list[int]] = {}
    for uid, parent in session.execute(select(col(Unit.id), col(Unit.parent_id))).all():
        children.setdefault(parent, []).append(uid)
    found, stack = set(), [unit_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def create_unit(session: Session, actor: Principal, data: UnitCreate) -> Unit:
    policy.can_manage_accounts.require(actor)
    if session.execute(select(col(Unit.id)).where(col(Unit.code) == data.code)).first():
        raise Conflict(_("A unit with code %(code)s already exists.", code=data.code))
    parent = _parent_or_error(session, data.parent)
    unit = Unit(code=data.code, name=data.name, parent_id=parent.id if parent else None,
                sort_order=data.sort_order)
    _ensure_active_parent(session, unit, moved=True)
    session.add(unit)
    session.flush()
    audit.record(session, actor=actor, action="unit.create", object_type="unit",
                 object_id=unit.code, details=data.model_dump())
    return unit


def update_unit(session: Session, actor: Principal, code: str, data: UnitUpdate) -> Unit:
    policy.can_manage_accounts.require(actor)
    unit = get_unit(session, code)
    changes = data.model_dump(exclude_unset=True)
    parent_before = session.get(Unit, unit.parent_id) if unit.parent_id else None
    before = {"name": unit.name, "sort_order": unit.sort_order, "active": unit.active,
              "parent": parent_before.code if parent_before else None}
    moved = False
    if "parent" in changes:
        parent = _parent_or_error(session, changes["parent"] or None)
        if parent is not None and parent.id in descendant_ids(session, pk(unit)):
            raise ValidationFailed("parent", _("A unit cannot be placed under itself or its own sub-unit."))
        moved = (parent.id if parent else None) != unit.parent_id
        unit.parent_id = parent.id if parent else None
    reactivated = changes.get("active") is True and not unit.active
    if changes.get("active") is False and unit.active:
        _ensure_can_deactivate(session, unit)
    for field in ("name", "sort_order", "active"):
        if changes.get(field) is not None:
            setattr(unit, field, changes[field])
    if unit.active and (moved or reactivated):
        _ensure_active_parent(session, unit, moved=moved)
    session.add(unit)
    session.flush()
    action = "unit.deactivate" if changes.get("active") is False else "unit.update"
    audit.record(session, actor=actor, action=action, object_type="unit", object_id=unit.code,
                 details=audit.with_before(changes, before))
    return unit


def _parent_or_error(session: Session, code: str | None) -> Unit | None:
    if not code:
        return None
    parent = session.execute(select(Unit).where(col(Unit.code) == code.upper())).scalar_one_or_none()
    if parent is None:
        raise ValidationFailed("parent", _("Parent unit %(code)s does not exist.", code=code))
    return parent


def _ensure_active_parent(session: Session, unit: Unit, *, moved: bool) -> None:
    """An active unit under a deactivated one would undo the rule of _ensure_can_deactivate."""
    parent = session.get(Unit, unit.parent_id) if unit.parent_id is not None else None
    if parent is None or parent.active:
        return
    if moved:
        raise ValidationFailed("parent", _("Unit %(code)s is no longer active.", code=parent.code))
    raise Conflict(_("Unit %(code)s is deactivated; reactivate it first or move this unit.",
                     code=parent.code))


def _ensure_can_deactivate(session: Session, unit: Unit) -> None:
    members = session.execute(
        select(func.count()).where(col(User.unit_id) == unit.id, col(User.active))
    ).scalar_one()
    if members:
        raise Conflict(_("The unit still has %(n)s active members; move them first.", n=members))
    children = session.execute(
        select(func.count()).where(col(Unit.parent_id) == unit.id, col(Unit.active))
    ).scalar_one()
    if children:
        raise Conflict(_("The unit still has active sub-units; deactivate or move them first."))
