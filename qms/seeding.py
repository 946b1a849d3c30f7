"""Loading the demo agency (``qms seed --demo``) and creating the first administrator.

Seeding runs as the system, not as a signed-in user, so it writes the rows itself
and records each creation in the audit trail under the actor ``system``.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.agency import AgencyForm, save_agency_profile
from qms.accounts.models import AgencyProfile, Unit, User, UserRole
from qms.accounts.passwords import agency_names, check_policy, hash_password, verify_password
from qms.accounts.schemas import UnitCreate, UserCreate
from qms.audit import service as audit
from qms.core.clock import local_today
from qms.core.db import pk
from qms.core.errors import Conflict
from qms.core.paths import PROCEDURES_DIR, SEED_DIR
from qms.core.roles import Role, check_role_combination
from qms.core.search import fold
from qms.demo_work import add_demo_work, date_shifter
from qms.documents.choices import Kind
from qms.documents.models import Document
from qms.files.storage import FileStore
from qms.intake.procedures import FileReport, import_directory
from qms.record_keeping.from_text import proposal
from qms.record_keeping.models import RecordEntry
from qms.record_keeping.register import write_entries
from qms.record_keeping.schemas import RecordEntryIn

SYSTEM = "system"


@dataclass
class SeedReport:
    units_created: int = 0
    users_created: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    password: str = ""
    documents: list[FileReport] = field(default_factory=list)
    registers_filled: list[str] = field(default_factory=list)
    work_added: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [
            f"qms: demo agency ready ({self.units_created} units and "
            f"{self.users_created} users added)",
            f"demo logins (password: {self.password}):",
        ]
        lines += [f"  {username:<12} {title} — {roles}" for username, title, roles in self.logins]
        created = sum(r.action in ("created", "revised") for r in self.documents)
        lines.append(f"procedure library: {len(self.documents)} files, {created} imported now")
        lines += [f"  {report}" for report in self.documents if report.action == "error"]
        if self.registers_filled:
            filled = ", ".join(self.registers_filled)
            lines.append(f"records registers filled from their procedures: {filled}")
        if self.work_added:
            lines.append(f"work in progress added: {'; '.join(self.work_added)}")
        return "\n".join(lines)


def _ensure_unit(session: Session, data: UnitCreate) -> tuple[Unit, bool]:
    unit = session.execute(select(Unit).where(col(Unit.code) == data.code)).scalar_one_or_none()
    if unit is not None:
        return unit, False
    parent_id = None
    if data.parent:
        parent_id = session.execute(select(col(Unit.id)).where(col(Unit.code) == data.parent)).scalar_one()
    unit = Unit(code=data.code, name=data.name, parent_id=parent_id, sort_order=data.sort_order)
    session.add(unit)
    session.flush()
    audit.record(session, actor=None, actor_username=SYSTEM, action="unit.create",
                 object_type="unit", object_id=unit.code, details=data.model_dump())
    return unit, True


def _ensure_user(session: Session, data: UserCreate, *, must_change: bool) -> bool:
    if session.execute(select(col(User.id)).where(col(User.username) == data.username)).first():
        return False
    unit_id = session.execute(select(col(Unit.id)).where(col(Unit.code) == data.unit)).scalar_one()
    user = User(username=data.username, full_name=data.full_name, search_name=fold(data.full_name),
                title=data.title, unit_id=unit_id, email=data.email,
                password_hash=hash_password(data.password), must_change_password=must_change)
    session.add(user)
    session.flush()
    check_role_combination(data.roles)
    session.add_all(UserRole(user_id=pk(user), role=Role(role).value) for role in set(data.roles))
    session.flush()
    audit.record(session, actor=None, actor_username=SYSTEM, action="user.create",
                 object_type="user", object_id=user.username,
                 details=data.model_dump(exclude={"password"}, mode="json"))
    return True


def _exempt_demo_accounts(session: Session, usernames: list[str], demo_password: str) -> None:
    """The demo's shared password is shorter than the policy asks: the demo's accounts that
    still have it are not sent to choose another at sign-in. Checked once per account (the
    flag stays), so that an account of the same name with a password of its own is not marked."""
    rows = session.execute(select(User).where(col(User.username).in_(usernames),
                                              col(User.password_policy_exempt).is_(False))).scalars()
    for user in rows:
        if verify_password(user.password_hash, demo_password):
            user.password_policy_exempt = True
    session.flush()


def load_demo_data(path: Path | None = None) -> dict[str, Any]:
    with (path or SEED_DIR / "demo.toml").open("rb") as handle:
        return tomllib.load(handle)


def seed_demo(session: Session, zone: ZoneInfo, store: FileStore, path: Path | None = None) -> SeedReport:
    """Idempotent: adds what is missing, leaves what exists (and its passwords) alone. The
    library's dates and the work in progress are relative to the day it runs (see
    procedures/README.md)."""
    data = load_demo_data(path)
    report = SeedReport(password=data["demo_password"])
    if session.execute(select(col(AgencyProfile.id))).first() is None:
        save_agency_profile(session, None, AgencyForm(**data["agency"]))
    for raw in data["units"]:
        _unit, created = _ensure_unit(session, UnitCreate(**raw))
        report.units_created += created
    domain = data.get("email_domain", "snv.example.gov.vn")
    for raw in data["users"]:
        roles = raw.get("roles", ["staff"])
        user = UserCreate(**{**raw, "roles": roles, "password": data["demo_password"],
                             "email": f"{raw['username']}@{domain}"})
        report.users_created += _ensure_user(session, user, must_change=False)
        if not raw["username"].startswith("nhanvien") or raw["username"] == "nhanvien1":
            report.logins.append((user.username, user.title, ", ".join(roles)))
    _exempt_demo_accounts(session, [raw["username"] for raw in data["users"]], data["demo_password"])
    staff_units = {raw["unit"] for raw in data["users"] if raw["username"].startswith("nhanvien")}
    report.logins.append(("nhanvien2…20", "Chuyên viên", f"staff, in {len(staff_units)} units"))
    session.flush()
    today = local_today(zone)
    stated: dict[str, int] = {}
    report.documents = import_directory(session, PROCEDURES_DIR, zone, store,
                                        adjust=date_shifter(data.get("library_dates", {}), today, stated))
    report.registers_filled = _fill_records_registers(session)
    report.work_added = add_demo_work(session, data, zone, today, stated)
    return report


def _fill_records_registers(session: Session) -> list[str]:
    """Give the demo a records list: a procedure whose "Hồ sơ cần lưu" table states every
    period gets its records register from it; the others, and any register already kept,
    are left to the quality officer."""
    filled: list[str] = []
    kept = set(session.execute(select(col(RecordEntry.document_id)).distinct()).scalars())
    procedures = session.execute(
        select(Document)
        .where(col(Document.kind) == Kind.PROCEDURE, col(Document.effective_version_id).is_not(None))
        .order_by(Document.code)
    ).scalars().all()
    for document in procedures:
        lines = [] if document.id in kept else proposal(session, document).lines
        if lines and all(line.retention for line in lines):
            entries = [RecordEntryIn.model_validate(asdict(line)) for line in lines]
            write_entries(session, document, entries, actor=None, actor_username=SYSTEM)
            filled.append(document.code)
    return filled


def create_first_admin(session: Session, username: str, full_name: str, unit_code: str,
                       unit_name: str, password: str) -> None:
    if session.execute(select(col(UserRole.user_id)).where(col(UserRole.role) == Role.ADMIN)).first():
        raise Conflict("an administrator already exists; sign in as them to add others")
    check_policy(password, username=username, full_name=full_name, agency_names=agency_names(session),
                 field="password")
    _ensure_unit(session, UnitCreate(code=unit_code, name=unit_name))
    _ensure_user(session, UserCreate(username=username, full_name=full_name, unit=unit_code,
                                     roles=[Role.ADMIN], password=password), must_change=False)
