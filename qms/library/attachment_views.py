"""Pages: attaching, downloading and removing the files of a version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from qms.accounts.deps import PageUser
from qms.core.db import roll_back
from qms.core.deps import SessionDep, SettingsDep
from qms.core.errors import Forbidden, NotFound, QMSError
from qms.core.forms import form_data
from qms.core.i18n import _
from qms.core.web import redirect
from qms.files.downloads import file_response, read_limited
from qms.files.storage import file_store
from qms.library import attachments

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_data)]


def _files_url(code: str, rev: int) -> str:
    return f"/documents/{code.upper()}/versions/{rev}#files"


@router.post("/documents/{code}/versions/{rev}/attachments")
def upload(code: str, rev: int, request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
           form: FormDep) -> Response:
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            return redirect(_files_url(code, rev), request, _("Choose a file to attach."), "error")
        data = read_limited(upload, settings)
        added = attachments.add_attachment(session, user, file_store(settings), settings, code, rev,
                                           upload.filename, data)
    except (Forbidden, NotFound):
        raise  # the error page: the caller may not change this version, or may not see it
    except QMSError as exc:
        roll_back(session, exc)
        return redirect(_files_url(code, rev), request, exc.detail, "error")
    return redirect(_files_url(code, rev), request, _("The file %(name)s was attached.", name=added.name))


@router.get("/documents/{code}/versions/{rev}/files/{name}")
def download(code: str, rev: int, name: str, session: SessionDep, user: PageUser,
             settings: SettingsDep) -> Response:
    return file_response(attachments.download(session, user, file_store(settings), code, rev, name))


@router.post("/documents/{code}/versions/{rev}/files/{name}/delete")
def remove(code: str, rev: int, name: str, request: Request, session: SessionDep, user: PageUser) -> Response:
    try:
        attachments.remove_attachment(session, user, code, rev, name)
    except (Forbidden, NotFound):
        raise
    except QMSError as exc:
        roll_back(session, exc)
        return redirect(_files_url(code, rev), request, exc.detail, "error")
    return redirect(_files_url(code, rev), request, _("The file %(name)s was removed.", name=name))
