"""JSON API of rendered records: the controlled document, its signed original, the reports.

One route per file format, so that the OpenAPI document names every path of API.md
("…/record.pdf", "…/master-list.csv"). Every download is written to the audit trail; the
services read and typeset first and only then begin the short write transaction of that
event, so these GETs start as readers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, UploadFile, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from qms.accounts.deps import CurrentUser
from qms.audit.service import EventFilter, day_range
from qms.core.api_docs import PROTECTED, error_responses
from qms.core.clock import local_today
from qms.core.config import ConfigError
from qms.core.dates import OptionalDay, OptionalDayStart
from qms.core.deps import SessionDep, SettingsDep
from qms.core.errors import NotFound
from qms.core.i18n import _
from qms.records import certificates, personal_certificates, reports, service
from qms.records.service import MEDIA_TYPES, RecordFile

router = APIRouter(prefix="/api/v1", tags=["records"], responses=error_responses(*PROTECTED))
Code = Path(min_length=1, max_length=40)
Revision = Path(ge=1, le=10_000)
VERSION = "/documents/{code}/versions/{rev}"
Since = Query(description="dd/mm/yyyy, ISO date or time (agency time when without offset); "
                                 "default: the 1st of this month")


def file_response(file: RecordFile) -> Response:
    return Response(file.data, media_type=file.media_type, headers={
        "Content-Disposition": file.content_disposition(), "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    })


def _described(fmt: str) -> dict[str, object]:
    media = MEDIA_TYPES[fmt].split(";")[0]
    return {"response_class": Response,
            "responses": {200: {"content": {media: {}}, "description": f"the {fmt.upper()} file"}}}


def _add(path: str, fmt: str, endpoint: Callable[..., Response], summary: str, description: str) -> None:
    operation = path.strip("/").replace("{", "").replace("}", "").replace("/", "_").replace(".", "_")
    router.add_api_route(path, endpoint, methods=["GET"], summary=summary, description=description,
                         name=f"{path}:{fmt}", operation_id=operation.replace("-", "_"),
                         **_described(fmt))  # type: ignore[arg-type]


def _controlled_document(fmt: str) -> Callable[..., Response]:
    def endpoint(session: SessionDep, user: CurrentUser, settings: SettingsDep, code: str = Code,
                 rev: int = Revision, copy: int | None = Query(None, ge=1, le=999,
                                                               description="controlled copy number"),
                 ) -> Response:
        return file_response(service.download_record(session, user, settings, code, rev, fmt, copy))  # type: ignore[arg-type]
    return endpoint


def _distribution_record(fmt: str) -> Callable[..., Response]:
    def endpoint(session: SessionDep, user: CurrentUser, settings: SettingsDep, code: str = Code,
                 rev: int = Revision) -> Response:
        today = local_today(settings.zone)
        report = reports.distribution_report(session, user, code, rev, settings.zone, today)
        return file_response(reports.render_report(session, user, settings, report, fmt, today,  # type: ignore[arg-type]
                                                   object_id=f"distribution-record:{code.upper()}/{rev}"))
    return endpoint


def _report(name: str, fmt: str) -> Callable[..., Response]:
    def render(session: SessionDep, user: CurrentUser, settings: SettingsDep, since: OptionalDayStart = None,
               unit: str | None = None, events: EventFilter | None = None) -> Response:
        report = reports.build_report(session, user, settings, name, since=since, unit=unit or None,
                                      events=events)
        return file_response(reports.render_report(session, user, settings, report, fmt,  # type: ignore[arg-type]
                                                   local_today(settings.zone)))

    if name == "audit-trail":
        def audit_endpoint(
            session: SessionDep, user: CurrentUser, settings: SettingsDep,
            since: Annotated[OptionalDayStart, Since] = None,
            until: Annotated[OptionalDay, Query(description="the last day included, dd/mm/yyyy or ISO "
                                                            "(agency time)")] = None,
            actor: str | None = Query(None, max_length=64, description="who acted (user name)"),
            document: str | None = Query(None, max_length=40,
                                         description="a document code: events on it and its revisions"),
            action: str | None = Query(None, max_length=64, description="an action, or a group as its prefix "
                                                                        "(e.g. auth.)"),
            object: str | None = Query(None, max_length=200, description="type or type:id, e.g. user:iso"),
        ) -> Response:
            """The audit trail in words, narrowed as on the audit page."""
            _start, end = day_range(None, until, settings.zone)
            events = EventFilter(actor=actor or None, action=action or None, object=object or None,
                                 document=(document or "").strip().upper() or None, until=end)
            return render(session, user, settings, since=since, events=events)
        return audit_endpoint
    if name == "acknowledgements":
        def by_unit_endpoint(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                             unit: str | None = Query(None, max_length=32)) -> Response:
            return render(session, user, settings, unit=unit)
        return by_unit_endpoint

    def endpoint(session: SessionDep, user: CurrentUser, settings: SettingsDep) -> Response:
        return render(session, user, settings)
    return endpoint


@router.get(VERSION + "/signed.pdf", **_described("pdf"))  # type: ignore[arg-type]
def signed_original(session: SessionDep, user: CurrentUser, settings: SettingsDep, code: str = Code,
                    rev: int = Revision) -> Response:
    """The issued version, digitally signed (PAdES) with the agency certificate."""
    return file_response(service.download_signed(session, user, settings, code, rev))


for _fmt in ("pdf", "docx"):
    _add(f"{VERSION}/record.{_fmt}", _fmt, _controlled_document(_fmt),
         f"The controlled document as {_fmt.upper()}",
         "A numbered controlled copy with `?copy=NN`, else an uncontrolled print stamped with the day "
         "it was printed; superseded and withdrawn versions carry the obsolete watermark. Each download "
         "is written to the audit trail.")
for _fmt in ("pdf", "docx", "csv"):
    _add(f"{VERSION}/distribution-record.{_fmt}", _fmt, _distribution_record(_fmt),
         f"The distribution record of the version as {_fmt.upper()}",
         "Sổ theo dõi phân phối: each distribution of the version, its recipients, their "
         "acknowledgements and the paper copies with their recall.")

REPORT_FORMATS = {
    "master-list": ("pdf", "docx", "csv"),
    "external-documents": ("pdf", "docx", "csv"),
    "records-list": ("pdf", "docx", "csv"),
    "acknowledgements": ("pdf", "docx", "csv"),
    "audit-trail": ("pdf", "docx", "csv"),
}
REPORT_DESCRIPTIONS = {
    "master-list": "Danh mục tài liệu nội bộ: every document with its revision in force and dates.",
    "external-documents": "Danh mục tài liệu có nguồn gốc bên ngoài: number, issuer, date and status of each "
                          "external document.",
    "records-list": "Danh mục hồ sơ: the records each document in force produces, with where and how long "
                    "they are kept.",
    "acknowledgements": "Who has acknowledged each document in force, by unit (`?unit=` for one unit).",
    "audit-trail": "The audit trail in words, narrowed as on the audit page (`since`, `until`, `actor`, "
                   "`document`, `action`, `object`), with the chain's status.",
}
for _name, _formats in REPORT_FORMATS.items():
    for _fmt in _formats:
        _add(f"/reports/{_name}.{_fmt}", _fmt, _report(_name, _fmt), f"Report {_name} as {_fmt.upper()}",
             REPORT_DESCRIPTIONS[_name] + " Each download is written to the audit trail.")


@router.get("/agency/ca.pem", summary="The CA certificates that verify the agency's records",
            response_class=Response, responses={200: {"content": {"application/x-pem-file": {}},
                                                      "description": "PEM certificates"}},
            description="No sign-in: anyone checking a record offline needs them. 404 when the "
                        "agency has no signing certificate.")
def agency_ca(settings: SettingsDep) -> Response:
    try:
        agency = certificates.agency_certificate(settings)
    except ConfigError:  # logged at start-up; a reader learns only that there is none to give
        agency = None
    bundle = certificates.ca_bundle_pem(agency) if agency is not None else b""
    if not bundle:
        raise NotFound(_("The agency has no signing certificate."))
    return Response(bundle, media_type="application/x-pem-file", headers={
        "Content-Disposition": 'attachment; filename="ca.pem"', "Cache-Control": "public, max-age=3600",
        "X-Content-Type-Options": "nosniff"})


@router.get("/agency/crl", response_class=Response, summary="The demo CA's certificate revocation list",
            responses={200: {"content": {"application/pkix-crl": {}}, "description": "the CRL (DER)"},
                       **error_responses(404)})
def agency_crl(settings: SettingsDep) -> Response:
    """No login: the CRL distribution point the demo certificates name (renewed when old)."""
    data = certificates.demo_crl(settings.data_dir)
    if data is None:
        raise NotFound(_("This installation publishes no certificate revocation list."))
    return Response(data, media_type="application/pkix-crl",
                    headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"})


class CertificatePublic(BaseModel):
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    serial: str
    fingerprint: str
    usable: bool = Field(description="false once a password reset has locked its key: upload it again")


def _certificate_public(facts: personal_certificates.CertificateFacts) -> CertificatePublic:
    return CertificatePublic(subject=facts.subject, issuer=facts.issuer, not_before=facts.not_before,
                             not_after=facts.not_after, serial=facts.serial, fingerprint=facts.fingerprint,
                             usable=facts.usable)


@router.get("/me/certificate", response_model=CertificatePublic, summary="Your own signing certificate",
            responses=error_responses(404))
def my_certificate(session: SessionDep, user: CurrentUser) -> CertificatePublic:
    """The certificate you sign with; 404 when you have not uploaded one."""
    return _certificate_public(personal_certificates.own_certificate(session, user))


@router.post("/me/certificate", response_model=CertificatePublic, status_code=status.HTTP_201_CREATED,
             summary="Upload your own signing certificate", responses=error_responses(409, 422))
def upload_my_certificate(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                          file: UploadFile = File(..., description="PKCS#12 (.p12, .pfx), at most 64 KB"),
                          password: str = Form("", max_length=personal_certificates.MAX_PASSWORD,
                                               description="the password of the file")) -> CertificatePublic:
    """Checked before it is kept: the password opens it, it holds a key with its certificate, the key
    usage allows signing, it is valid today and issued by a CA the agency trusts (422 naming the field
    and the reason otherwise). The key is kept sealed so that only your password opens it, when you
    sign; the file and its password are not kept. Replaces the certificate you had."""
    data = file.file.read(personal_certificates.MAX_P12_BYTES + 1)
    record = personal_certificates.upload(session, user, settings, data, password)
    facts = personal_certificates.facts_of(session, record.user_id)
    assert facts is not None
    return _certificate_public(facts)


@router.delete("/me/certificate", status_code=status.HTTP_204_NO_CONTENT,
               summary="Remove your own signing certificate", responses=error_responses(404))
def remove_my_certificate(session: SessionDep, user: CurrentUser) -> None:
    """The certificate and its sealed key are deleted."""
    personal_certificates.remove(session, user)
