"""JSON API: documents, versions, lifecycle verbs, diff, delegations, pending actions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Header, Path, Query, status

from qms.accounts.deps import CurrentUser
from qms.core.api_docs import PROTECTED, error_responses
from qms.core.clock import local_today
from qms.core.db import pk
from qms.core.deps import SessionDep, SettingsDep
from qms.documents import delegation, drafts, pending, read, service, workflow
from qms.documents.content import steps_of
from qms.documents.diff import diff_versions
from qms.documents.schemas import (
    Decision,
    DelegationCreate,
    DelegationPublic,
    DocumentCreate,
    DocumentDetail,
    DocumentList,
    DocumentUpdate,
    NewVersion,
    Submission,
    VersionDetail,
    VersionUpdate,
    WithdrawalRequest,
)

router = APIRouter(prefix="/api/v1", tags=["documents"], responses=error_responses(*PROTECTED))
Code = Path(min_length=1, max_length=40)
Revision = Path(ge=1, le=10_000)


@router.get("/documents", response_model=DocumentList)
def list_documents(
    session: SessionDep,
    user: CurrentUser,
    q: str | None = Query(None, max_length=200),
    kind: str | None = Query(None, max_length=20),
    status: str | None = Query(None, max_length=20),
    unit: str | None = Query(None, max_length=32),
    sort: str | None = Query(None, max_length=20, description=(
        "relevance (the default with q), code (the default without), title, kind, status, "
        "effective_date, date (the newest in force first) or updated; a leading - reverses")),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> DocumentList:
    """The register: each document by its version in force, else its latest. `q` searches code, title,
    content and an external document's number without regard to diacritics; with `q` the most relevant
    come first unless `sort` says otherwise (`relevance`, `code`, `title`, `kind`, `status`,
    `effective_date`, `date` for the newest in force first, `updated`; `-key` reverses)."""
    page = service.list_documents(session, user, q=q, kind=kind, status=status, unit=unit, sort=sort,
                                  limit=limit, offset=offset)
    return DocumentList(items=[read.summary(row) for row in page.items], total=page.total)


@router.post("/documents", response_model=DocumentDetail, status_code=status.HTTP_201_CREATED)
def create_document(body: DocumentCreate, session: SessionDep, user: CurrentUser) -> DocumentDetail:
    """Register a document (quality officer); its revision 1 is created as a draft."""
    document = service.create_document(session, user, body)
    return read.document_detail(session, user, document)


@router.get("/documents/{code}", response_model=DocumentDetail)
def get_document(session: SessionDep, user: CurrentUser, code: str = Code) -> DocumentDetail:
    """One document with its versions, forms, readers and, for an external document, its details and
    the documents citing it."""
    return read.document_detail(session, user, service.load_document(session, user, code))


@router.patch("/documents/{code}", response_model=DocumentDetail)
def update_document(body: DocumentUpdate, session: SessionDep, user: CurrentUser,
                    code: str = Code) -> DocumentDetail:
    """Change a document's metadata (quality officer). Signed metadata (title, kind, owner unit,
    confidentiality) goes to the open draft; with none open, 409."""
    return read.document_detail(session, user, service.update_document(session, user, code, body))


@router.post("/documents/{code}/versions", response_model=VersionDetail,
             status_code=status.HTTP_201_CREATED)
def create_version(session: SessionDep, user: CurrentUser, body: NewVersion | None = None,
                   code: str = Code) -> VersionDetail:
    """Open a new draft revision copied from the latest version (quality officer); 409 while a draft or
    a version in review exists."""
    version = drafts.create_version(session, user, code, body.drafter if body else None)
    document, version = service.load_version(session, user, code, version.revision)
    return read.version_detail(session, document, version)


@router.get("/documents/{code}/versions/{rev}", response_model=VersionDetail)
def get_version(session: SessionDep, user: CurrentUser, code: str = Code,
                rev: int = Revision) -> VersionDetail:
    """One version: sections, steps, change summary, signatures, and the `etag` that an edit must send
    back."""
    document, version = service.load_version(session, user, code, rev)
    return read.version_detail(session, document, version)


@router.patch("/documents/{code}/versions/{rev}", response_model=VersionDetail)
def update_version(body: VersionUpdate, session: SessionDep, user: CurrentUser, code: str = Code,
                   rev: int = Revision,
                   if_match: str | None = Header(None, max_length=200)) -> VersionDetail:
    """Edit a draft (its drafter or the quality officer) with `If-Match: <etag>`; a stale etag answers
    409 and changes nothing."""
    drafts.update_version(session, user, code, rev, body, if_match)
    document, version = service.load_version(session, user, code, rev)
    return read.version_detail(session, document, version)


@router.post("/documents/{code}/versions/{rev}/submit", response_model=VersionDetail)
def submit_version(body: Submission, session: SessionDep, user: CurrentUser, code: str = Code,
                   rev: int = Revision) -> VersionDetail:
    """Sign the draft as drafted and send it to its reviewers, or to the approver when there are none;
    needs the signer's password (401 when missing or wrong)."""
    workflow.submit(session, user, code, rev, body)
    return read.version_detail(session, *service.load_version(session, user, code, rev))


@router.post("/documents/{code}/versions/{rev}/review", response_model=VersionDetail)
def review_version(body: Decision, session: SessionDep, user: CurrentUser, settings: SettingsDep,
                   code: str = Code, rev: int = Revision) -> VersionDetail:
    """A named reviewer signs the version as reviewed or rejects it with a comment; needs the signer's
    password."""
    workflow.review(session, user, code, rev, body, local_today(settings.zone))
    return read.version_detail(session, *service.load_version(session, user, code, rev))


@router.post("/documents/{code}/versions/{rev}/approve", response_model=VersionDetail)
def approve_version(body: Decision, session: SessionDep, user: CurrentUser, settings: SettingsDep,
                    code: str = Code, rev: int = Revision) -> VersionDetail:
    """The named approver, or their delegate, approves or rejects the version with their password.
    Approved with an effective date that has come, it is in force at once."""
    workflow.approve(session, user, code, rev, body, local_today(settings.zone))
    return read.version_detail(session, *service.load_version(session, user, code, rev))


@router.post("/documents/{code}/versions/{rev}/withdraw", response_model=VersionDetail)
def withdraw_version(body: WithdrawalRequest, session: SessionDep, user: CurrentUser,
                     settings: SettingsDep, code: str = Code, rev: int = Revision) -> VersionDetail:
    """Withdraw a version in force: the quality officer asks with a reason and names the approver, who
    then signs the decision with their password."""
    workflow.withdraw(session, user, code, rev, body, local_today(settings.zone))
    return read.version_detail(session, *service.load_version(session, user, code, rev))


@router.get("/documents/{code}/versions/{rev}/diff")
def diff_version(session: SessionDep, user: CurrentUser, code: str = Code, rev: int = Revision,
                 against: int = Query(..., ge=1, le=10_000)) -> dict[str, Any]:
    """The changes of this revision against an earlier one (`against`), section by section and word
    by word."""
    document, new, old = service.load_versions_to_compare(session, user, code, rev, against)
    result = diff_versions(old, steps_of(session, pk(old)), new, steps_of(session, pk(new)),
                           read.unit_codes(session, old, new))
    return {
        "code": document.code, "revision": result.revision, "against": result.against,
        "changed": result.changed,
        "details": [{"field": d.field, "old": d.old, "new": d.new} for d in result.details],
        "sections": [{"section": s.section, "changed": s.changed, "ops": s.ops} for s in result.sections],
        "steps": [{"op": s.op, "old": s.old, "new": s.new} for s in result.steps],
    }


@router.get("/me/pending")
def my_pending_actions(session: SessionDep, user: CurrentUser,
                       settings: SettingsDep) -> list[dict[str, Any]]:
    """What waits for the caller's signature: reviews, approvals, withdrawals."""
    return [action.__dict__ for action in
            pending.pending_actions(session, user, local_today(settings.zone))]


@router.get("/delegations", response_model=list[DelegationPublic])
def list_delegations(session: SessionDep, user: CurrentUser, settings: SettingsDep) -> list[DelegationPublic]:
    """The caller's delegations of approval, given and received."""
    return delegation.list_delegations(session, user, local_today(settings.zone))


@router.post("/delegations", response_model=DelegationPublic, status_code=status.HTTP_201_CREATED)
def create_delegation(body: DelegationCreate, session: SessionDep, user: CurrentUser,
                      settings: SettingsDep) -> DelegationPublic:
    """Delegate approval to a deputy for a date range; only the approver who delegates, with their
    password."""
    today = local_today(settings.zone)
    created = delegation.create_delegation(session, user, body, today)
    return next(d for d in delegation.list_delegations(session, user, today) if d.id == created.id)


@router.delete("/delegations/{delegation_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_delegation(session: SessionDep, user: CurrentUser,
                      delegation_id: int = Path(ge=1, le=2**31 - 1)) -> None:
    """End a delegation the caller gave."""
    delegation.revoke_delegation(session, user, delegation_id)
