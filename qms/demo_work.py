"""The demo's work in progress: dates relative to the seeding day, revisions at each step
of the workflow, distributions with acknowledgements due and overdue, change requests.

Everything goes through the services the app uses, signed with the demo password, so the
audit trail, the signatures and the notifications are those of real use. Each piece is
added once: a document already past the revision its source states, a version already
distributed, a document with a change request already, is left as it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.auth import Principal, principal_for
from qms.accounts.models import Unit, User
from qms.core.errors import QMSError
from qms.distribution import service as distribution
from qms.distribution.models import Distribution
from qms.distribution.schemas import DistributionRequest
from qms.distribution.targets import due_after
from qms.documents import workflow
from qms.documents.choices import Meaning, Status
from qms.documents.content import etag_of
from qms.documents.drafts import create_version, update_version
from qms.documents.models import Document, Version
from qms.documents.schemas import Decision, Submission, VersionUpdate
from qms.intake.source import ProcedureSource
from qms.library import change_requests
from qms.library.models import ChangeRequest
from qms.library.schemas import ChangeRequestCreate, ChangeRequestDecision

QUALITY_OFFICER = "iso"
STAGES = (Status.DRAFT, Status.IN_REVIEW, Status.AWAITING_APPROVAL, Status.EFFECTIVE)


def date_shifter(settings: dict[str, Any], today: date,
                 stated: dict[str, int]) -> Callable[[ProcedureSource], ProcedureSource]:
    """Move each source's revisions so that the revision in force took effect the configured
    number of days before ``today``, or keep them where that would move them back; the spacing
    of its earlier revisions is kept. The revision each source states is noted in ``stated``."""
    default = int(settings.get("default_days_ago", 180))
    days_ago = {code.upper(): int(days) for code, days in settings.get("days_ago", {}).items()}

    def shift(source: ProcedureSource) -> ProcedureSource:
        stated[source.code.upper()] = source.current.revision
        target = today - timedelta(days=days_ago.get(source.code.upper(), default))
        # Only forward: an earlier date could precede the laws the text cites.
        delta = max(target - source.current.effective_date, timedelta(0))
        revisions = [dataclasses.replace(entry, effective_date=entry.effective_date + delta)
                     for entry in source.revisions]
        return dataclasses.replace(source, revisions=revisions)

    return shift


class DemoWork:
    def __init__(self, session: Session, zone: ZoneInfo, password: str, today: date) -> None:
        self.session, self.zone, self.password, self.today = session, zone, password, today
        self._principals: dict[str, Principal] = {}

    def who(self, username: str) -> Principal:
        if username not in self._principals:
            user = self.session.execute(select(User).where(col(User.username) == username)).scalar_one()
            self._principals[username] = principal_for(self.session, user)
        return self._principals[username]

    def document(self, code: str) -> Document | None:
        return self.session.execute(select(Document).where(col(Document.code) == code)).scalar_one_or_none()

    def revision(self, plan: dict[str, Any], sources: dict[str, int]) -> bool:
        """Take one new revision of ``plan['code']`` to its stage; False when it was done before."""
        code, stage = plan["code"], plan["stage"]
        if stage not in STAGES:
            raise ValueError(f"revisions_in_progress: unknown stage {stage!r} for {code}")
        document = self.document(code)
        if document is None or document.latest_version_id is None:
            return False
        latest = self.session.get(Version, document.latest_version_id)
        assert latest is not None
        if latest.revision > sources.get(code, latest.revision) or latest.status != Status.EFFECTIVE:
            return False
        drafter = self.who(plan["drafter"])
        version = create_version(self.session, self.who(QUALITY_OFFICER), code, drafter=drafter.username)
        addition = plan.get("scope_addition")
        sections = {"scope": f"{version.scope}\n\n{addition}"} if addition else None
        update_version(self.session, drafter, code, version.revision,
                       VersionUpdate(sections=sections, change_summary=plan["change_summary"],
                                     changed_sections=plan.get("changed_sections", "")),
                       etag_of(version))
        if stage == Status.DRAFT:
            return True
        workflow.submit(self.session, drafter, code, version.revision,
                        Submission(reviewers=plan.get("reviewers", []), approver=plan["approver"],
                                   password=self.password))
        if stage == Status.IN_REVIEW:
            return True
        for reviewer in plan.get("reviewers", []):
            workflow.review(self.session, self.who(reviewer), code, version.revision,
                            Decision(decision=Meaning.REVIEWED, password=self.password), self.today)
        if stage == Status.AWAITING_APPROVAL:
            return True
        workflow.approve(self.session, self.who(plan["approver"]), code, version.revision,
                         Decision(decision=Meaning.APPROVED, password=self.password), self.today)
        return True

    def distribution(self, plan: dict[str, Any]) -> bool:
        """Distribute the version in force to every unit, due a number of days after it took
        effect; the people listed acknowledge it now."""
        document = self.document(plan["code"])
        if document is None or document.effective_version_id is None:
            return False
        version = self.session.get(Version, document.effective_version_id)
        assert version is not None and version.effective_date is not None
        done = self.session.execute(
            select(col(Distribution.id)).where(col(Distribution.version_id) == version.id).limit(1)).first()
        if done:
            return False
        officer = self.who(QUALITY_OFFICER)
        request = DistributionRequest(units=self._top_units(), include_subunits=True,
                                      due_days=int(plan["due_days_after_effective"]))
        planned = distribution.plan(self.session, document, version, distribution.targets_of(request),
                                    request.due_days, [], self.zone)
        planned.due_at = due_after(version.effective_date, request.due_days, self.zone)
        distribution.issue(self.session, officer, planned, request.due_days, zone=self.zone)
        for username in plan.get("acknowledged_by", []):
            distribution.acknowledge(self.session, self.who(username), document.code, version.revision)
        return True

    def _top_units(self) -> list[str]:
        return list(self.session.execute(
            select(col(Unit.code)).where(col(Unit.parent_id).is_(None), col(Unit.active))
            .order_by(Unit.code)).scalars())

    def change_request(self, plan: dict[str, Any]) -> bool:
        document = self.document(plan["code"])
        if document is None:
            return False
        if self.session.execute(
                select(col(ChangeRequest.id)).where(col(ChangeRequest.document_id) == document.id)
                .limit(1)).first():
            return False
        request = change_requests.create_request(
            self.session, self.who(plan["requested_by"]),
            ChangeRequestCreate(document_code=document.code, reason=plan["reason"],
                                proposal=plan["proposal"]))
        if plan.get("decision"):
            assert request.id is not None
            decision = ChangeRequestDecision(decision=plan["decision"], comment=plan.get("comment", ""))
            change_requests.decide(self.session, self.who(plan["decided_by"]), request.id, decision)
        return True


def _attempt(session: Session, label: str, action: Callable[[], bool]) -> str | None:
    """One piece of work in a savepoint: refused (a demo user who chose another password, an
    account made inactive), it leaves nothing behind and the seeding goes on."""
    savepoint = session.begin_nested()
    try:
        done = action()
    except QMSError as exc:
        savepoint.rollback()
        return f"{label} skipped: {exc.detail}"
    savepoint.commit()
    return label if done else None


def add_demo_work(session: Session, data: dict[str, Any], zone: ZoneInfo, today: date,
                  sources: dict[str, int]) -> list[str]:
    """Add the work ``data`` describes that is not there yet; returns what was added, or
    skipped and why. ``sources`` maps each document code to the revision its source states."""
    work = DemoWork(session, zone, data["demo_password"], today)
    pieces: list[tuple[str, Callable[[], bool]]] = []
    for plan in data.get("revisions_in_progress", []):
        pieces.append((f"{plan['code']} {plan['stage']}", partial(work.revision, plan, sources)))
    for plan in data.get("distributions", []):
        pieces.append((f"{plan['code']} distributed", partial(work.distribution, plan)))
    for plan in data.get("change_requests", []):
        pieces.append((f"{plan['code']} change request {plan.get('decision', 'open')}",
                       partial(work.change_request, plan)))
    return [outcome for label, action in pieces if (outcome := _attempt(session, label, action))]
