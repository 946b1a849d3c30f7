"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from qms.errors import ValidationFailed
from qms.i18n import _

# OWASP's recommended minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)

MIN_LENGTH = 8
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


def check_policy(password: str, *, username: str = "", field: str = "new_password") -> None:
    """At least 8 characters with a letter and a digit, not the username."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(field, _("The password must have at least %(n)s characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(field, _("The password must have at most %(n)s characters.", n=MAX_LENGTH))
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        raise ValidationFailed(field, _("The password must contain both letters and digits."))
    if username and username.casefold() in password.casefold():
        raise ValidationFailed(field, _("The password must not contain the username."))


def temporary_password() -> str:
    """A random password that satisfies the policy, for a reset done by an administrator."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate):
            return candidate
