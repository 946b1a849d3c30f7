"""Throttling of password guesses: a growing wait, never a lock.

Failed passwords (sign-in, signing prompts, the current password when changing it) are
counted per username and per client address over ``login_window_minutes``. After a few free
failures the next try must wait 1, 2, 4, ... seconds after the latest failure, up to
``login_delay_cap_seconds``; a refusal is answered 429 with Retry-After and is audited.

So that guesses from elsewhere cannot keep someone out (the head of agency above all), a
browser that has signed in as a user before carries a signed "known device" entry for that
user and is slowed only by its own failures. A signed-in session is such a device too: the
signing prompts and the change of password count the failures of that session only.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlmodel import Session, col

from qms.accounts.models import LoginAttempt
from qms.audit import service as audit
from qms.core.config import Settings
from qms.core.db import utcnow
from qms.core.errors import RecordedFailure, TooManyAttempts
from qms.core.i18n import _

DEVICE_COOKIE = "qms_device"
DEVICE_COOKIE_DAYS = 365
#: Users remembered by one browser (a shared computer at a front desk).
MAX_DEVICE_ENTRIES = 8
PASSWORD_CHANGE = "password_change"


@dataclass(frozen=True)
class Attempt:
    """Who tries a password, and from where: what the throttle counts."""

    username: str
    address: str = ""
    #: A known device of this user (``device:…``) or a signed-in session (``session:…``);
    #: empty when the browser or client is not known.
    device: str = ""
    channel: str = "web"


class Throttled(TooManyAttempts, RecordedFailure):
    """A try refused by the throttle; audited although the request's transaction rolls back."""

    def __init__(self, attempt: Attempt, wait_seconds: int) -> None:
        super().__init__(wait_message(wait_seconds), retry_after_seconds=wait_seconds)
        self.attempt = attempt
        #: The form field the refusal is shown at.
        self.field = "current_password" if attempt.channel == PASSWORD_CHANGE else "password"

    def record(self, session: Session) -> None:
        attempt = self.attempt
        audit.record(
            session, actor=None, actor_username=attempt.username[:64], action="auth.throttled",
            object_type="user", object_id=attempt.username[:64],
            details={"address": attempt.address, "wait_seconds": self.retry_after_seconds,
                     "channel": attempt.channel, "known_device": bool(attempt.device)},
        )


def wait_message(seconds: int) -> str:
    if seconds < 120:
        return _("Too many wrong passwords. Please wait %(seconds)s seconds, then try again.",
                 seconds=seconds)
    return _("Too many wrong passwords. Please wait %(minutes)s minutes, then try again.",
             minutes=math.ceil(seconds / 60))


def delay_after(settings: Settings, failures: int, free: int) -> int:
    """Seconds to wait after the latest of ``failures``: none for the first ``free``, then
    doubling from one second up to the cap."""
    if failures < free:
        return 0
    return min(2 ** min(failures - free, 30), settings.login_delay_cap_seconds)


def _wait(session: Session, settings: Settings, condition: ColumnElement[bool], free: int,
          now: datetime) -> int:
    since = now - timedelta(minutes=settings.login_window_minutes)
    failures, latest = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(condition, col(LoginAttempt.at) >= since)
    ).one()
    delay = delay_after(settings, failures, free)
    if not delay or latest is None:
        return 0
    return max(0, math.ceil((latest + timedelta(seconds=delay) - now).total_seconds()))


def wait_seconds(session: Session, settings: Settings, attempt: Attempt) -> int:
    """How long this attempt must still wait; 0 when it may go ahead."""
    now = utcnow()
    free_user = settings.login_free_failures_per_user
    if attempt.device:
        return _wait(session, settings, col(LoginAttempt.device) == attempt.device, free_user, now)
    wait = _wait(session, settings, col(LoginAttempt.username) == attempt.username, free_user, now)
    if attempt.address:
        wait = max(wait, _wait(session, settings, col(LoginAttempt.address) == attempt.address,
                               settings.login_free_failures_per_address, now))
    return wait


def check(session: Session, settings: Settings, attempt: Attempt) -> None:
    """Raise :class:`Throttled` when the attempt comes too soon after earlier failures."""
    wait = wait_seconds(session, settings, attempt)
    if wait:
        raise Throttled(attempt, wait)


def failed(session: Session, attempt: Attempt) -> None:
    session.add(LoginAttempt(username=attempt.username[:64], address=attempt.address[:64],
                             device=attempt.device[:64], at=utcnow()))


def succeeded(session: Session, attempt: Attempt) -> None:
    """The right password: the user's own earlier failures (from this device, else from this
    address) no longer count. Failures from elsewhere still do, or each success of the real
    user would give a guesser fresh tries."""
    query = delete(LoginAttempt).where(col(LoginAttempt.username) == attempt.username)
    if attempt.device:
        query = query.where(col(LoginAttempt.device) == attempt.device)
    elif attempt.address:
        query = query.where(col(LoginAttempt.address) == attempt.address)
    session.execute(query)


def purge(session: Session, settings: Settings) -> None:
    """Forget failures older than the window."""
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.at) < since))


# --- known devices ----------------------------------------------------------------------


def _mac(secret: str, username: str, nonce: str) -> str:
    message = f"known-device|{username}|{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def _entries(cookie: str | None) -> list[tuple[str, str]]:
    pairs = []
    for entry in (cookie or "").split("~")[:MAX_DEVICE_ENTRIES]:
        nonce, _dot, mac = entry.partition(".")
        if nonce and mac:
            pairs.append((nonce, mac))
    return pairs


def _nonce_for(secret: str, cookie: str | None, username: str) -> str | None:
    for nonce, mac in _entries(cookie):
        if hmac.compare_digest(mac, _mac(secret, username, nonce)):
            return nonce
    return None


def known_device(secret: str, cookie: str | None, username: str) -> str:
    """This browser's id as a known device of ``username``, or "" when it is not one.

    The cookie names no user: each entry is a random id and its HMAC over the username."""
    nonce = _nonce_for(secret, cookie, username)
    return f"device:{nonce}" if nonce else ""


def remember_device(secret: str, cookie: str | None, username: str) -> str:
    """The cookie's value after ``username`` signed in here: that user's entry first."""
    nonce = _nonce_for(secret, cookie, username) or secrets.token_urlsafe(12)
    others = [f"{n}.{m}" for n, m in _entries(cookie) if n != nonce]
    return "~".join([f"{nonce}.{_mac(secret, username, nonce)}", *others][:MAX_DEVICE_ENTRIES])


def prompt_attempt(username: str, session_id: int | None, channel: str) -> Attempt:
    """A password typed again by someone signed in (a signing prompt, the current password
    when changing it), throttled per session: guesses made elsewhere do not slow them down,
    and a stolen session still only gets a growing wait."""
    return Attempt(username=username, device=f"session:{session_id}" if session_id is not None else "",
                   channel=channel)

