"""JSON API of record keeping: the records each document produces, the agency's records list
and its yearly approval, and the retention categories."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Path, status

from qms.accounts.deps import CurrentUser
from qms.core.api_docs import PROTECTED, error_responses
from qms.core.deps import SessionDep
from qms.documents.service import load_document
from qms.record_keeping import from_text as records_from_text
from qms.record_keeping import register as records_register
from qms.record_keeping import retention
from qms.record_keeping.present import record_entry_public
from qms.record_keeping.schemas import (
    ProposedRecordPublic,
    RecordEntryIn,
    RecordEntryPublic,
    RecordsApprovalIn,
    RecordsApprovalPublic,
    RetentionCategoryIn,
    RetentionCategoryPublic,
)

router = APIRouter(prefix="/api/v1", tags=["library"], responses=error_responses(*PROTECTED))
Code = Path(min_length=1, max_length=40)


@router.get("/documents/{code}/records", response_model=list[RecordEntryPublic])
def list_records(session: SessionDep, user: CurrentUser, code: str = Code) -> list[RecordEntryPublic]:
    """The records a document produces, with their retention."""
    document = load_document(session, user, code)
    return [record_entry_public(row) for row in records_register.entries_of(session, document)]


@router.get("/documents/{code}/records/proposed", response_model=list[ProposedRecordPublic])
def proposed_records(session: SessionDep, user: CurrentUser, code: str = Code) -> list[ProposedRecordPublic]:
    """Records proposed from the "Hồ sơ cần lưu" table of the document's procedure; nothing is saved."""
    proposal = records_from_text.proposed_for(session, user, code)
    return [ProposedRecordPublic(**asdict(line)) for line in proposal.lines]


@router.put("/documents/{code}/records", response_model=list[RecordEntryPublic])
def replace_records(body: list[RecordEntryIn], session: SessionDep, user: CurrentUser,
                    code: str = Code) -> list[RecordEntryPublic]:
    """Replace the records a document produces (quality officer)."""
    return [record_entry_public(row) for row in records_register.replace_entries(session, user, code, body)]


@router.get("/records-list", response_model=list[RecordEntryPublic])
def records_list(session: SessionDep, user: CurrentUser) -> list[RecordEntryPublic]:
    """The agency's records list of the year: every record of every document in force."""
    return [record_entry_public(row) for row in records_register.records_list_rows(session)]


@router.post("/records-list/approval", response_model=RecordsApprovalPublic,
             status_code=status.HTTP_201_CREATED)
def approve_records_list(body: RecordsApprovalIn, session: SessionDep,
                         user: CurrentUser) -> RecordsApprovalPublic:
    """The head of agency approves the records list with their password, over the rows' SHA-256."""
    approval = records_register.approve_records_list(session, user, body)
    return RecordsApprovalPublic(year=approval.year, content_hash=approval.content_hash,
                                 approved_by=user.username, signer_name=approval.signer_name,
                                 signer_title=approval.signer_title, approved_at=approval.approved_at,
                                 rows=len(records_register.approved_rows(approval)), current=True)


def _category_public(category: retention.Category) -> RetentionCategoryPublic:
    return RetentionCategoryPublic(code=category.code, name=category.name, permanent=category.permanent,
                                   years=category.years, basis=category.basis, shipped=category.shipped)


@router.get("/retention-categories", response_model=list[RetentionCategoryPublic])
def list_retention_categories(session: SessionDep, user: CurrentUser) -> list[RetentionCategoryPublic]:
    """The retention categories: those shipped with their legal basis and those the quality officer
    added."""
    return [_category_public(category) for category in retention.categories(session).values()]


@router.post("/retention-categories", response_model=RetentionCategoryPublic,
             status_code=status.HTTP_201_CREATED)
def add_retention_category(body: RetentionCategoryIn, session: SessionDep,
                           user: CurrentUser) -> RetentionCategoryPublic:
    """Add a retention category (quality officer)."""
    return _category_public(retention.add_category(session, user, body))


@router.delete("/retention-categories/{code}", status_code=status.HTTP_204_NO_CONTENT)
def remove_retention_category(session: SessionDep, user: CurrentUser, code: str = Code) -> None:
    """Remove a retention category the agency added, while no record uses it (quality officer)."""
    retention.remove_category(session, user, code)
