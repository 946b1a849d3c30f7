"""Targets of a distribution (units, roles, named people) and who they cover right now."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlmodel import Session, col

from qms.accounts.models import Unit, User, UserRole
from qms.accounts.units import descendant_ids
from qms.core.errors import ValidationFailed
from qms.core.i18n import _
from qms.core.roles import Role
from qms.documents.choices import Confidentiality
from qms.documents.models import Document, DocumentUnit
from qms.documents.policy import can_read_everything


@dataclass(frozen=True)
class Targets:
    """What the quality officer chose; stored as JSON on the distribution."""

    units: tuple[tuple[str, bool], ...] = ()  # (code, with sub-units)
    roles: tuple[str, ...] = ()
    users: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps({"units": [{"code": code, "subunits": sub} for code, sub in self.units],
                           "roles": list(self.roles), "users": list(self.users)},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> Targets:
        data = json.loads(raw or "{}")
        return cls(units=tuple((u["code"], bool(u.get("subunits"))) for u in data.get("units", [])),
                   roles=tuple(data.get("roles", [])), users=tuple(data.get("users", [])))

    def merge(self, other: Targets) -> Targets:
        units = dict(self.units)
        for code, sub in other.units:
            units[code] = units.get(code, False) or sub
        return Targets(units=tuple(units.items()),
                       roles=tuple(dict.fromkeys((*self.roles, *other.roles))),
                       users=tuple(dict.fromkeys((*self.users, *other.users))))

    @property
    def empty(self) -> bool:
        return not (self.units or self.roles or self.users)


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    full_name: str
    unit_id: int


@dataclass
class Expansion:
    people: list[Person] = field(default_factory=list)
    #: Members of the chosen units or roles left out because the document is restricted.
    not_allowed: int = 0


def _units(session: Session, codes: tuple[tuple[str, bool], ...]) -> dict[int, bool]:
    wanted = {code.upper(): sub for code, sub in codes}
    found = {unit.code: unit for unit in session.execute(
        select(Unit).where(col(Unit.code).in_(list(wanted)))).scalars()}
    for code in wanted:
        unit = found.get(code)
        if unit is None or not unit.active:
            raise ValidationFailed("units", _("Unit %(code)s does not exist or is no longer active.",
                                              code=code))
    chosen: dict[int, bool] = {}
    for code, sub in wanted.items():
        unit_id = found[code].id
        assert unit_id is not None
        for member in (descendant_ids(session, unit_id) if sub else {unit_id}):
            chosen[member] = True
    return chosen


def _check_roles(roles: tuple[str, ...]) -> None:
    for role in roles:
        if role not in Role._value2member_map_:
            raise ValidationFailed("roles", _("Role %(role)s does not exist.", role=role))


def _named(session: Session, usernames: tuple[str, ...], field_name: str) -> dict[str, User]:
    wanted = [name.strip().lower() for name in usernames]
    found = {user.username: user for user in session.execute(
        select(User).where(col(User.username).in_(wanted))).scalars()}
    for name in wanted:
        user = found.get(name)
        if user is None or not user.active:
            raise ValidationFailed(field_name, _("User %(username)s does not exist or is inactive.",
                                                 username=name))
    return found


def allowed_units(session: Session, document: Document) -> set[int] | None:
    """The units whose members may read a restricted document; None when it is not restricted."""
    if document.confidentiality != Confidentiality.RESTRICTED:
        return None
    return set(session.execute(
        select(col(DocumentUnit.unit_id)).where(col(DocumentUnit.document_id) == document.id)).scalars())


def _readers_everything(session: Session) -> set[int]:
    return set(session.execute(select(col(UserRole.user_id)).where(
        col(UserRole.role).in_(list(can_read_everything.roles)))).scalars())


def expand(session: Session, document: Document, targets: Targets) -> Expansion:
    """The active users the targets cover at this moment, in one query."""
    unit_ids = _units(session, targets.units)
    _check_roles(targets.roles)
    named = _named(session, targets.users, "users")
    allowed = allowed_units(session, document)
    privileged = _readers_everything(session) if allowed is not None else set()
    if allowed is not None:
        for user in named.values():
            if user.unit_id not in allowed and user.id not in privileged:
                raise ValidationFailed("users", _("%(name)s may not read this restricted document.",
                                                  name=user.full_name))
    conditions = []
    if unit_ids:
        conditions.append(col(User.unit_id).in_(list(unit_ids)))
    if targets.roles:
        conditions.append(col(User.id).in_(select(col(UserRole.user_id)).where(col(UserRole.role).in_(targets.roles))))
    if named:
        conditions.append(col(User.id).in_([user.id for user in named.values()]))
    if not conditions:
        return Expansion()
    rows = session.execute(
        select(col(User.id), col(User.username), col(User.full_name), col(User.unit_id))
        .where(col(User.active), or_(*conditions))
        .order_by(col(User.unit_id), col(User.full_name), col(User.username))
    ).all()
    expansion = Expansion()
    for row in rows:
        if allowed is not None and row.unit_id not in allowed and row.id not in privileged:
            expansion.not_allowed += 1
            continue
        expansion.people.append(Person(row.id, row.username, row.full_name, row.unit_id))
    return expansion


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The last second of ``day`` in the agency's time zone, as an aware datetime."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone)


def due_after(start: date, days: int, zone: ZoneInfo) -> datetime:
    return end_of_day(start + timedelta(days=days), zone)


def still_valid(session: Session, targets: Targets) -> Targets:
    """The targets without units, roles or people that no longer exist or are inactive."""
    codes = [code.upper() for code, _sub in targets.units]
    active_units = set(session.execute(
        select(col(Unit.code))
        .where(col(Unit.code).in_(codes), col(Unit.active))).scalars()) if codes else set()
    names = [name.lower() for name in targets.users]
    active_users = set(session.execute(
        select(col(User.username))
        .where(col(User.username).in_(names), col(User.active))).scalars()) if names else set()
    return Targets(units=tuple((code, sub) for code, sub in targets.units if code.upper() in active_units),
                   roles=tuple(role for role in targets.roles if role in Role._value2member_map_),
                   users=tuple(name for name in targets.users if name.lower() in active_users))
