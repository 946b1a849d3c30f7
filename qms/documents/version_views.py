"""Pages of one version: reading, editing the draft, signing, withdrawal, differences."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from qms.accounts.deps import PageUser
from qms.core.clock import local_today
from qms.core.db import pk, roll_back
from qms.core.deps import SessionDep, SettingsDep
from qms.core.errors import NotFound, QMSError, ValidationFailed
from qms.core.forms import form_data, parse
from qms.core.i18n import _
from qms.core.markup import render_markdown
from qms.core.web import redirect, refused, render
from qms.documents import defaults, drafts, panels, read, service, steps_editing, workflow
from qms.documents.choices import Status
from qms.documents.content import etag_of, steps_of
from qms.documents.diff import diff_versions
from qms.documents.integrity import version_problems
from qms.documents.models import SECTIONS
from qms.documents.pending import pending_actions, pending_on
from qms.documents.policy import can_approve, can_edit, can_manage_documents, can_review
from qms.documents.schemas import Decision, Sections, Step, Submission, VersionUpdate, WithdrawalRequest
from qms.documents.views import withdrawn_page
from qms.files.storage import file_store

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_data)]
STEP_FIELDS = ("step", "responsibility", "task", "duration", "output")
MAX_PREVIEW = 200_000


def _url(code: str, rev: int, suffix: str = "") -> str:
    return f"/documents/{code}/versions/{rev}{suffix}"


def _steps_from_form(form: FormData) -> list[Step]:
    columns = [form.getlist(f"step_{name}") for name in STEP_FIELDS]
    rows = []
    for values in zip(*columns, strict=False):
        rows.append(Step(**{name: str(value) for name, value in zip(STEP_FIELDS, values, strict=True)}))
    return rows


def _version_page(request: Request, session: SessionDep, user: PageUser, code: str, rev: int,
                  errors: dict[str, str] | None = None, action_error: str | None = None,
                  values: Mapping[str, object] | None = None, status_code: int = 200) -> Response:
    document, version = service.load_version(session, user, code, rev)
    detail = read.version_detail(session, document, version)
    today = local_today(request.app.state.settings.zone)
    mine = pending_on(session, user, document, version, today)
    previous = max((v.revision for v in read.document_detail(session, user, document).versions
                    if v.revision < version.revision), default=None)
    approvers = read.people_with_roles(session, can_approve.roles)
    return render(request, "documents/version.html", {
        "document": document, "version": version, "detail": detail,
        "version_unit_name": read.unit_name(session, version.owner_unit_id) if version.owner_unit_id else "",
        "previous_revision": previous,
        "can_edit": version.status == Status.DRAFT and can_edit(user, version),
        "can_manage": can_manage_documents(user),
        "my_review": mine if mine and mine.kind == "review" else None,
        "my_approval": mine if mine and mine.kind == "approval" else None,
        "my_withdrawal": mine if mine and mine.kind == "withdrawal" else None,
        "reviewer_choices": read.people_with_roles(session, can_review.roles),
        "approver_choices": approvers,
        "usual_approver": defaults.usual_approver(session, document, approvers, drafter=detail.drafter),
        "errors": errors or {}, "action_error": action_error, "values": values or {},
        "names": read.full_names(session, [detail.drafter, detail.approver or "", *detail.reviewers]),
        "panels": panels.version_panels(session, user, document, version),
        "integrity_problems": version_problems(session, file_store(request.app.state.settings), document,
                                               version),
    }, status_code=status_code)


@router.get("/documents/{code}/versions/{rev}")
async def version_page(code: str, rev: int, request: Request, session: SessionDep,
                       user: PageUser) -> Response:
    try:
        return _version_page(request, session, user, code, rev)
    except NotFound:
        return withdrawn_page(request, session, user, code)


def _editor(request: Request, session: SessionDep, user: PageUser, code: str, rev: int, *,
            values: dict[str, str] | None = None, steps: list[Step] | None = None,
            etag: str | None = None, errors: dict[str, str] | None = None, stale: bool = False,
            focus: steps_editing.Focus | None = None, status_code: int = 200) -> Response:
    document, version = drafts.load_version_to_edit(session, user, code, rev)
    return render(request, "documents/edit.html", {
        "document": document, "version": version, "sections": SECTIONS,
        "values": values or {**version.section_map(), "change_summary": version.change_summary,
                             "changed_sections": version.changed_sections,
                             "effective_date": version.effective_date.isoformat()
                             if version.effective_date else ""},
        "steps": steps if steps is not None else steps_of(session, pk(version)),
        "etag": etag or etag_of(version), "errors": errors or {}, "stale": stale,
        "code": document.code, "rev": version.revision, "focus": focus,
    }, status_code=status_code)


@router.get("/documents/{code}/versions/{rev}/edit")
def edit_page(code: str, rev: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    _document, version = drafts.load_version_to_edit(session, user, code, rev)
    if version.status != Status.DRAFT:
        return redirect(_url(code.upper(), rev), request,
                        _("Only a draft can be edited; this version is frozen."), "warning")
    return _editor(request, session, user, code, rev)


@router.post("/documents/{code}/versions/{rev}/edit")
def save_draft(code: str, rev: int, request: Request, session: SessionDep, user: PageUser,
               form: FormDep) -> Response:
    values = {name: str(form.get(name, "")) for name in (*SECTIONS, "change_summary", "changed_sections",
                                                          "effective_date")}
    steps = _steps_from_form(form)
    etag = str(form.get("etag", ""))
    if op := str(form.get("op", "")):
        # A row button of the steps table pressed without JavaScript: the page comes back with
        # the rows changed and everything typed kept; saving stays a separate, deliberate step.
        _document, version = drafts.load_version_to_edit(session, user, code, rev)
        if version.status != Status.DRAFT:
            return redirect(_url(code.upper(), rev), request,
                            _("Only a draft can be edited; this version is frozen."), "warning")
        edited = steps_editing.apply(steps, op)
        return _editor(request, session, user, code, rev, values=values, steps=edited.steps, etag=etag,
                       focus=edited.focus)
    try:
        update = parse(VersionUpdate, {
            "sections": parse(Sections, {name: values[name] for name in SECTIONS}).model_dump(),
            "steps": [step.model_dump() for step in steps],
            "change_summary": values["change_summary"], "changed_sections": values["changed_sections"],
            "effective_date": values["effective_date"] or None,
        })
        drafts.update_version(session, user, code, rev, update, etag)
    except QMSError as exc:
        roll_back(session, exc)
        stale = exc.status_code == 409
        errors = exc.fields if isinstance(exc, ValidationFailed) else {"form": exc.detail}
        return refused(_editor(request, session, user, code, rev, values=values, steps=steps, etag=etag,
                               errors=errors, stale=stale), exc)
    if form.get("then") == "submit":
        return redirect(_url(code.upper(), rev) + "#submit", request, _("Draft saved."))
    return redirect(_url(code.upper(), rev, "/edit"), request, _("Draft saved."))


@router.post("/documents/{code}/versions/{rev}/steps-table")
def steps_table(code: str, rev: int, request: Request, session: SessionDep, user: PageUser,
                form: FormDep) -> Response:
    """Add, remove or move a row of the steps table being edited; nothing is saved yet."""
    service.load_version(session, user, code, rev)
    edited = steps_editing.apply(_steps_from_form(form), str(form.get("op", "")))
    return render(request, "documents/_steps_editor.html",
                  {"steps": edited.steps, "focus": edited.focus, "origins": edited.origins,
                   "code": code.upper(), "rev": rev, "fragment": True})


@router.post("/documents/preview")
def preview(request: Request, user: PageUser, form: FormDep,
            field: str = Query("text", max_length=20)) -> HTMLResponse:
    """The Markdown of one section as it will read; the editor calls it while typing."""
    text = str(form.get(field, ""))[:MAX_PREVIEW]
    if rendered := render_markdown(text):
        return HTMLResponse(rendered)
    # Outside the f-string, where the message extractor finds it.
    empty = _("Nothing to preview yet.")
    return HTMLResponse(f'<p class="muted">{escape(empty)}</p>')


def _act(request: Request, session: SessionDep, user: PageUser, code: str, rev: int,
         action: Callable[[], object], message: str, anchor: str, form: FormData) -> Response:
    """Run one lifecycle action; on refusal show the version page with the reason at the form
    and what the person typed (the password aside) still in it."""
    try:
        action()
    except QMSError as exc:
        roll_back(session, exc)
        errors = exc.fields if isinstance(exc, ValidationFailed) else {}
        if getattr(exc, "field", None) == "password":
            errors = {"password": exc.detail}
        values = {name: form.getlist(name) if name == "reviewers" else form.get(name)
                  for name in form if name not in ("password", "csrf_token")}
        return refused(_version_page(request, session, user, code, rev, errors=errors | {"_form": anchor},
                                     action_error=exc.detail, values=values), exc)
    return redirect(_url(code.upper(), rev), request, message)


@router.post("/documents/{code}/versions/{rev}/submit")
def submit(code: str, rev: int, request: Request, session: SessionDep, user: PageUser,
           form: FormDep) -> Response:
    def action() -> None:
        data = parse(Submission, {
            "reviewers": [str(name) for name in form.getlist("reviewers") if str(name).strip()],
            "approver": form.get("approver", ""), "password": form.get("password", ""),
            "comment": form.get("comment", ""),
        })
        workflow.submit(session, user, code, rev, data)

    return _act(request, session, user, code, rev, action,
                _("The version was submitted; the signers find it in their task lists."), "submit", form)


def _decision(form: FormData) -> Decision:
    return parse(Decision, {name: form.get(name, "") for name in ("decision", "comment", "password")})


@router.post("/documents/{code}/versions/{rev}/review")
def review(code: str, rev: int, request: Request, session: SessionDep, user: PageUser,
           settings: SettingsDep, form: FormDep) -> Response:
    today = local_today(settings.zone)
    message = _("Your review was signed.") if form.get("decision") == "reviewed" else _(
        "The version was sent back to the drafter with your comment.")
    return _act(request, session, user, code, rev,
                lambda: workflow.review(session, user, code, rev, _decision(form), today), message, "review",
                form)


@router.post("/documents/{code}/versions/{rev}/approve")
def approve(code: str, rev: int, request: Request, session: SessionDep, user: PageUser,
            settings: SettingsDep, form: FormDep) -> Response:
    today = local_today(settings.zone)
    message = _("The version was approved.") if form.get("decision") == "approved" else _(
        "The version was sent back to the drafter with your comment.")
    return _act(request, session, user, code, rev,
                lambda: workflow.approve(session, user, code, rev, _decision(form), today),
                message, "approve", form)


@router.post("/documents/{code}/versions/{rev}/withdraw")
def withdraw(code: str, rev: int, request: Request, session: SessionDep, user: PageUser,
             settings: SettingsDep, form: FormDep) -> Response:
    def action() -> None:
        values = {name: form.get(name) or None for name in ("reason", "approver", "decision", "password")}
        values["comment"] = form.get("comment", "")
        workflow.withdraw(session, user, code, rev, parse(WithdrawalRequest, values),
                          local_today(settings.zone))

    message = _("The withdrawal request was sent for signature.") if not form.get("decision") else _(
        "Your decision on the withdrawal was signed.")
    return _act(request, session, user, code, rev, action, message, "withdraw", form)


@router.get("/documents/{code}/versions/{rev}/diff")
def diff_page(code: str, rev: int, request: Request, session: SessionDep, user: PageUser,
              against: int = Query(..., ge=1, le=10_000)) -> Response:
    document, new, old = service.load_versions_to_compare(session, user, code, rev, against)
    result = diff_versions(old, steps_of(session, pk(old)), new, steps_of(session, pk(new)),
                           read.unit_codes(session, old, new))
    return render(request, "documents/diff.html", {"document": document, "new": new, "old": old,
                                                   "diff": result})


@router.get("/tasks")
def tasks_page(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    actions = pending_actions(session, user, local_today(settings.zone))
    return render(request, "documents/tasks.html", {"actions": actions})

