"""Page: importing existing Word procedures, one or many files at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from qms.accounts.deps import PageUser
from qms.accounts.units import unit_choices
from qms.core.deps import SessionDep, SettingsDep
from qms.core.errors import QMSError, ValidationFailed
from qms.core.forms import form_data
from qms.core.i18n import _
from qms.core.web import render
from qms.documents.policy import can_manage_documents
from qms.files.downloads import read_limited
from qms.intake import docx_import

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_data)]
MAX_FILES = 20


@dataclass(frozen=True)
class FileOutcome:
    file: str
    imported: docx_import.Imported | None
    error: str | None


def _page(request: Request, session: SessionDep, user: PageUser, outcomes: list[FileOutcome],
          owner_unit: str, error: str | None = None, status_code: int = 200, *, code: str = "",
          errors: dict[str, str] | None = None) -> Response:
    return render(request, "intake/import.html", {
        "outcomes": outcomes, "units": unit_choices(session), "owner_unit": owner_unit,
        "error": error, "max_files": MAX_FILES, "values": {"code": code}, "errors": errors or {},
    }, status_code=status_code)


@router.get("/import")
def import_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    can_manage_documents.require(user)
    return _page(request, session, user, [], user.unit_code)


@router.post("/import")
def import_files(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
                 form: FormDep) -> Response:
    """Each file in its own savepoint: one that cannot be imported leaves nothing behind.

    A typed code wins over the one on the cover; it names one document, so it goes with one
    file. A file whose cover shows no code is not imported and the code field says so."""
    can_manage_documents.require(user)
    owner_unit = str(form.get("owner_unit", "")) or user.unit_code
    code = str(form.get("code", "")).strip()[:40]
    uploads = [item for item in form.getlist("files") if isinstance(item, UploadFile) and item.filename]
    if not uploads:
        return _page(request, session, user, [], owner_unit, _("Choose one or more .docx files."), 422)
    if len(uploads) > MAX_FILES:
        return _page(request, session, user, [], owner_unit,
                     _("At most %(n)s files at a time.", n=MAX_FILES), 422, code=code)
    if code and len(uploads) > 1:
        return _page(request, session, user, [], owner_unit, None, 422, code=code, errors={
            "code": _("A code names one document: choose one file, or leave the code empty to take "
                      "each file's code from its cover.")})
    outcomes: list[FileOutcome] = []
    errors: dict[str, str] = {}
    for upload in uploads:
        name = (upload.filename or "")[-120:]
        savepoint = session.begin_nested()
        try:
            imported = docx_import.import_docx(session, user, settings, upload.filename or "",
                                               read_limited(upload, settings), code=code or None,
                                               owner_unit=owner_unit)
        except QMSError as exc:
            savepoint.rollback()
            outcomes.append(FileOutcome(name, None, exc.detail))
            if isinstance(exc, ValidationFailed) and exc.field == "code":
                errors["code"] = f"{name}: {exc.detail} " + _("Then choose this file again and import it.")
            continue
        savepoint.commit()
        outcomes.append(FileOutcome(name, imported, None))
    any_imported = any(outcome.imported for outcome in outcomes)
    # a code typed for a file now imported is not offered again for the next one
    return _page(request, session, user, outcomes, owner_unit, code="" if any_imported else code,
                 errors=errors, status_code=422 if errors and not any_imported else 200)
