"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

import secrets
import string
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.models import AgencyProfile, User
from qms.core.errors import ValidationFailed
from qms.core.i18n import _
from qms.core.search import fold

# OWASP's recommended minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)

MIN_LENGTH = 10
MAX_LENGTH = 128
# A valid hash to compare against when the user does not exist, so that a wrong
# username costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


#: Stripped from the end before the list is consulted: "Matkhau@2024" is "matkhau".
_TRAILING = string.digits + string.punctuation + string.whitespace
#: Name parts shorter than this ("Lê", "Thị", "An") are only refused as the whole password.
_MIN_PART = 4


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list (``scripts/common_passwords.py`` writes it): lowercase, no trailing digits."""
    listed = resources.files("qms.accounts").joinpath("data/common-passwords.txt")
    with listed.open(encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def _compact(text: str) -> str:
    """Folded (no diacritics, đ as d, casefolded) with only its letters and digits."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _made_of(text: str, parts: set[str]) -> bool:
    """Whether ``text`` is nothing but ``parts`` put together ("levanhung" from Lê Văn Hùng)."""
    reachable = [True] + [False] * len(text)
    for end in range(1, len(text) + 1):
        reachable[end] = any(reachable[end - len(part)] and text.endswith(part, 0, end)
                             for part in parts if len(part) <= end)
    return bool(text) and reachable[-1]


def _is_common(password: str) -> bool:
    """In the list as typed, or once trailing (and leading) digits and signs are stripped."""
    lowered = password.casefold().strip()
    core = lowered.rstrip(_TRAILING)
    return not common_passwords().isdisjoint({lowered, core, core.lstrip(_TRAILING), _compact(core)})


def _field_label(field: str) -> str:
    return _("New password") if field == "new_password" else _("Password")


def policy_problem(password: str, *, username: str = "", full_name: str = "",
                   agency_names: tuple[str, ...] = (), field: str = "new_password") -> str | None:
    """Why ``password`` is refused (NIST SP 800-63B: length, a list of common passwords, the
    user's own names), or None. No composition rules: a long phrase is the best password."""
    label = _field_label(field)
    if len(password) < MIN_LENGTH:
        return _("%(field)s must have at least %(n)s characters.", field=label, n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("%(field)s must have at most %(n)s characters.", field=label, n=MAX_LENGTH)
    if _is_common(password):
        return _("%(field)s is one of the passwords people choose most often, which are tried "
                 "first: choose a longer phrase that others would not guess.", field=label)
    compact = _compact(password)
    core = _compact(password.rstrip(_TRAILING))
    user = _compact(username)
    if user and (user in compact if len(user) >= 3 else compact == user):
        return _("%(field)s must not contain the username.", field=label)
    name_parts = {part for part in (_compact(word) for word in full_name.split()) if part}
    if any(len(part) >= _MIN_PART and part in compact for part in name_parts) or _made_of(core, name_parts):
        return _("%(field)s must not contain your full name or part of it.", field=label)
    agency_words = {part for name in agency_names for part in (_compact(w) for w in name.split()) if part}
    whole_names = [_compact(name) for name in agency_names if len(_compact(name)) > _MIN_PART]
    if any(name in compact for name in whole_names) or _made_of(core, agency_words | name_parts | {user}):
        return _("%(field)s must not contain the agency's name.", field=label)
    return None


def check_policy(password: str, *, username: str = "", full_name: str = "",
                 agency_names: tuple[str, ...] = (), field: str = "new_password") -> None:
    """Raise ValidationFailed naming ``field`` with the reason :func:`policy_problem` gives."""
    problem = policy_problem(password, username=username, full_name=full_name, agency_names=agency_names,
                             field=field)
    if problem:
        raise ValidationFailed(field, problem)


def agency_names(session: Session) -> tuple[str, ...]:
    """The agency's name and short name, which no password may contain."""
    row = session.execute(select(col(AgencyProfile.name), col(AgencyProfile.short_name)).limit(1)).first()
    return tuple(name for name in (row or ()) if name)


def user_policy_problem(session: Session, user: User, password: str,
                        field: str = "new_password") -> str | None:
    """:func:`policy_problem` for ``user``, with their names and the agency's."""
    return policy_problem(password, username=user.username, full_name=user.full_name,
                          agency_names=agency_names(session), field=field)


def temporary_password(*, username: str = "", full_name: str = "", agency_names: tuple[str, ...] = ()) -> str:
    """A random password for a reset done by an administrator: 14 letters and digits (about
    83 bits), drawn again in the unlikely case the policy would refuse it for this user."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(14))
        if not policy_problem(candidate, username=username, full_name=full_name, agency_names=agency_names):
            return candidate
