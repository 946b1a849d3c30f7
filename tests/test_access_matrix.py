"""Who may call what: every route of the app, read from the router itself, against one table.

``EXPECTED`` says, for each (method, path), who may call it: ``PUBLIC`` (anyone, signed in or
not), ``ANY_SIGNED_IN``, or a set of roles. The table comes from the design (shared/DESIGN.md,
shared/API.md), not from the code: a route missing from it, or an entry whose route is gone,
fails ``test_every_route_is_in_the_table``.

Each role is then played by a user who holds that role alone, and by an anonymous caller, in a
library where every route finds an object in the right state (the drafts are the drafter's,
the versions in review name the reviewer, those awaiting approval and the delegations name the
approver, every version in force is distributed to everyone):

- allowed: a read answers 200 (or what the table says, with its reason); a write succeeds
  (2xx, or the 303 of a page after a form, without an error message);
- refused, signed in: 403 with the reason, as JSON ``detail`` from the API and as the error
  page otherwise, or 404 where the table says the object is deliberately hidden from that role;
- refused, anonymous: 401 with JSON ``detail`` from the API; a page sends to the sign-in page.

Reads run first, then writes, then what ends or changes the caller's own session (sign-in,
password, sign-out), each of those after signing in afresh. Pages post their forms with the
CSRF token, as the browser does.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import samples
from itsdangerous import URLSafeSerializer
from support import PASSWORD, agency_today, api_headers, app_routes

from qms.core.deps import SESSION_COOKIE
from qms.core.roles import Role
from qms.core.web import FLASH_COOKIE
from qms.records import certificates

ROLES = tuple(role.value for role in Role)
ADMIN, QO, DRAFTER, REVIEWER, APPROVER, STAFF, AUDITOR = (
    Role.ADMIN.value, Role.QUALITY_OFFICER.value, Role.DRAFTER.value, Role.REVIEWER.value,
    Role.APPROVER.value, Role.STAFF.value, Role.AUDITOR.value)
ANONYMOUS = "anonymous"
TODAY = agency_today().isoformat()
YEAR = agency_today().year
OTHER_PASSWORD = "Sen-hong-ho-Tay-47"


@dataclass(frozen=True)
class Access:
    """Who may call a route; ``hidden``: refused roles that get 404, because the object is not
    theirs to know of; ``answers``: what an allowed call answers when not the usual, and ``why``."""

    allowed: frozenset[str]
    hidden: frozenset[str] = frozenset()
    answers: tuple[int, ...] = ()
    why: str = ""


def roles(*allowed: str, hidden: tuple[str, ...] = (), answers: tuple[int, ...] = (),
          why: str = "") -> Access:
    assert not set(allowed) & set(hidden)
    return Access(frozenset(allowed), frozenset(hidden), answers, why)


def public(answers: tuple[int, ...] = (), why: str = "") -> Access:
    return roles(*ROLES, ANONYMOUS, answers=answers, why=why)


def any_signed_in(answers: tuple[int, ...] = (), why: str = "") -> Access:
    return roles(*ROLES, answers=answers, why=why)


PUBLIC = public()
ANY_SIGNED_IN = any_signed_in()
#: Users, units and the audit trail: see API.md (``GET /api/v1/users``, ``/api/v1/audit``).
VIEW_USERS = (ADMIN, QO, AUDITOR)
VIEW_AUDIT = (ADMIN, AUDITOR)
#: Who follows distributions and acknowledgements: the quality officer, the head of agency
#: (and deputies) "at a glance", internal auditors.
FOLLOW_UP = (QO, APPROVER, AUDITOR)
#: Everyone but an internal auditor, who reads everything and changes nothing.
NOT_AUDITOR = (ADMIN, QO, DRAFTER, REVIEWER, APPROVER, STAFF)
#: Drafts and versions in review exist only for those who work on or oversee them: the
#: administrator and staff, who read documents in force only, are told they do not exist.
UNSEEN_DRAFTS = (ADMIN, STAFF)
DRAFT_WHY = "a version not in force does not exist for readers of documents in force only"
CHANGE_REQUEST_WHY = "a change request is seen by its requester, the quality officer and auditors only"
NOT_QO_OR_AUDITOR = (ADMIN, DRAFTER, REVIEWER, APPROVER, STAFF)
NOT_ADMIN = (QO, DRAFTER, REVIEWER, APPROVER, STAFF, AUDITOR)
NO_CERTIFICATE = "nobody here has uploaded a certificate"
NOT_A_CERTIFICATE = "the file sent is no certificate: refused with its reason, after the role check"
NOT_A_P12 = {"file": ("a.p12", b"x", "application/x-pkcs12")}
NO_IMAGE = "nobody here has uploaded an image of their signature"
NOT_A_PNG_WHY = "the file sent is no PNG: refused with its reason, after the role check"
#: The design gives every user a distribution reaches a task to acknowledge; an internal
#: auditor in a unit it reaches is one of them (acknowledging records their own reading).
ACKNOWLEDGE_WHY = "whoever the version was distributed to (here: everyone, an auditor included)"


def draft_work(*allowed: str) -> Access:
    return roles(*allowed, hidden=UNSEEN_DRAFTS, why=DRAFT_WHY)


V = "/documents/{code}/versions/{rev}"
AV = "/api/v1" + V
EXPECTED: dict[tuple[str, str], Access] = {
    # Public: sign-in, the portal, the QR check of a printed copy, health, static files, API docs.
    ("GET", "/login"): public(answers=(200, 303), why="a signed-in user goes on to the home page"),
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("POST", "/language"): PUBLIC,
    ("GET", "/portal"): PUBLIC,
    ("GET", "/portal/{code}"): PUBLIC,
    ("GET", "/portal/{code}.pdf"): PUBLIC,
    ("GET", "/verify"): PUBLIC,
    ("POST", "/verify"): public(why="the page tells what it found in the upload, an unsigned PDF included"),
    ("GET", "/verify/{code}/{rev}"): PUBLIC,
    ("GET", "/api/v1/agency/ca.pem"): PUBLIC,
    ("GET", "/notifications/count"): public(why="the bell is empty for someone signed out"),
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/print-header.css"): PUBLIC,
    ("GET", "/favicon.ico"): public(answers=(301,), why="sent on to the icon under static/"),
    ("GET", "/static/{path}"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/api/docs"): PUBLIC,
    ("POST", "/api/v1/auth/token"): PUBLIC,
    ("GET", "/api/v1/agency/crl"): public(answers=(404,), why="no demo CA in these tests' data folder"),
    # One's own account, home, tasks, reading list and notifications.
    ("GET", "/"): ANY_SIGNED_IN,
    ("GET", "/account"): ANY_SIGNED_IN,
    ("POST", "/account"): ANY_SIGNED_IN,
    ("GET", "/account/password"): ANY_SIGNED_IN,
    ("POST", "/account/password"): ANY_SIGNED_IN,
    ("GET", "/tasks"): ANY_SIGNED_IN,
    ("GET", "/reading"): ANY_SIGNED_IN,
    ("GET", "/notifications"): ANY_SIGNED_IN,
    ("POST", "/notifications/read"): ANY_SIGNED_IN,
    ("GET", "/search"): ANY_SIGNED_IN,
    ("POST", "/api/v1/auth/logout"): ANY_SIGNED_IN,
    ("GET", "/api/v1/me"): ANY_SIGNED_IN,
    ("PATCH", "/api/v1/me"): ANY_SIGNED_IN,
    ("GET", "/api/v1/me/notifications"): ANY_SIGNED_IN,
    ("POST", "/api/v1/me/notifications/read"): ANY_SIGNED_IN,
    ("POST", "/api/v1/me/password"): ANY_SIGNED_IN,
    ("GET", "/api/v1/me/pending"): ANY_SIGNED_IN,
    # One's own signing certificate: whoever signs (an administrator never does).
    ("GET", "/account/certificate"): roles(*NOT_ADMIN),
    ("POST", "/account/certificate"): roles(*NOT_ADMIN, answers=(422,), why=NOT_A_CERTIFICATE),
    ("POST", "/account/certificate/remove"): roles(*NOT_ADMIN, answers=(404,), why=NO_CERTIFICATE),
    ("GET", "/api/v1/me/certificate"): roles(*NOT_ADMIN, answers=(404,), why=NO_CERTIFICATE),
    ("POST", "/api/v1/me/certificate"): roles(*NOT_ADMIN, answers=(422,), why=NOT_A_CERTIFICATE),
    ("DELETE", "/api/v1/me/certificate"): roles(*NOT_ADMIN, answers=(404,), why=NO_CERTIFICATE),
    ("POST", "/account/certificate/signature"): roles(*NOT_ADMIN, answers=(415,), why=NOT_A_PNG_WHY),
    ("POST", "/account/certificate/signature/remove"): roles(*NOT_ADMIN, answers=(404,), why=NO_IMAGE),
    ("GET", "/account/certificate/signature.png"): any_signed_in(answers=(404,), why=NO_IMAGE),
    ("GET", "/api/v1/me/reading-list"): ANY_SIGNED_IN,
    # Administration: the administrator manages; the quality officer and auditors see the users.
    ("GET", "/admin/users"): roles(*VIEW_USERS),
    ("GET", "/admin/users/new"): roles(ADMIN),
    ("POST", "/admin/users/new"): roles(ADMIN),
    ("GET", "/admin/users/{username}"): roles(*VIEW_USERS),
    ("POST", "/admin/users/{username}"): roles(ADMIN),
    ("POST", "/admin/users/{username}/active"): roles(ADMIN),
    ("POST", "/admin/users/{username}/reset-password"): roles(ADMIN),
    ("GET", "/admin/units"): roles(*VIEW_USERS),
    ("POST", "/admin/units"): roles(ADMIN),
    ("GET", "/admin/units/{code}"): roles(ADMIN),
    ("POST", "/admin/units/{code}"): roles(ADMIN),
    ("POST", "/admin/units/{code}/active"): roles(ADMIN),
    ("GET", "/admin/agency"): roles(ADMIN),
    ("GET", "/admin/certificate"): roles(ADMIN),
    ("GET", "/admin/certificate/seal.png"): roles(ADMIN, answers=(200, 404),
                                                  why="404 until the administrator uploads the seal"),
    ("POST", "/admin/certificate/seal"): roles(ADMIN),
    ("POST", "/admin/agency"): roles(ADMIN),
    ("GET", "/api/v1/units"): ANY_SIGNED_IN,
    ("POST", "/api/v1/units"): roles(ADMIN),
    ("PATCH", "/api/v1/units/{code}"): roles(ADMIN),
    ("GET", "/api/v1/users"): roles(*VIEW_USERS),
    ("POST", "/api/v1/users"): roles(ADMIN),
    ("GET", "/api/v1/users/{username}"): roles(*VIEW_USERS),
    ("PATCH", "/api/v1/users/{username}"): roles(ADMIN),
    ("POST", "/api/v1/users/{username}/reset-password"): roles(ADMIN),
    # The audit trail and the compliance report.
    ("GET", "/audit"): roles(*VIEW_AUDIT),
    ("GET", "/audit/chain"): roles(*VIEW_AUDIT),
    ("GET", "/api/v1/audit"): roles(*VIEW_AUDIT),
    ("GET", "/api/v1/audit/verify"): roles(*VIEW_AUDIT),
    ("GET", "/compliance"): roles(QO, AUDITOR),
    ("GET", "/api/v1/reports/compliance"): roles(QO, AUDITOR),
    ("GET", "/api/v1/reports/audit-pack.zip"): roles(AUDITOR),
    # The register: everyone reads documents (as far as they may); the quality officer keeps it.
    ("GET", "/documents"): ANY_SIGNED_IN,
    ("GET", "/documents/new"): roles(QO),
    ("POST", "/documents/new"): roles(QO),
    ("POST", "/documents/preview"): any_signed_in(why="a Markdown preview stores nothing (as in the code)"),
    ("GET", "/documents/{code}"): ANY_SIGNED_IN,
    ("GET", "/documents/{code}/edit"): roles(QO),
    ("POST", "/documents/{code}/edit"): roles(QO),
    ("POST", "/documents/{code}/versions"): roles(QO),
    ("GET", "/external-documents"): ANY_SIGNED_IN,
    ("GET", "/documents/{code}/external"): roles(QO),
    ("POST", "/documents/{code}/external"): roles(QO),
    ("GET", "/api/v1/documents"): ANY_SIGNED_IN,
    ("POST", "/api/v1/documents"): roles(QO),
    ("GET", "/api/v1/documents/{code}"): ANY_SIGNED_IN,
    ("PATCH", "/api/v1/documents/{code}"): roles(QO),
    ("POST", "/api/v1/documents/{code}/versions"): roles(QO),
    ("GET", "/import"): roles(QO),
    ("POST", "/import"): roles(QO),
    ("POST", "/api/v1/import/docx"): roles(QO),
    # A version: reading it, its files, the print dialog, the differences.
    ("GET", V): ANY_SIGNED_IN,
    ("GET", AV): ANY_SIGNED_IN,
    ("GET", V + "/diff"): ANY_SIGNED_IN,
    ("GET", AV + "/diff"): ANY_SIGNED_IN,
    ("GET", V + "/print"): any_signed_in(answers=(303,), why="the print dialog answers with the file's URL"),
    ("GET", V + "/files/{name}"): ANY_SIGNED_IN,
    ("GET", AV + "/attachments"): ANY_SIGNED_IN,
    ("GET", AV + "/attachments/{name}"): ANY_SIGNED_IN,
    ("GET", AV + "/record.pdf"): ANY_SIGNED_IN,
    ("GET", AV + "/record.docx"): ANY_SIGNED_IN,
    ("GET", AV + "/signed.pdf"): ANY_SIGNED_IN,
    # Drafting: the quality officer or the version's drafter.
    ("GET", V + "/edit"): draft_work(QO, DRAFTER),
    ("POST", V + "/edit"): draft_work(QO, DRAFTER),
    ("PATCH", AV): draft_work(QO, DRAFTER),
    ("POST", V + "/steps-table"): roles(QO, DRAFTER, REVIEWER, APPROVER, AUDITOR, hidden=UNSEEN_DRAFTS,
                                        why="stores nothing: whoever reads the draft (as the code has it)"),
    ("POST", V + "/attachments"): draft_work(QO, DRAFTER),
    ("POST", AV + "/attachments"): draft_work(QO, DRAFTER),
    ("POST", V + "/files/{name}/delete"): draft_work(QO, DRAFTER),
    ("DELETE", AV + "/attachments/{name}"): draft_work(QO, DRAFTER),
    ("POST", V + "/submit"): draft_work(QO, DRAFTER),
    ("POST", AV + "/submit"): draft_work(QO, DRAFTER),
    # Signing: the named reviewer, the named approver; withdrawal: asked by the quality officer,
    # signed by the approver.
    ("POST", V + "/review"): draft_work(REVIEWER),
    ("POST", AV + "/review"): draft_work(REVIEWER),
    ("POST", V + "/approve"): draft_work(APPROVER),
    ("POST", AV + "/approve"): draft_work(APPROVER),
    ("POST", V + "/withdraw"): roles(QO, APPROVER),
    ("POST", AV + "/withdraw"): roles(QO, APPROVER),
    ("GET", "/delegations"): ANY_SIGNED_IN,
    ("POST", "/delegations"): roles(APPROVER, why="the page records one's own delegation"),
    ("POST", "/delegations/{delegation_id}/revoke"): roles(APPROVER, ADMIN),
    ("GET", "/api/v1/delegations"): ANY_SIGNED_IN,
    ("POST", "/api/v1/delegations"): roles(APPROVER, why="the approver who delegates records it"),
    ("DELETE", "/api/v1/delegations/{delegation_id}"): roles(APPROVER, ADMIN),
    # Distribution: the quality officer distributes; the head and auditors follow; everyone
    # it reaches acknowledges.
    ("GET", V + "/distribution"): roles(*FOLLOW_UP),
    ("GET", V + "/distribution/new"): roles(QO),
    ("POST", V + "/distribution/preview"): roles(QO),
    ("POST", V + "/distribution"): roles(QO),
    ("POST", V + "/distribution/remove"): roles(QO),
    ("POST", V + "/paper-copies/{number}/recall"): roles(QO),
    ("GET", AV + "/distribution"): roles(*FOLLOW_UP),
    ("POST", AV + "/distribution"): roles(QO),
    ("POST", AV + "/paper-copies/{number}/recall"): roles(QO),
    ("GET", AV + "/acknowledgements"): roles(*FOLLOW_UP),
    ("GET", AV + "/distribution-record.pdf"): roles(*FOLLOW_UP),
    ("GET", AV + "/distribution-record.docx"): roles(*FOLLOW_UP),
    ("GET", AV + "/distribution-record.csv"): roles(*FOLLOW_UP),
    ("GET", "/distribution"): roles(*FOLLOW_UP),
    ("GET", "/distribution/units/{unit_code}"): roles(*FOLLOW_UP),
    ("GET", "/distribution/recalls"): roles(*FOLLOW_UP),
    ("GET", "/distribution/acknowledgements.csv"): roles(*FOLLOW_UP),
    ("POST", V + "/acknowledge"): any_signed_in(why=ACKNOWLEDGE_WHY),
    ("POST", AV + "/acknowledge"): any_signed_in(why=ACKNOWLEDGE_WHY),
    # Change requests: anyone but an auditor asks; the quality officer decides.
    ("GET", "/change-requests"): ANY_SIGNED_IN,
    ("POST", "/change-requests"): roles(*NOT_AUDITOR),
    ("GET", "/change-requests/{request_id}"): roles(QO, AUDITOR, hidden=NOT_QO_OR_AUDITOR,
                                                    why=CHANGE_REQUEST_WHY),
    ("POST", "/change-requests/{request_id}/decision"): roles(QO, hidden=NOT_QO_OR_AUDITOR,
                                                              why=CHANGE_REQUEST_WHY + " (as on its page)"),
    ("GET", "/api/v1/change-requests"): ANY_SIGNED_IN,
    ("POST", "/api/v1/change-requests"): roles(*NOT_AUDITOR),
    ("GET", "/api/v1/change-requests/{request_id}"): roles(QO, AUDITOR, hidden=NOT_QO_OR_AUDITOR,
                                                           why=CHANGE_REQUEST_WHY),
    ("POST", "/api/v1/change-requests/{request_id}/decision"): roles(QO),
    # Periodic review, the records register and the head's approval of the records list.
    ("GET", "/reviews"): roles(QO, APPROVER, AUDITOR),
    ("GET", "/api/v1/reviews/due"): roles(QO, APPROVER, AUDITOR),
    ("POST", "/documents/{code}/periodic-review"): roles(QO),
    ("POST", "/api/v1/documents/{code}/periodic-review"): roles(QO),
    ("GET", "/documents/{code}/records"): roles(QO),
    ("POST", "/documents/{code}/records"): roles(QO),
    ("GET", "/api/v1/documents/{code}/records"): ANY_SIGNED_IN,
    ("PUT", "/api/v1/documents/{code}/records"): roles(QO),
    ("GET", "/api/v1/documents/{code}/records/proposed"): roles(QO),
    ("GET", "/records-register"): ANY_SIGNED_IN,
    ("POST", "/records-register/approve"): roles(APPROVER),
    ("GET", "/api/v1/records-list"): ANY_SIGNED_IN,
    ("POST", "/api/v1/records-list/approval"): roles(APPROVER),
    ("GET", "/retention-categories"): ANY_SIGNED_IN,
    ("POST", "/retention-categories"): roles(QO),
    ("POST", "/retention-categories/{code}/delete"): roles(QO),
    ("GET", "/api/v1/retention-categories"): ANY_SIGNED_IN,
    ("POST", "/api/v1/retention-categories"): roles(QO),
    ("DELETE", "/api/v1/retention-categories/{code}"): roles(QO),
    # Reports: the lists of the library for everyone; acknowledgements for those who follow
    # them; the audit trail for auditors and the administrator.
    ("GET", "/reports"): ANY_SIGNED_IN,
    **{("GET", f"/api/v1/reports/{name}.{fmt}"): ANY_SIGNED_IN
       for name in ("master-list", "external-documents", "records-list") for fmt in ("pdf", "docx", "csv")},
    ("GET", "/api/v1/reports/acknowledgements.pdf"): roles(*FOLLOW_UP),
    ("GET", "/api/v1/reports/acknowledgements.csv"): roles(*FOLLOW_UP),
    ("GET", "/api/v1/reports/acknowledgements.docx"): roles(*FOLLOW_UP),
    ("GET", "/api/v1/reports/audit-trail.pdf"): roles(*VIEW_AUDIT),
    ("GET", "/api/v1/reports/audit-trail.docx"): roles(*VIEW_AUDIT),
    ("GET", "/api/v1/reports/audit-trail.csv"): roles(*VIEW_AUDIT),
}


# --- How each route is called -----------------------------------------------------------------

Value = Any  # a value, or a callable of the Caller giving it at the moment of the request


@dataclass(frozen=True)
class Call:
    """What a request carries: path values (over ``PATH_VALUES``; "{name}" takes the library's
    ``name``), a query, a JSON body, form fields or files, headers; ``by_role``: another call for
    one role (the approver signs the withdrawal that the quality officer asks for)."""

    values: dict[str, str] = field(default_factory=dict)
    query: str = ""
    json: Value = None
    form: Value = None
    files: Value = None
    headers: Value = None
    by_role: dict[str, Call] = field(default_factory=dict)


PATH_VALUES = {
    "code": "QT-01", "rev": "1", "name": "bieu-mau.pdf", "number": "1", "username": "khach",
    "unit_code": "VP", "request_id": "{cr_api}", "delegation_id": "{delegation_api}", "path": "app.css",
}
SIGN = {"decision": "approved", "password": PASSWORD}


def seal_upload(caller: Caller) -> dict:
    from PIL import Image

    image, out = Image.new("RGBA", (120, 120), (0, 0, 0, 0)), io.BytesIO()
    image.putpixel((60, 60), (200, 0, 0, 255))
    image.save(out, format="PNG")
    return {"file": ("con-dau.png", io.BytesIO(out.getvalue()), "image/png")}


def pdf_upload(name: str) -> Callable[[Caller], dict]:
    return lambda caller: {"file": (name, io.BytesIO(samples.pdf()), "application/pdf")}


def docx_upload(field_name: str) -> Callable[[Caller], dict]:
    return lambda caller: {field_name: ("quy-trinh.docx", io.BytesIO(samples.docx(
        paragraphs=["1. MỤC ĐÍCH", "Quy định cách tiếp nhận hồ sơ."])), samples.DOCX_TYPE)}


def if_match(code: str) -> Callable[[Caller], dict]:
    return lambda caller: {"If-Match": caller.etag(code)}


def draft_form(code: str) -> Callable[[Caller], dict]:
    return lambda caller: {"purpose": "Sửa mục đích.", "content": "Nội dung.", "change_summary": "",
                           "etag": caller.etag(code)}


CALLS: dict[tuple[str, str], Call] = {
    # Reads that need a particular object or query.
    ("GET", V + "/diff"): Call({"code": "QT-02", "rev": "2"}, query="?against=1"),
    ("GET", AV + "/diff"): Call({"code": "QT-02", "rev": "2"}, query="?against=1"),
    ("GET", V + "/edit"): Call({"code": "QT-10"}),
    ("GET", "/documents/{code}/external"): Call({"code": "VB-01"}),
    ("GET", "/admin/units/{code}"): Call({"code": "CCHC"}),
    ("GET", "/change-requests/{request_id}"): Call({"request_id": "{cr_web}"}),
    # The session of the caller: after everything else, each with a fresh sign-in.
    ("POST", "/api/v1/auth/token"): Call(json=lambda c: {"username": c.username or "nhanvien",
                                                         "password": c.password}),
    ("POST", "/login"): Call(form=lambda c: {"username": c.username or "nhanvien", "password": c.password}),
    ("POST", "/account/password"): Call(form=lambda c: {"current_password": c.password,
                                                         "new_password": c.next_password(),
                                                         "confirm_password": c.next_password()}),
    ("POST", "/api/v1/me/password"): Call(json=lambda c: {"current_password": c.password,
                                                           "new_password": c.next_password()}),
    ("POST", "/api/v1/auth/logout"): Call(),
    ("POST", "/logout"): Call(),
    ("POST", "/language"): Call(form={"language": "vi", "next": "/"}),
    ("POST", "/notifications/read"): Call(),
    ("POST", "/account"): Call(form={"notification_mail": "daily"}),
    ("PATCH", "/api/v1/me"): Call(json={"notification_mail": "daily"}),
    ("POST", "/api/v1/me/notifications/read"): Call(json={}),
    ("POST", "/verify"): Call(files=pdf_upload("ban-in.pdf")),
    ("POST", "/admin/certificate/seal"): Call(files=seal_upload),
    ("POST", "/account/certificate"): Call(files=lambda c: NOT_A_P12),
    ("POST", "/api/v1/me/certificate"): Call(files=lambda c: NOT_A_P12, form=lambda c: {"password": "x"}),
    ("POST", "/account/certificate/remove"): Call(),
    ("POST", "/account/certificate/signature"): Call(files=lambda c: {"file": ("a.png", b"x", "image/png")}),
    ("POST", "/account/certificate/signature/remove"): Call(),
    ("DELETE", "/api/v1/me/certificate"): Call(),
    # Administration.
    ("POST", "/admin/users/new"): Call(form={"username": "moi2", "full_name": "Người Mới Hai", "unit": "VP",
                                             "password": PASSWORD, "roles": ["staff"]}),
    ("POST", "/admin/users/{username}"): Call(form={"full_name": "Trần Văn Khách", "title": "Chuyên viên",
                                                    "unit": "CCHC", "email": "khach@example.gov.vn",
                                                    "roles": ["staff"]}),
    ("POST", "/admin/users/{username}/active"): Call({"username": "khach2"}, form={"active": "false"}),
    ("POST", "/admin/users/{username}/reset-password"): Call(),
    ("POST", "/admin/units"): Call(form={"code": "MOI2", "name": "Phòng mới hai", "parent": "SNV"}),
    ("POST", "/admin/units/{code}"): Call({"code": "CCHC"}, form={"name": "Phòng Cải cách hành chính",
                                                                   "parent": "SNV", "sort_order": "0"}),
    ("POST", "/admin/units/{code}/active"): Call({"code": "TRONG"}, form={"active": "false"}),
    ("POST", "/admin/agency"): Call(form={"name": "Sở Nội vụ tỉnh Ninh Bình", "short_name": "SNV"}),
    ("POST", "/api/v1/units"): Call(json={"code": "MOI", "name": "Phòng mới"}),
    ("PATCH", "/api/v1/units/{code}"): Call({"code": "CCHC"}, json={"name": "Phòng Cải cách hành chính"}),
    ("POST", "/api/v1/users"): Call(json={"username": "moi", "full_name": "Người Mới", "unit": "VP",
                                          "password": PASSWORD, "roles": ["staff"]}),
    ("PATCH", "/api/v1/users/{username}"): Call(json={"title": "Chuyên viên chính"}),
    ("POST", "/api/v1/users/{username}/reset-password"): Call(),
    # The register.
    ("POST", "/documents/new"): Call(form={"code": "QT-51", "title": "Quy trình mới", "kind": "procedure",
                                           "owner_unit": "VP", "confidentiality": "internal",
                                           "review_interval_months": "12"}),
    ("POST", "/documents/preview"): Call(query="?field=text", form={"text": "**Xem trước**"}),
    # Details not signed with a revision (the signed ones change in a draft: test_signed_metadata).
    ("POST", "/documents/{code}/edit"): Call(form={"title": "Quy trình kiểm soát tài liệu",
                                                   "owner_unit": "VP", "confidentiality": "public",
                                                   "review_interval_months": "24"}),
    ("POST", "/documents/{code}/versions"): Call({"code": "QT-03"}),
    ("POST", "/documents/{code}/external"): Call({"code": "VB-01"}, form={
        "number": "30/2020/NĐ-CP", "issuer": "Chính phủ", "issued_on": "2020-03-05", "status": "in_force"}),
    ("POST", "/api/v1/documents"): Call(json={"code": "QT-50", "title": "Quy trình mới", "kind": "procedure",
                                              "owner_unit": "VP"}),
    ("PATCH", "/api/v1/documents/{code}"): Call(json={"review_interval_months": 18}),
    ("POST", "/api/v1/documents/{code}/versions"): Call({"code": "QT-02"}),
    ("POST", "/import"): Call(files=docx_upload("files"), form={"code": "QT-61"}),
    ("POST", "/api/v1/import/docx"): Call(files=docx_upload("file"), form={"code": "QT-60"}),
    # Drafting and signing, each on a version of its own in the state the action needs.
    ("POST", V + "/edit"): Call({"code": "QT-11"}, form=draft_form("QT-11")),
    ("PATCH", AV): Call({"code": "QT-10"}, json={"sections": {"purpose": "Sửa mục đích."}},
                        headers=if_match("QT-10")),
    ("POST", V + "/steps-table"): Call({"code": "QT-10"}, form={"op": "add:0"}),
    ("POST", V + "/attachments"): Call({"code": "QT-11"}, files=pdf_upload("them-tu-trang.pdf")),
    ("POST", AV + "/attachments"): Call({"code": "QT-10"}, files=pdf_upload("them-tu-api.pdf")),
    ("POST", V + "/files/{name}/delete"): Call({"code": "QT-11", "name": "xoa.pdf"}),
    ("DELETE", AV + "/attachments/{name}"): Call({"code": "QT-10", "name": "xoa.pdf"}),
    ("POST", V + "/submit"): Call({"code": "QT-13"}, form={"reviewers": ["reviewer"], "approver": "approver",
                                                           "password": PASSWORD}),
    ("POST", AV + "/submit"): Call({"code": "QT-12"}, json={"reviewers": ["reviewer"],
                                                            "approver": "approver", "password": PASSWORD}),
    ("POST", V + "/review"): Call({"code": "QT-15"}, form={"decision": "reviewed", "password": PASSWORD}),
    ("POST", AV + "/review"): Call({"code": "QT-14"}, json={"decision": "reviewed", "password": PASSWORD}),
    ("POST", V + "/approve"): Call({"code": "QT-17"}, form=SIGN),
    ("POST", AV + "/approve"): Call({"code": "QT-16"}, json=SIGN),
    ("POST", V + "/withdraw"): Call({"code": "QT-19"}, form={"reason": "Hết căn cứ", "approver": "approver"},
                                    by_role={APPROVER: Call({"code": "QT-21"}, form=SIGN)}),
    ("POST", AV + "/withdraw"): Call({"code": "QT-18"}, json={"reason": "Hết căn cứ", "approver": "approver"},
                                     by_role={APPROVER: Call({"code": "QT-20"}, json=SIGN)}),
    ("POST", "/delegations"): Call(form={"delegate": "phogiamdoc", "starts_on": TODAY,
                                         "ends_on": TODAY, "password": PASSWORD}),
    ("POST", "/delegations/{delegation_id}/revoke"): Call({"delegation_id": "{delegation_web}"}),
    ("POST", "/api/v1/delegations"): Call(json={"delegator": "approver", "delegate": "phogiamdoc",
                                                "starts_on": TODAY, "ends_on": TODAY, "password": PASSWORD}),
    ("DELETE", "/api/v1/delegations/{delegation_id}"): Call(),
    # Distribution and acknowledgement.
    ("POST", V + "/distribution/preview"): Call(form={"units": ["CCHC"], "due_days": "7"}),
    ("POST", V + "/distribution"): Call(form={"units": ["CCHC"], "due_days": "7"}),
    ("POST", V + "/distribution/remove"): Call(form={"username": "nhanvien"}),
    ("POST", AV + "/distribution"): Call(json={"units": ["CCHC"], "due_days": 7}),
    ("POST", V + "/paper-copies/{number}/recall"): Call({"code": "QT-02", "number": "2"},
                                                        form={"outcome": "destroyed", "on": TODAY}),
    ("POST", AV + "/paper-copies/{number}/recall"): Call({"code": "QT-02"},
                                                         json={"outcome": "returned", "on": TODAY}),
    ("POST", V + "/acknowledge"): Call(),
    ("POST", AV + "/acknowledge"): Call(),
    # Change requests, reviews, the records register.
    ("POST", "/change-requests"): Call(form={"document_code": "QT-01", "reason": "Lỗi chính tả",
                                             "proposal": "Sửa mục 1"}),
    ("POST", "/change-requests/{request_id}/decision"): Call(
        {"request_id": "{cr_web}"}, form={"decision": "rejected", "comment": "Chưa cần"}),
    ("POST", "/api/v1/change-requests"): Call(json={"document_code": "QT-01", "reason": "Lỗi chính tả",
                                                    "proposal": "Sửa mục 1"}),
    ("POST", "/api/v1/change-requests/{request_id}/decision"): Call(json={"decision": "rejected",
                                                                          "comment": "Chưa cần"}),
    ("POST", "/documents/{code}/periodic-review"): Call(form={"outcome": "no_change", "password": PASSWORD}),
    ("POST", "/api/v1/documents/{code}/periodic-review"): Call(json={"outcome": "no_change",
                                                                     "password": PASSWORD}),
    ("POST", "/documents/{code}/records"): Call(form={"name": ["Sổ theo dõi"], "keeping_unit": ["VP"],
                                                      "retention": ["permanent"], "medium": ["paper"],
                                                      "disposal": ["destroy"]}),
    ("PUT", "/api/v1/documents/{code}/records"): Call(json=[{"name": "Sổ theo dõi", "keeping_unit": "VP",
                                                             "retention": "permanent"}]),
    ("POST", "/records-register/approve"): Call(form={"year": str(YEAR - 1), "password": PASSWORD}),
    ("POST", "/api/v1/records-list/approval"): Call(json={"year": YEAR, "password": PASSWORD}),
    ("POST", "/retention-categories"): Call(form={"code": "CQ-MOI", "name": "Hồ sơ mới", "period": "years",
                                                  "years": "10"}),
    ("POST", "/retention-categories/{code}/delete"): Call({"code": "CQ-XOA-WEB"}),
    ("POST", "/api/v1/retention-categories"): Call(json={"code": "CQ-MOI2", "name": "Hồ sơ mới",
                                                         "years": 10}),
    ("DELETE", "/api/v1/retention-categories/{code}"): Call({"code": "CQ-XOA-API"}),
}
#: What ends or changes the caller's own session, in this order, after everything else.
SESSION_ROUTES = [
    ("POST", "/api/v1/auth/token"),
    ("POST", "/login"),
    ("POST", "/account/password"),
    ("POST", "/api/v1/me/password"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/logout"),
]
PASSWORD_CHANGES = {("POST", "/account/password"), ("POST", "/api/v1/me/password")}


# --- The library every route finds its object in ----------------------------------------------

def _ok(response, status: int = 200) -> Any:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _publish(api, code: str, rev: int = 1) -> None:  # type: ignore[no-untyped-def]
    _ok(api.submit(code, rev, reviewers=(), approver="giamdoc"))
    _ok(api.approve(code, rev))


def _attach(api, code: str, name: str) -> None:  # type: ignore[no-untyped-def]
    _ok(api.client.post(f"/api/v1/documents/{code}/versions/1/attachments", headers=api.as_("iso"),
                        files={"file": (name, io.BytesIO(samples.pdf()), "application/pdf")}), 201)


@pytest.fixture
def library(api, make) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every object the routes need, in the state each action needs; the ids of the rows
    whose ids the database chooses."""
    for role in ROLES:
        make.user(role, role, unit="VP", full_name=f"Người giữ vai trò {role}")
    make.user("khach", "staff", unit="CCHC", full_name="Trần Văn Khách")
    make.user("khach2", "staff", unit="CCHC", full_name="Trần Thị Khách")
    make.unit("TRONG", "Tổ công tác không còn thành viên", parent="SNV")

    # In force, public, with a file and its records, distributed to everyone.
    api.create_procedure("QT-01", confidentiality="public")
    api.fill("QT-01")
    _attach(api, "QT-01", "bieu-mau.pdf")
    _ok(api.client.put("/api/v1/documents/QT-01/records", headers=api.as_("iso"),
                       json=[{"name": "Sổ theo dõi", "keeping_unit": "VP", "retention": "permanent"}]))
    _publish(api, "QT-01")
    _ok(api.post("iso", "/api/v1/documents/QT-01/versions/1/distribution", {"units": ["SNV"], "due_days": 7}))
    # Revision 01 superseded by 02, its two paper copies to recall.
    api.create_procedure("QT-02", "Quy trình giải quyết khiếu nại")
    api.fill("QT-02")
    _publish(api, "QT-02")
    _ok(api.post("iso", "/api/v1/documents/QT-02/versions/1/distribution",
                 {"units": ["VP"], "paper_copies": [{"holder": "nhanvien"}, {"holder": "iso"}]}))
    _ok(api.post("iso", "/api/v1/documents/QT-02/versions"), 201)
    api.fill("QT-02", 2)
    _publish(api, "QT-02", 2)
    # In force, for a new revision from its page, and an external document in force.
    for code in ("QT-03", "VB-01"):
        extra = {"kind": "external", "external": {"number": "30/2020/NĐ-CP", "issuer": "Chính phủ",
                                                  "status": "in_force"}} if code == "VB-01" else {}
        api.create_procedure(code, f"Tài liệu {code}", **extra)
        api.fill(code)
        _publish(api, code)
    # The drafter's drafts; versions in review with the reviewer; awaiting the approver.
    for code in ("QT-10", "QT-11", "QT-12", "QT-13", "QT-14", "QT-15", "QT-16", "QT-17"):
        api.create_procedure(code, f"Quy trình {code}", drafter="drafter")
        api.fill(code)
    for code in ("QT-10", "QT-11"):
        _attach(api, code, "xoa.pdf")
    for code in ("QT-14", "QT-15"):
        _ok(api.submit(code, 1, reviewers=("reviewer",), approver="approver"))
    for code in ("QT-16", "QT-17"):
        _ok(api.submit(code, 1, reviewers=(), approver="approver"))
    # In force: the quality officer asks to withdraw QT-18/19; QT-20/21 wait for the approver.
    for code in ("QT-18", "QT-19", "QT-20", "QT-21"):
        api.create_procedure(code, f"Quy trình {code}")
        api.fill(code)
        _publish(api, code)
    for code in ("QT-20", "QT-21"):
        _ok(api.post("iso", f"/api/v1/documents/{code}/versions/1/withdraw",
                     {"reason": "Hết căn cứ", "approver": "approver"}))
    for code in ("CQ-XOA-WEB", "CQ-XOA-API"):
        _ok(api.post("iso", "/api/v1/retention-categories", {"code": code, "name": "Hồ sơ tạm", "years": 5}),
            201)
    today = {"starts_on": TODAY, "ends_on": TODAY, "password": PASSWORD}
    delegations = [_ok(api.post("approver", "/api/v1/delegations", {"delegate": "phogiamdoc", **today}), 201)
                   for _ in range(2)]
    requests = [_ok(api.post("nhanvien", "/api/v1/change-requests", {
        "document_code": "QT-01", "reason": "Lỗi chính tả", "proposal": "Sửa mục 1"}), 201) for _ in range(2)]
    return {"delegation_api": str(delegations[0]["id"]), "delegation_web": str(delegations[1]["id"]),
            "cr_api": str(requests[0]["id"]), "cr_web": str(requests[1]["id"])}


@pytest.fixture(scope="module")
def agency_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("signing")
    p12, _created = certificates.create_demo_certificate(folder, "Sở Nội vụ tỉnh Ninh Bình")
    _p12, password_file, _ca = certificates.demo_paths(folder)
    return p12, password_file.read_text(encoding="ascii").strip()


@pytest.fixture
def signing(app, agency_certificate, library):  # type: ignore[no-untyped-def]
    """The agency certificate for the requests of the test (after the library is set up, so
    that only what the requests need is signed), then the app's settings as they were."""
    previous = app.state.settings
    path, password = agency_certificate
    replacement = previous.model_copy(update={"signing_p12": path, "signing_p12_password": password})
    app.state.settings = replacement
    certificates.configure(replacement)
    try:
        yield
    finally:
        app.state.settings = previous
        certificates.configure(previous)


# --- The caller and the check of each answer --------------------------------------------------

class Caller:
    """One role played through the pages (session cookie) and the API (bearer token)."""

    def __init__(self, role: str, client, api, secret_key: str) -> None:  # type: ignore[no-untyped-def]
        self.role = role
        self.username = None if role == ANONYMOUS else role
        self.client = client
        self.api = api
        self.password = PASSWORD
        self.bearer: dict[str, str] = {}
        self.flashes = URLSafeSerializer(secret_key, salt="flash")

    def sign_in(self) -> None:
        """Anew; an anonymous caller drops any session that signing in as someone gave it."""
        if "qms_csrf" not in self.client.cookies:
            self.client.get("/healthz")
        if self.username is None:
            self.client.cookies.delete(SESSION_COOKIE)
            self.client.cookies.delete("qms_csrf")  # bound to that session: a visitor's own instead
            self.client.get("/healthz")
            return
        response = self.client.post("/login", data={"username": self.username, "password": self.password,
                                                    "csrf_token": self.client.cookies.get("qms_csrf")},
                                    follow_redirects=False)
        assert response.status_code == 303, response.text
        self.bearer = api_headers(self.client, self.username, self.password)

    def next_password(self) -> str:
        return OTHER_PASSWORD if self.password == PASSWORD else PASSWORD

    def etag(self, code: str) -> str:
        return self.api.get("iso", f"/api/v1/documents/{code}/versions/1").json()["etag"]

    def error_flash(self, response) -> str | None:  # type: ignore[no-untyped-def]
        """The message of a redirect that could not do what was asked, if it is one."""
        raw = response.cookies.get(FLASH_COOKIE)
        self.client.cookies.delete(FLASH_COOKIE)
        if not raw:
            return None
        last = self.flashes.loads(raw)[-1]
        return last["message"] if last["category"] in ("error", "warning") else None

    def request(self, method: str, path: str, call: Call, library: dict[str, str]):  # type: ignore[no-untyped-def]
        call = call.by_role.get(self.role, call)

        def value(item: Value) -> Any:
            return item(self) if callable(item) else item

        values = {name: text.format(**library) for name, text in {**PATH_VALUES, **call.values}.items()}
        url = path.format(**values) + call.query
        headers = dict(value(call.headers) or {})
        kwargs: dict[str, Any] = {"follow_redirects": False}
        if path.startswith("/api/"):
            headers.update(self.bearer)
            kwargs["json"] = value(call.json)
            if call.files is not None:
                kwargs.update(files=value(call.files), data=value(call.form), json=None)
        elif method != "GET":
            kwargs["data"] = {**(value(call.form) or {}), "csrf_token": self.client.cookies.get("qms_csrf")}
            if call.files is not None:
                kwargs["files"] = value(call.files)
        return self.client.request(method, url, headers=headers, **kwargs)


def _is_html(response) -> bool:  # type: ignore[no-untyped-def]
    return response.headers.get("content-type", "").startswith("text/html")


def _detail(response) -> str | None:  # type: ignore[no-untyped-def]
    try:
        return response.json().get("detail")
    except ValueError:
        return None


def verdict(caller: Caller, method: str, path: str, access: Access, response) -> str | None:  # type: ignore[no-untyped-def]
    """None when the answer is what the table says, else what is wrong."""
    status, is_api = response.status_code, path.startswith("/api/v1")
    if caller.role in access.allowed:
        expected = access.answers or ((200,) if method == "GET" else (200, 201, 204, 303))
        if status not in expected:
            return f"allowed, expected {expected}, got {status}: {response.text[:160]!r}"
        if status == 303 and method != "GET" and (message := caller.error_flash(response)):
            return f"allowed, but the page answered with an error: {message!r}"
        return None
    if caller.role == ANONYMOUS:
        if is_api:
            if status == 401 and _detail(response):
                return None
            return f"anonymous: expected 401 with detail, got {status}"
        location = response.headers.get("location", "")
        if (status in (302, 303, 307) and location.startswith("/login")) or status == 401:
            return None
        return f"anonymous: expected to be sent to /login, got {status} {location}"
    refused = 404 if caller.role in access.hidden else 403
    if status != refused:
        return f"refused: expected {refused}, got {status}: {response.text[:160]!r}"
    if is_api and not _detail(response):
        return f"refused: {status} without a JSON detail"
    if not is_api and not _is_html(response):
        return f"refused: {status} is not the error page"
    return None


def test_every_route_is_in_the_table(app) -> None:
    routes = set(app_routes(app))
    unclassified = sorted(routes - EXPECTED.keys())
    assert not unclassified, "say who may call these routes in EXPECTED:\n" + "\n".join(
        f"  {method} {path}" for method, path in unclassified)
    gone = sorted(EXPECTED.keys() - routes)
    assert not gone, "these routes no longer exist; remove them from EXPECTED:\n" + "\n".join(
        f"  {method} {path}" for method, path in gone)
    stale_calls = sorted(CALLS.keys() - routes)
    assert not stale_calls, f"CALLS names routes that no longer exist: {stale_calls}"
    no_body = sorted(route for route in routes if route[0] != "GET" and route not in CALLS)
    assert not no_body, f"say how to call these write routes in CALLS: {no_body}"


def _order(routes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Reads, then writes, then what ends or changes one's session, in SESSION_ROUTES order."""
    session = [route for route in SESSION_ROUTES if route in routes]
    rest = sorted((route for route in routes if route not in session), key=lambda r: (r[0] != "GET", r))
    return rest + session


@pytest.mark.parametrize("role", [*ROLES, ANONYMOUS])
def test_each_route_answers_each_role_as_the_table_says(role, app, client, api, library,
                                                        signing) -> None:  # type: ignore[no-untyped-def]
    caller = Caller(role, client, api, app.state.secret_key)
    caller.sign_in()
    wrong = []
    for method, path in _order(app_routes(app)):
        if (method, path) in SESSION_ROUTES:
            caller.sign_in()
        if (access := EXPECTED.get((method, path))) is None:
            wrong.append(f"{method} {path}: not in EXPECTED")
            continue
        response = caller.request(method, path, CALLS.get((method, path), Call()), library)
        if problem := verdict(caller, method, path, access, response):
            wrong.append(f"{method} {path}: {problem}")
        elif (method, path) in PASSWORD_CHANGES and response.status_code in (204, 303):
            caller.password = caller.next_password()
    assert not wrong, f"{len(wrong)} routes answer {role} otherwise than the table says:\n" + "\n".join(wrong)
