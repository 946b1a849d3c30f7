"""A version comes into force: at approval, or on its effective date by ``qms run-jobs``;
the version it replaces is superseded in the same transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.audit import service as audit
from qms.core.clock import add_months
from qms.core.config import Settings
from qms.core.db import pk, transaction, utcnow
from qms.documents import events, search_index
from qms.documents.choices import Status
from qms.documents.lifecycle import Event, transition
from qms.documents.models import SIGNED_METADATA, Document, RevisionHistory, Version, version_ref


def make_effective(session: Session, actor: Principal | None, document: Document, version: Version) -> None:
    """The version comes into force; the previous effective one is superseded in the same transaction."""
    document = session.execute(
        select(Document).where(col(Document.id) == document.id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    now = utcnow()
    previous = session.get(Version, document.effective_version_id) if document.effective_version_id else None
    if previous is not None and previous.id != version.id:
        transition(previous, Event.SUPERSEDE)
        previous.ended_at = now
        session.add(previous)
        session.flush()
        audit.record(session, actor=actor, actor_username="" if actor else "system",
                     action="version.supersede", object_type="version",
                     object_id=version_ref(document, previous), details={"superseded_by": version.revision})
        events.version_ended(session, document, previous, actor)
    transition(version, Event.MAKE_EFFECTIVE)
    version.effective_at = now
    session.add(version)
    session.flush()
    document.effective_version_id = version.id
    for name in SIGNED_METADATA:
        # What the register, the search and every list show is what the version in force signed.
        setattr(document, name, getattr(version, name))
    document.needs_review = False
    document.next_review_on = add_months(
        version.effective_date or now.date(), document.review_interval_months
    )
    document.updated_at = now
    session.add(RevisionHistory(document_id=pk(document), revision=version.revision,
                                effective_date=version.effective_date or now.date(),
                                change_summary=version.change_summary,
                                changed_sections=version.changed_sections))
    search_index.refresh(session, document)
    session.flush()
    audit.record(session, actor=actor, actor_username="" if actor else "system",
                 action="version.effective", object_type="version", object_id=version_ref(document, version),
                 details={"effective_date": version.effective_date.isoformat() if version.effective_date
                          else None, "content_hash": version.content_hash})
    events.version_effective(session, document, version,
                             previous if previous is not None and previous.id != version.id else None, actor)


def make_due_effective(session: Session, today: date) -> list[str]:
    """Approved versions whose effective date has come; safe to run from several hosts at once.

    The documents are locked first, all of them and in one order, then each version, as every
    other writer does (see ``load_version``): locking in another order, or a document after
    the first audit event, deadlocks with a request holding one of them. A second job waits
    for the first and then finds nothing left to do.
    """
    due = session.execute(
        select(col(Version.id), col(Version.document_id))
        .where(col(Version.status) == Status.APPROVED, col(Version.effective_date) <= today)
        .order_by(col(Version.id))
    ).all()
    if not due:
        return []
    documents = {document.id: document for document in session.execute(
        select(Document).where(col(Document.id).in_({document_id for _id, document_id in due}))
        .order_by(col(Document.id)).with_for_update().execution_options(populate_existing=True)
    ).scalars()}
    done: list[str] = []
    for version_id, document_id in due:
        version = session.execute(
            select(Version).where(Version.id == version_id).with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one()
        if version.status != Status.APPROVED:
            continue
        document = documents[document_id]
        make_effective(session, None, document, version)
        done.append(version_ref(document, version))
    return done


def versions_coming_into_force(engine: Engine, settings: Settings, today: date) -> str:
    with transaction(engine) as session:
        made_effective = make_due_effective(session, today)
    return f"versions made effective: {len(made_effective)}" + (
        f" ({', '.join(made_effective)})" if made_effective else "")
