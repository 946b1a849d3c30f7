"""Named permissions: who may do what, decided in one place and asked by name.

Each capability's ``policy.py`` declares its permissions, for example::

    can_manage_documents = Permission("manage_documents", {Role.QUALITY_OFFICER})

Services call ``can_manage_documents.require(actor)``, views and templates ask
``can_manage_documents(user)``; nobody else names the roles behind it. A rule that also
depends on an object (``can_edit(user, version)``) is a plain function of the capability's
policy built on these.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from qms.core.errors import Forbidden
from qms.core.i18n import N_, gettext

#: The refusal of a permission that says nothing more specific.
ROLE_REFUSAL = N_("Your role does not allow this action.")


class HasRoles(Protocol):
    """Whoever a permission is asked about: the signed-in principal or anything with its roles."""

    @property
    def roles(self) -> frozenset[str]: ...


class Permission:
    """Granted to whoever holds at least one of ``roles``.

    ``refusal`` is an untranslated (:func:`~qms.core.i18n.N_`-marked) message, translated in
    the language of the request that is refused.
    """

    __slots__ = ("name", "refusal", "roles")

    def __init__(self, name: str, roles: Iterable[str], refusal: str = ROLE_REFUSAL) -> None:
        self.name = name
        self.roles: frozenset[str] = frozenset(str(role) for role in roles)
        self.refusal = refusal

    def __call__(self, user: HasRoles | None) -> bool:
        return user is not None and not self.roles.isdisjoint(user.roles)

    def require(self, user: HasRoles | None) -> None:
        """Raise :class:`~qms.core.errors.Forbidden` (403) unless ``user`` is granted this."""
        if not self(user):
            raise Forbidden(gettext(self.refusal))

    def __repr__(self) -> str:
        return f"Permission({self.name!r}, {sorted(self.roles)!r})"
