"""Pages: the reports, the print dialog of a version, and the public verify pages."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlmodel import col

from qms.accounts.deps import PageUser
from qms.accounts.models import Unit
from qms.accounts.policy import can_manage_accounts
from qms.audit.policy import can_read_trail
from qms.core.config import ConfigError
from qms.core.db import roll_back
from qms.core.deps import SessionDep, SettingsDep
from qms.core.errors import NotFound, QMSError, ValidationFailed
from qms.core.i18n import _
from qms.core.web import redirect, refused, render
from qms.distribution.policy import can_follow_distribution
from qms.documents import service
from qms.documents.policy import can_manage_documents
from qms.records import certificates, personal_certificates, seal, verify
from qms.records import service as records
from qms.records.policy import can_see_agency_certificate

router = APIRouter(include_in_schema=False)


def report_entries(user: PageUser) -> list[dict[str, object]]:
    """The reports this user may make, each with its formats."""
    entries: list[dict[str, object]] = [
        {"name": "master-list", "title": _("Master list of internal documents"),
         "help": _("Every internal document in force, with its revision and effective date."),
         "formats": ("pdf", "docx", "csv")},
        {"name": "external-documents", "title": _("List of external documents"),
         "help": _("Laws, decrees and standards the agency applies."), "formats": ("pdf", "docx", "csv")},
        {"name": "records-list", "title": _("Records list with retention periods"),
         "help": _("The records each procedure in force keeps, where and for how long."),
         "formats": ("pdf", "docx", "csv")},
    ]
    if can_follow_distribution(user):
        entries.append({"name": "acknowledgements", "title": _("Acknowledgements by unit"),
                        "help": _("Who has read and acknowledged each document in force."),
                        "formats": ("pdf", "docx", "csv"), "by_unit": True})
    if can_read_trail(user):
        entries.append({"name": "audit-trail", "title": _("Audit trail extract"),
                        "help": _("Every recorded action since the date you choose."),
                        "formats": ("pdf", "docx", "csv"), "since": True})
    return entries


@router.get("/reports")
def reports_page(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    units = list(session.execute(select(col(Unit.code),
                                        col(Unit.name)).where(col(Unit.active)).order_by(Unit.name)).all())
    shows_certificate = can_see_agency_certificate(user)
    agency = certificates.agency_certificate(settings) if shows_certificate else None
    return render(request, "records/reports.html", {
        "reports": report_entries(user), "units": units, "certificate": agency,
    })


@router.get("/documents/{code}/versions/{rev}/print")
def print_record(code: str, rev: int, request: Request, session: SessionDep, user: PageUser,
                 fmt: str = Query("pdf", max_length=10), kind: str = Query("uncontrolled", max_length=20),
                 copy: str = Query("", max_length=10)) -> Response:
    """The print dialog's answer: a controlled copy numbered NN, or an uncontrolled print."""
    document, version = service.load_version(session, user, code, rev)
    back = f"/documents/{document.code}/versions/{version.revision}"
    if fmt not in ("pdf", "docx"):
        return redirect(back, request, _("Choose PDF or DOCX."), "error")
    target = f"/api/v1/documents/{document.code}/versions/{version.revision}/record.{fmt}"
    if kind != "controlled":
        return RedirectResponse(target, status_code=303)
    if not can_manage_documents(user):
        return redirect(back, request, _("Only the quality officer prints numbered controlled copies."),
                        "error")
    if not copy.strip().isdigit() or not 1 <= int(copy) <= 999:
        return redirect(back + "#print", request, _("Copy number: enter a number from 1 to 999."), "error")
    if not records.copy_issued(session, version, int(copy)):
        reason = records.copy_not_issued(document, version, int(copy))
        return redirect(back + "#print", request, reason, "error")
    return RedirectResponse(f"{target}?copy={int(copy)}", status_code=303)


@router.get("/verify/{code}/{rev}")
def verify_revision(code: str, rev: int, request: Request, session: SessionDep) -> Response:
    try:
        if not (1 <= rev <= 10_000 and 0 < len(code) <= 40):
            raise NotFound(_("No issued revision %(rev)s of a document %(code)s exists.", rev=f"{rev:02d}",
                             code=code[:40]))
        status = verify.revision_status(session, code, rev)
    except QMSError as exc:
        roll_back(session, exc)
        return refused(render(request, "records/verify.html", {"status": None, "code": code, "rev": rev,
                                                               "error": exc.detail}), exc)
    return render(request, "records/verify.html", {"status": status, "code": code, "rev": rev})


@router.get("/verify")
def verify_form(request: Request) -> Response:
    return render(request, "records/verify_upload.html", {"check": None})


@router.post("/verify")
def verify_upload(request: Request, session: SessionDep, settings: SettingsDep,
                  file: UploadFile | None = File(None)) -> Response:
    """Synchronous on purpose: pyHanko runs its own event loop, which an async route would already hold."""
    try:
        if file is None:
            data = verify.read_pdf_upload(b"", "", "")
        else:
            content = file.file.read(verify.MAX_UPLOAD_BYTES + 1)
            data = verify.read_pdf_upload(content, file.filename or "",
                                          (file.content_type or "").split(";")[0].strip())
    except QMSError as exc:
        roll_back(session, exc)
        return refused(render(request, "records/verify_upload.html", {"check": None, "error": exc.detail}),
                       exc)
    check = verify.check_upload(session, settings, data)
    return render(request, "records/verify_upload.html", {"check": check})


@router.get("/admin/certificate")
def certificate_page(request: Request, user: PageUser, settings: SettingsDep, error: str = "") -> Response:
    """The agency's signing certificate as the administrator checks it: who, issued by whom, until
    when; and the seal image its signature shows."""
    can_manage_accounts.require(user)
    try:
        agency = certificates.agency_certificate(settings)
        problem = ""
    except ConfigError as exc:
        agency, problem = None, str(exc)
    return render(request, "admin/certificate.html", {
        "facts": certificates.describe(agency) if agency is not None else None, "problem": problem,
        "warning_days": certificates.EXPIRY_WARNING_DAYS, "seal": seal.current_seal(settings.data_dir),
        "seal_error": error, "max_seal_kb": seal.MAX_SEAL_BYTES // 1024,
    })


@router.post("/admin/certificate/seal")
def upload_seal(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
                file: UploadFile | None = File(None)) -> Response:
    can_manage_accounts.require(user)
    try:
        data = file.file.read(seal.MAX_SEAL_BYTES + 1) if file is not None else b""
        seal.save_seal(session, user, settings.data_dir, data, (file.filename or "") if file else "")
    except QMSError as exc:
        roll_back(session, exc)
        return refused(certificate_page(request, user, settings, error=exc.detail), exc)
    return redirect("/admin/certificate#seal", request, _("The seal image was saved."))


@router.get("/admin/certificate/seal.png")
def seal_image(user: PageUser, settings: SettingsDep) -> Response:
    can_manage_accounts.require(user)
    current = seal.current_seal(settings.data_dir)
    if current is None:
        raise NotFound(_("No seal image has been uploaded."))
    return FileResponse(current.path, media_type="image/png", headers={"Cache-Control": "no-store"})


def _my_certificate_page(request: Request, session: SessionDep, user: PageUser, *,
                         errors: dict[str, str] | None = None) -> Response:
    return render(request, "records/my_certificate.html", {
        "facts": personal_certificates.own_facts(session, user), "errors": errors or {},
        "max_kb": personal_certificates.MAX_P12_BYTES // 1024,
        "signature": personal_certificates.signature_image_of(session, user.id),
        "max_signature_kb": personal_certificates.MAX_SIGNATURE_IMAGE_BYTES // 1024,
    })


@router.get("/account/certificate")
def my_certificate_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    """The person's own signing certificate: what it is, and the form to upload or replace it."""
    return _my_certificate_page(request, session, user)


@router.post("/account/certificate")
def upload_my_certificate(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
                          file: UploadFile | None = File(None), password: str = Form("")) -> Response:
    data = file.file.read(personal_certificates.MAX_P12_BYTES + 1) if file is not None else b""
    try:
        personal_certificates.upload(session, user, settings, data, password)
    except QMSError as exc:
        roll_back(session, exc)
        errors = exc.fields if isinstance(exc, ValidationFailed) else {"form": exc.detail}
        return refused(_my_certificate_page(request, session, user, errors=errors), exc)
    return redirect("/account/certificate", request, _("Your signing certificate was saved."))


@router.post("/account/certificate/remove")
def remove_my_certificate(request: Request, session: SessionDep, user: PageUser) -> Response:
    personal_certificates.remove(session, user)
    return redirect("/account/certificate", request, _("Your signing certificate was removed."))


@router.post("/account/certificate/signature")
def upload_signature_image(request: Request, session: SessionDep, user: PageUser,
                           file: UploadFile | None = File(None)) -> Response:
    data = file.file.read(personal_certificates.MAX_SIGNATURE_IMAGE_BYTES + 1) if file is not None else b""
    try:
        personal_certificates.save_signature_image(session, user, data, (file.filename or "") if file else "")
    except QMSError as exc:
        roll_back(session, exc)
        return refused(_my_certificate_page(request, session, user, errors={"signature": exc.detail}), exc)
    return redirect("/account/certificate#signature", request, _("The image of your signature was saved."))


@router.get("/account/certificate/signature.png")
def signature_image(session: SessionDep, user: PageUser) -> Response:
    image = personal_certificates.signature_image_of(session, user.id)
    if image is None:
        raise NotFound(_("You have not uploaded an image of your signature."))
    return Response(image.png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.post("/account/certificate/signature/remove")
def remove_signature_image(request: Request, session: SessionDep, user: PageUser) -> Response:
    personal_certificates.remove_signature_image(session, user)
    return redirect("/account/certificate#signature", request, _("The image of your signature was removed."))
