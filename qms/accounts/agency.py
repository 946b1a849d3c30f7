"""The agency profile (name shown in the header of every page and record)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, select
from sqlmodel import Session

from qms.accounts import policy
from qms.accounts.auth import Principal
from qms.accounts.models import AgencyProfile
from qms.audit import service as audit
from qms.core.text import Text

_CACHE_SECONDS = 30.0
_cache: dict[int, tuple[float, AgencyInfo]] = {}


@dataclass(frozen=True)
class AgencyInfo:
    name: str = ""
    parent_name: str = ""
    short_name: str = ""
    address: str = ""


class AgencyForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: Text = Field(min_length=2, max_length=200)
    parent_name: Text = Field(default="", max_length=200)
    short_name: Text = Field(default="", max_length=50)
    address: Text = Field(default="", max_length=300)


def agency_profile(engine: Engine, session: Session | None = None) -> AgencyInfo:
    """Read at most every few seconds per process; every process sees a change soon.
    A request passes its own session, so that it never waits for a second connection."""
    now = time.monotonic()
    cached = _cache.get(id(engine))
    if cached and now - cached[0] < _CACHE_SECONDS:
        return cached[1]
    if session is not None:
        row = session.execute(select(AgencyProfile).limit(1)).scalar_one_or_none()
    else:
        with Session(engine) as own:
            row = own.execute(select(AgencyProfile).limit(1)).scalar_one_or_none()
    info = AgencyInfo(row.name, row.parent_name, row.short_name, row.address) if row else AgencyInfo()
    _cache[id(engine)] = (now, info)
    return info


def save_agency_profile(session: Session, actor: Principal | None, info: AgencyForm) -> None:
    """Create or replace the profile; ``actor`` None is the seeding command."""
    if actor is not None:
        policy.can_manage_accounts.require(actor)
    row = (session.execute(select(AgencyProfile).limit(1)).scalar_one_or_none()
           or AgencyProfile(name=info.name))
    row.name, row.parent_name = info.name, info.parent_name
    row.short_name, row.address = info.short_name, info.address
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, actor_username="" if actor else "system",
                 action="agency.update", object_type="agency", object_id=row.id or 1,
                 details=info.model_dump())
    _cache.clear()
