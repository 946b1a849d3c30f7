"""JSON API of rendered records: the controlled document, its signed original, the reports.

Every download is written to the audit trail, so these GETs open a write transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from qms.clock import local_today
from qms.deps import CurrentUser, SessionDep, SettingsDep, writes_on_get
from qms.records import reports, service
from qms.records.service import RecordFile

router = APIRouter(prefix="/api/v1", tags=["records"], dependencies=[Depends(writes_on_get)])
Code = Path(min_length=1, max_length=40)
Revision = Path(ge=1, le=10_000)
VERSION = "/documents/{code}/versions/{rev}"
FILE_RESPONSE = {200: {"content": {"application/pdf": {}, "text/csv": {}}, "description": "the file"}}


def file_response(file: RecordFile) -> Response:
    return Response(file.data, media_type=file.media_type, headers={
        "Content-Disposition": file.content_disposition(), "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    })


@router.get(VERSION + "/record.{fmt}", responses=FILE_RESPONSE, response_class=Response)
def controlled_document(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                        fmt: Literal["pdf", "docx"], code: str = Code, rev: int = Revision,
                        copy: int | None = Query(None, ge=1, le=999, description="controlled copy number"),
                        ) -> Response:
    """The controlled document; ``copy`` numbers a controlled copy, else it is an uncontrolled print."""
    return file_response(service.download_record(session, user, settings, code, rev, fmt, copy))


@router.get(VERSION + "/signed.pdf", responses=FILE_RESPONSE, response_class=Response)
def signed_original(session: SessionDep, user: CurrentUser, settings: SettingsDep, code: str = Code,
                    rev: int = Revision) -> Response:
    """The issued version, digitally signed (PAdES) with the agency certificate."""
    return file_response(service.download_signed(session, user, settings, code, rev))


@router.get(VERSION + "/distribution-record.{fmt}", responses=FILE_RESPONSE, response_class=Response)
def distribution_record(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                        fmt: Literal["pdf", "docx"], code: str = Code, rev: int = Revision) -> Response:
    today = local_today(settings.zone)
    report = reports.distribution_report(session, user, code, rev, settings.zone, today)
    return file_response(reports.render_report(session, user, settings, report, fmt, today,
                                               object_id=f"distribution-record:{code.upper()}/{rev}"))


def _report(session: SessionDep, user: CurrentUser, settings: SettingsDep, name: str, fmt: str,
            since: datetime | None = None, unit: str | None = None) -> Response:
    report = reports.build_report(session, user, settings, name, since=since, unit=unit)
    return file_response(reports.render_report(session, user, settings, report, fmt,  # type: ignore[arg-type]
                                                local_today(settings.zone)))


@router.get("/reports/master-list.{fmt}", responses=FILE_RESPONSE, response_class=Response)
def master_list(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                fmt: Literal["pdf", "docx", "csv"]) -> Response:
    """Danh mục tài liệu nội bộ: the internal documents in force."""
    return _report(session, user, settings, "master-list", fmt)


@router.get("/reports/external-documents.{fmt}", responses=FILE_RESPONSE, response_class=Response)
def external_documents(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                       fmt: Literal["pdf", "docx", "csv"]) -> Response:
    return _report(session, user, settings, "external-documents", fmt)


@router.get("/reports/records-list.{fmt}", responses=FILE_RESPONSE, response_class=Response)
def records_list(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                 fmt: Literal["pdf", "docx", "csv"]) -> Response:
    return _report(session, user, settings, "records-list", fmt)


@router.get("/reports/acknowledgements.{fmt}", responses=FILE_RESPONSE, response_class=Response)
def acknowledgements(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                     fmt: Literal["pdf", "csv"], unit: str | None = Query(None, max_length=32)) -> Response:
    return _report(session, user, settings, "acknowledgements", fmt, unit=unit or None)


@router.get("/reports/audit-trail.{fmt}", responses=FILE_RESPONSE, response_class=Response)
def audit_trail(session: SessionDep, user: CurrentUser, settings: SettingsDep, fmt: Literal["pdf", "csv"],
                since: datetime | None = Query(None, description="ISO date or time; default: the 1st of "
                                                                 "this month")) -> Response:
    return _report(session, user, settings, "audit-trail", fmt, since=since)
