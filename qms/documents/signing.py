"""Electronic signatures: re-authentication, and the signature record itself."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts import throttle
from qms.accounts.auth import Principal
from qms.accounts.models import User
from qms.accounts.passwords import verify_password
from qms.audit import service as audit
from qms.core.config import current as current_settings
from qms.core.db import pk
from qms.core.errors import Forbidden, QMSError, RecordedFailure
from qms.core.i18n import _
from qms.documents.models import Signature, Version
from qms.documents.policy import require_signer


class WrongPassword(RecordedFailure):
    """Signing needs the signer's own password again; this one was wrong. It counts as a
    failed sign-in of that user, so that a signing form cannot be used to guess passwords."""

    status_code = 401
    field = "password"

    def __init__(self, detail: str, actor: Principal) -> None:
        super().__init__(detail)
        self.actor = actor

    def record(self, session: Session) -> None:
        throttle.failed(session, throttle.prompt_attempt(self.actor.username, self.actor.session_id,
                                                         "signing"))
        audit.record(session, actor=self.actor, action="auth.signing_password_failed", object_type="user",
                     object_id=self.actor.username)


class PasswordRequired(QMSError):
    """A signature was asked for without the signer's password: 401, like a wrong one, but
    not counted as a failed sign-in since nothing was guessed."""

    status_code = 401
    field = "password"


def reauthenticate(session: Session, actor: Principal, password: str | None) -> None:
    """The one check before every signature: the signer may sign, and typed their own password.

    Missing or wrong, the answer is 401 and nothing is recorded; a wrong one counts as a
    failed sign-in of the signer. A temporary password someone else set never signs."""
    require_signer(actor)
    if not password:
        raise PasswordRequired(_("Type your password to sign."))
    attempt = throttle.prompt_attempt(actor.username, actor.session_id, "signing")
    throttle.check(session, current_settings(), attempt)
    user = session.get(User, actor.id)
    if user is None or not verify_password(user.password_hash, password):
        raise WrongPassword(_("The password is wrong; the signature was not recorded."), actor)
    if user.must_change_password:
        raise Forbidden(_("Choose a new password before you sign: the one you have was set by an "
                          "administrator."))
    throttle.succeeded(session, attempt)


def sign(
    session: Session,
    actor: Principal,
    version: Version,
    document_code: str,
    meaning: str,
    *,
    comment: str = "",
    purpose: str = "issue",
    on_behalf_of: User | None = None,
) -> Signature:
    """Record a signature over the version's current content hash, with an audit event.

    The caller has checked the password with :func:`reauthenticate`."""
    assert version.content_hash, "only frozen content can be signed"
    require_signer(actor)
    signature = Signature(
        version_id=pk(version), user_id=actor.id, meaning=meaning, purpose=purpose,
        review_round=version.review_round, comment=comment.strip(), content_hash=version.content_hash,
        signer_name=actor.full_name, signer_title=actor.title,
        on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
        on_behalf_of_title=on_behalf_of.title if on_behalf_of else "",
    )
    session.add(signature)
    session.flush()
    audit.record(
        session, actor=actor, action=f"signature.{meaning}", object_type="version",
        object_id=f"{document_code}/{version.revision}",
        details={"purpose": purpose, "content_hash": version.content_hash, "comment": signature.comment,
                 "on_behalf_of": on_behalf_of.username if on_behalf_of else None,
                 "review_round": version.review_round},
    )
    return signature


def round_signers(session: Session, version: Version, meaning: str) -> set[int]:
    return set(session.execute(
        select(col(Signature.user_id)).where(
            col(Signature.version_id) == version.id, col(Signature.review_round) == version.review_round,
            col(Signature.meaning) == meaning, col(Signature.purpose) == "issue",
        )
    ).scalars())
