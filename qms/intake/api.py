"""JSON API of intake: an existing Word procedure imported as a new draft."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, UploadFile, status

from qms.accounts.deps import CurrentUser
from qms.core.api_docs import PROTECTED, ErrorDetail, error_responses
from qms.core.deps import SessionDep, SettingsDep
from qms.documents.choices import Status
from qms.files.downloads import read_limited
from qms.intake import docx_import
from qms.intake.schemas import ImportResult

router = APIRouter(prefix="/api/v1", tags=["library"], responses=error_responses(*PROTECTED, 413, 415))


@router.post("/import/docx", response_model=ImportResult, status_code=status.HTTP_201_CREATED,
             responses={413: {"model": ErrorDetail, "description": "The file is too large"},
                        422: {"model": ErrorDetail,
                              "description": "Not a readable DOCX procedure; nothing was created"}})
def import_docx(session: SessionDep, user: CurrentUser, settings: SettingsDep, file: UploadFile = File(...),
                code: str | None = Form(None, max_length=40),
                owner_unit: str | None = Form(None, max_length=32)) -> ImportResult:
    """Import a Word procedure as a new draft (quality officer; multipart `file`, optional `code`). A
    file that is not a readable procedure answers 422 and creates nothing; the paragraphs not mapped
    are listed."""
    data = read_limited(file, settings)
    imported = docx_import.import_docx(session, user, settings, file.filename or "", data, code=code or None,
                                       owner_unit=owner_unit or None)
    return ImportResult(code=imported.code, revision=imported.revision, status=Status.DRAFT,
                        title=imported.title,
                        unmapped=[str(line) for line in imported.unmapped])
