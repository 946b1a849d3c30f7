"""An internal auditor reads everything and changes nothing: every write route of the
app, found from the router itself, refuses an auditor who holds no other role."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from support import PASSWORD, agency_today, app_routes, login

from qms.audit.models import AuditEvent

TODAY = agency_today().isoformat()

#: Writes that are not changes to the controlled data: one's own session, password,
#: language, notifications, choice of e-mail and own signing certificate, previews that
#: store nothing, and the public check of a PDF.
PERSONAL_OR_READ_ONLY = {
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/me/password"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/account/password"),
    ("POST", "/language"),
    ("POST", "/documents/preview"),
    ("POST", "/documents/{code}/versions/{rev}/steps-table"),
    ("POST", "/documents/{code}/versions/{rev}/distribution/preview"),
    ("POST", "/notifications/read"),
    ("POST", "/api/v1/me/notifications/read"),
    ("PATCH", "/api/v1/me"),
    ("POST", "/account"),
    ("POST", "/verify"),
    ("POST", "/api/v1/me/certificate"),
    ("DELETE", "/api/v1/me/certificate"),
    ("POST", "/account/certificate"),
    ("POST", "/account/certificate/remove"),
    ("POST", "/account/certificate/signature"),
    ("POST", "/account/certificate/signature/remove"),
}

#: A body the route accepts, so that the request reaches the service and its role check.
API_BODIES: dict[tuple[str, str], dict | list | None] = {
    ("POST", "/api/v1/units"): {"code": "MOI", "name": "Phòng mới"},
    ("PATCH", "/api/v1/units/{code}"): {"name": "Tên mới của phòng"},
    ("POST", "/api/v1/users"): {
        "username": "moi",
        "full_name": "Người Mới",
        "unit": "VP",
        "password": PASSWORD,
        "roles": ["staff"],
    },
    ("PATCH", "/api/v1/users/{username}"): {"title": "Chuyên viên chính"},
    ("POST", "/api/v1/users/{username}/reset-password"): None,
    ("POST", "/api/v1/documents"): {
        "code": "QT-50",
        "title": "Quy trình mới",
        "kind": "procedure",
        "owner_unit": "VP",
    },
    ("PATCH", "/api/v1/documents/{code}"): {"title": "Tiêu đề mới"},
    ("POST", "/api/v1/documents/{code}/versions"): None,
    ("PATCH", "/api/v1/documents/{code}/versions/{rev}"): {"sections": {"purpose": "Sửa"}},
    ("POST", "/api/v1/documents/{code}/versions/{rev}/submit"): {"reviewers": [], "approver": "giamdoc",
                                                                 "password": PASSWORD},
    ("POST", "/api/v1/documents/{code}/versions/{rev}/review"): {
        "decision": "reviewed",
        "password": PASSWORD,
    },
    ("POST", "/api/v1/documents/{code}/versions/{rev}/approve"): {
        "decision": "approved",
        "password": PASSWORD,
    },
    ("POST", "/api/v1/documents/{code}/versions/{rev}/withdraw"): {
        "reason": "Hết căn cứ",
        "approver": "giamdoc",
    },
    ("POST", "/api/v1/delegations"): {"delegate": "phogiamdoc", "starts_on": TODAY, "ends_on": TODAY,
                                      "password": PASSWORD},
    ("DELETE", "/api/v1/delegations/{delegation_id}"): None,
    ("POST", "/api/v1/documents/{code}/versions/{rev}/distribution"): {"units": ["CCHC"], "due_days": 7},
    ("POST", "/api/v1/documents/{code}/versions/{rev}/acknowledge"): None,
    ("POST", "/api/v1/documents/{code}/versions/{rev}/paper-copies/{number}/recall"): {
        "outcome": "returned",
        "on": TODAY,
    },
    ("POST", "/api/v1/documents/{code}/versions/{rev}/attachments"): None,
    ("DELETE", "/api/v1/documents/{code}/versions/{rev}/attachments/{name}"): None,
    ("POST", "/api/v1/change-requests"): {
        "document_code": "QT-01",
        "reason": "Lỗi chính tả",
        "proposal": "Sửa mục 1",
    },
    ("POST", "/api/v1/change-requests/{request_id}/decision"): {"decision": "rejected", "comment": "Không"},
    ("POST", "/api/v1/documents/{code}/periodic-review"): {"outcome": "no_change", "password": PASSWORD},
    ("PUT", "/api/v1/documents/{code}/records"): [
        {"name": "Sổ theo dõi", "keeping_unit": "VP", "retention": "permanent"}
    ],
    ("POST", "/api/v1/records-list/approval"): {"year": agency_today().year, "password": PASSWORD},
    ("POST", "/api/v1/retention-categories"): {"code": "CQ-01", "name": "Hồ sơ hội nghị", "years": 10},
    ("DELETE", "/api/v1/retention-categories/{code}"): None,
    ("POST", "/api/v1/import/docx"): None,
}
UPLOADS = {"/api/v1/documents/{code}/versions/{rev}/attachments", "/api/v1/import/docx"}
PATH_VALUES = {
    "code": "QT-01",
    "rev": "1",
    "username": "nhanvien",
    "delegation_id": "1",
    "number": "1",
    "name": "bieu-mau.pdf",
    "request_id": "1",
}


def write_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(method, path) for method, path in app_routes(app) if method != "GET"]


def _changes(db) -> int:  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.execute(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action.not_like("auth.%"))
    ).scalar_one()


@pytest.fixture
def library(api):  # type: ignore[no-untyped-def]
    """A document in force, a delegation and a change request, so that each route finds its object."""
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    delegation = api.post(
        "giamdoc", "/api/v1/delegations",
        {"delegate": "phogiamdoc", "starts_on": TODAY, "ends_on": TODAY, "password": PASSWORD},
    )
    request = api.post(
        "nhanvien",
        "/api/v1/change-requests",
        {"document_code": "QT-01", "reason": "Lỗi chính tả", "proposal": "Sửa mục 1"},
    )
    PATH_VALUES.update(delegation_id=str(delegation.json()["id"]), request_id=str(request.json()["id"]))
    return api


def test_every_api_write_route_is_classified(app):
    """A new write route cannot escape the auditor test: it must be given a body here."""
    unknown = [
        route
        for route in write_routes(app)
        if route[1].startswith("/api/") and route not in PERSONAL_OR_READ_ONLY and route not in API_BODIES
    ]
    assert not unknown, f"classify these write routes for the auditor test: {unknown}"


def test_an_auditor_is_refused_every_api_write(app, library, db):
    before = _changes(db)
    for method, path in write_routes(app):
        if not path.startswith("/api/") or (method, path) in PERSONAL_OR_READ_ONLY:
            continue
        url = path.format(**PATH_VALUES)
        kwargs: dict = {"headers": library.as_("danhgia")}
        if path in UPLOADS:
            kwargs["files"] = {"file": ("bieu-mau.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "application/pdf")}
        elif (body := API_BODIES[(method, path)]) is not None:
            kwargs["json"] = body
        response = library.client.request(method, url, **kwargs)
        assert response.status_code == 403, (method, path, response.status_code, response.text[:200])
        assert response.json()["detail"]
    assert _changes(db) == before, "nothing was written"


def test_an_auditor_changes_nothing_through_the_pages(app, library, client, db):
    login(client, "danhgia")
    before = _changes(db)
    for method, path in write_routes(app):
        if path.startswith("/api/") or (method, path) in PERSONAL_OR_READ_ONLY:
            continue
        data = {
            "csrf_token": client.cookies.get("qms_csrf"),
            "code": "QT-99",
            "title": "Mới",
            "name": "Mới",
            "decision": "approved",
            "password": PASSWORD,
            "reason": "Lý do",
            "approver": "giamdoc",
        }
        response = client.request(method, path.format(**PATH_VALUES), data=data, follow_redirects=False)
        # Refused, or sent back to its form with the reason; the audit trail shows nothing changed.
        assert response.status_code in (303, 403, 404, 422), (method, path, response.status_code)
    assert _changes(db) == before, "nothing was written"
